#include "RedisServerFixture.h"
#include "RunCommand.h"

#include "redis/RedisConnection.h"
#include "redis/RedisReplyView.h"

#include <QSignalSpy>
#include <QTest>

#include <optional>

using namespace Confab;
using namespace Confab::Test;
using namespace std::chrono_literals;

class tst_RedisConnection : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        RedisServerFixture::Config config;
        config.unixSocket = true;
        m_server = std::make_unique<RedisServerFixture>(config);
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    }

    void init() { QVERIFY(m_server->command({"FLUSHALL"}).isOk()); }

    void connectsAndAnswersPing()
    {
        RedisConnection c(m_server->options());
        QSignalSpy states(&c, &RedisConnection::stateChanged);
        QVERIFY(openAndWait(c));
        QCOMPARE(states.first().first().value<RedisConnection::State>(),
                 RedisConnection::State::Connecting);
        QCOMPARE(states.last().first().value<RedisConnection::State>(),
                 RedisConnection::State::Connected);
        QCOMPARE(runCommand(c, {"PING"}), RedisReply::status("PONG"));
    }

    void tenThousandPipelinedCommandsAnswerInOrder()
    {
        RedisConnection c(m_server->options());
        QVERIFY(openAndWait(c));
        constexpr int count = 10000;
        QList<qint64> seen;
        seen.reserve(count);
        for (int i = 0; i < count; ++i)
            c.command({"INCR", "counter"}, [&seen](const RedisReply &r) { seen << r.toInteger(); });
        // All were written before the first reply could be read: that is the pipelining.
        QCOMPARE(c.pendingCount(), count);
        QTRY_COMPARE_WITH_TIMEOUT(seen.size(), count, 30000);
        for (int i = 0; i < count; ++i)
            QCOMPARE(seen[i], i + 1);
    }

    void binaryArgumentsAndRepliesRoundTrip()
    {
        RedisConnection c(m_server->options());
        QVERIFY(openAndWait(c));
        const QByteArray key("k\0ey\xff", 5);
        const QByteArray value("\0\r\n\xc3\x28 not utf-8 \xfe\xff\0", 17);
        QVERIFY(runCommand(c, {"SET", key, value}).isOk());
        const RedisReply got = runCommand(c, {"GET", key});
        QVERIFY(got.isString());
        QCOMPARE(got.bytes(), value);
        // The same bytes as seen by another client.
        QCOMPARE(m_server->command({"GET", key}).bytes(), value);
    }

    void nestedRepliesKeepTheirStructure()
    {
        RedisConnection c(m_server->options());
        QVERIFY(openAndWait(c));
        const RedisReply r = runCommand(c, {"EVAL", "return {1, {2, {'deep', 3}}, 'x', {}}", "0"});
        const RedisReply expected = RedisReply::array(
            {RedisReply::integer(1),
             RedisReply::array(
                 {RedisReply::integer(2),
                  RedisReply::array({RedisReply::string("deep"), RedisReply::integer(3)})}),
             RedisReply::string("x"), RedisReply::array({})});
        QCOMPARE(r, expected);
    }

    void flatArraysOnlyForTheCommandsThatAskForThem()
    {
        RedisConnection c(m_server->options());
        QVERIFY(openAndWait(c));
        for (int i = 0; i < 300; ++i)
            c.command(
                {"XADD", "log", "*", "from", "alice", "text", "hello " + QByteArray::number(i)});
        RedisConnection::CommandOptions flat;
        flat.flatArrays = true;
        const QList<QByteArray> read = {"XRANGE", "log", "-", "+"};
        // Pipelined: a flat reply between two trees, each read in the form its command asked.
        std::optional<RedisReply> before, page, after;
        c.command(read, [&](const RedisReply &r) { before = r; });
        c.command(
            read, [&](const RedisReply &r) { page = r; }, flat);
        c.command(read, [&](const RedisReply &r) { after = r; });
        QTRY_VERIFY_WITH_TIMEOUT(after.has_value(), 30000);
        QVERIFY(!before->flat());
        QVERIFY(page->flat());
        QVERIFY(!after->flat());
        QCOMPARE(page->size(), 300);
        QCOMPARE(*page, *before);
        QCOMPARE(RedisReplyView(*page).at(299).at(1).at(3).bytes().toByteArray(),
                 QByteArray("hello 299"));

        // What is not an array comes as ever: errors, nil, integers.
        QVERIFY(runCommand(c, {"SET", "text", "x"}).isOk());
        const RedisReply wrongType = runCommand(c, {"XRANGE", "text", "-", "+"}, flat);
        QCOMPARE(wrongType.errorCode(), QByteArray("WRONGTYPE"));
        QVERIFY(!wrongType.flat());
        QCOMPARE(runCommand(c, {"XLEN", "log"}, flat).toInteger(), 300);
        // A transaction's EXEC holds every command's reply: read as a tree.
        std::optional<RedisReply> exec;
        c.transaction(
            {{"XLEN", "log"}, {"XRANGE", "log", "-", "+", "COUNT", "2"}},
            [&](const RedisReply &r) { exec = r; }, flat);
        QTRY_VERIFY_WITH_TIMEOUT(exec.has_value(), 30000);
        QVERIFY(!exec->flat());
        QCOMPARE(exec->at(0).toInteger(), 300);
        QCOMPARE(exec->at(1).size(), 2);
    }

    void missingKeyIsNil()
    {
        RedisConnection c(m_server->options());
        QVERIFY(openAndWait(c));
        QVERIFY(runCommand(c, {"GET", "nothing-here"}).isNil());
    }

    void serverErrorsCarryTheServersText()
    {
        RedisConnection c(m_server->options());
        QVERIFY(openAndWait(c));
        QCOMPARE(runCommand(c, {"LPUSH", "list", "a"}).toInteger(), 1);
        const RedisReply wrongType = runCommand(c, {"GET", "list"});
        QVERIFY(wrongType.isError());
        QCOMPARE(wrongType.errorCode(), QByteArray("WRONGTYPE"));
        QVERIFY(wrongType.toString().contains(QStringLiteral("wrong kind of value")));
        QVERIFY(!wrongType.isClientError());
        const RedisReply unknown = runCommand(c, {"NOSUCHCOMMAND"});
        QCOMPARE(unknown.errorCode(), QByteArray("ERR"));
        QVERIFY(unknown.toString().contains(QStringLiteral("unknown command")));
        // The connection is still fine after errors.
        QCOMPARE(runCommand(c, {"PING"}), RedisReply::status("PONG"));
    }

    void fiftyMegabyteValueRoundTrips()
    {
        RedisConnection c(m_server->options());
        QVERIFY(openAndWait(c));
        QByteArray big(50 * 1024 * 1024, Qt::Uninitialized);
        for (qsizetype i = 0; i < big.size(); ++i)
            big[i] = char(i * 131 + (i >> 12));
        QVERIFY(runCommand(c, {"SET", "big", big}).isOk());
        const RedisReply got = runCommand(c, {"GET", "big"});
        QCOMPARE(got.bytes().size(), big.size());
        QVERIFY(got.bytes() == big);
        QCOMPARE(runCommand(c, {"STRLEN", "big"}).toInteger(), big.size());
    }

    void largeArrayReply()
    {
        RedisConnection c(m_server->options());
        QVERIFY(openAndWait(c));
        QVERIFY(
            runCommand(c,
                       {"EVAL", "for i=1,200000 do redis.call('RPUSH', KEYS[1], i) end return 1",
                        "1", "list"})
                .toInteger()
            == 1);
        const RedisReply all = runCommand(c, {"LRANGE", "list", "0", "-1"});
        QCOMPARE(all.size(), 200000);
        QCOMPARE(all.at(199999).bytes(), QByteArray("200000"));
    }

    void millionElementReplyLeavesNoBufferBehind()
    {
        RedisConnection c(m_server->options());
        QVERIFY(openAndWait(c));
        constexpr int count = 1000000;
        // RPUSH in chunks of 1000 (well within Lua's unpack limit): 1M single calls would be slow.
        const RedisReply length = runCommand(
            c,
            {"EVAL",
             "local n = tonumber(ARGV[1]) for i = 1, n, 1000 do local chunk = {} "
             "for j = i, math.min(i + 999, n) do chunk[#chunk + 1] = j end "
             "redis.call('RPUSH', KEYS[1], unpack(chunk)) end return redis.call('LLEN', KEYS[1])",
             "1", "million", QByteArray::number(count)});
        QCOMPARE(length.toInteger(), count);
        const RedisReply all = runCommand(c, {"LRANGE", "million", "0", "-1"});
        QCOMPARE(all.size(), count);
        QCOMPARE(all.at(0).bytes(), QByteArray("1"));
        QCOMPARE(all.at(count - 1).bytes(), QByteArray::number(count));
        // Some 14 MB went through the reader; it must not keep a buffer of that order.
        QTRY_VERIFY2(c.readerBufferCapacity() < 1024 * 1024,
                     QByteArray::number(c.readerBufferCapacity()));
        // And it goes on reading.
        QCOMPARE(runCommand(c, {"PING"}), RedisReply::status("PONG"));
    }

    void commandTimeoutFailsOnlyThatCommand()
    {
        RedisConnection c(m_server->options());
        QVERIFY(openAndWait(c));
        RedisConnection::CommandOptions options;
        options.timeout = 200ms;
        const RedisReply slow = runCommand(c, {"DEBUG", "SLEEP", "1"}, options);
        QCOMPARE(slow.errorCode(), QByteArray(RedisReply::Timeout));
        QVERIFY(slow.isClientError());
        // The late +OK of DEBUG SLEEP must not be taken for the reply of the next command.
        QCOMPARE(runCommand(c, {"ECHO", "after"}), RedisReply::string("after"));
    }

    void selectsTheConfiguredDatabaseAndName()
    {
        RedisOptions options = m_server->options();
        options.db = 3;
        options.clientName = QStringLiteral("confab-test");
        RedisConnection c(options);
        QVERIFY(openAndWait(c));
        QVERIFY(runCommand(c, {"SET", "only-in-3", "1"}).isOk());
        QVERIFY(m_server->command({"GET", "only-in-3"}).isNil());
        QCOMPARE(runCommand(c, {"CLIENT", "GETNAME"}).bytes(), QByteArray("confab-test"));
    }

    void badDatabaseIsAClearError()
    {
        RedisOptions options = m_server->options();
        options.db = 99;
        RedisConnection c(options);
        QSignalSpy errors(&c, &RedisConnection::errorOccurred);
        c.open();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), RedisConnection::State::Disconnected, 15000);
        QVERIFY2(c.lastError().contains(QStringLiteral("SELECT failed")),
                 qPrintable(c.lastError()));
        QVERIFY2(c.lastError().contains(QStringLiteral("out of range")), qPrintable(c.lastError()));
        QCOMPARE(errors.size(), 1);
    }

    void unixSocket()
    {
        const auto options =
            RedisOptions::fromUrl(QStringLiteral("unix://") + m_server->unixSocketPath());
        QVERIFY(options);
        RedisConnection c(*options);
        QVERIFY(openAndWait(c));
        QVERIFY(runCommand(c, {"SET", "via-unix", "yes"}).isOk());
        QCOMPARE(m_server->command({"GET", "via-unix"}).bytes(), QByteArray("yes"));
        QVERIFY(runCommand(c, {"CLIENT", "INFO"})
                    .toString()
                    .contains(QStringLiteral("laddr=") + m_server->unixSocketPath()));
    }

    void unreachableServerIsAClearError()
    {
        RedisOptions options;
        options.host = QStringLiteral("127.0.0.1");
        options.port = 1; // nothing listens there
        options.autoReconnect = false;
        RedisConnection c(options);
        c.open();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), RedisConnection::State::Disconnected, 15000);
        QVERIFY2(c.lastError().contains(QStringLiteral("127.0.0.1:1")), qPrintable(c.lastError()));
        QVERIFY2(c.lastError().contains(QStringLiteral("refused"), Qt::CaseInsensitive),
                 qPrintable(c.lastError()));
        const RedisReply r = runCommand(c, {"PING"});
        QCOMPARE(r.errorCode(), QByteArray(RedisReply::NotConnected));
    }

    void emptyCommandIsRejected()
    {
        RedisConnection c(m_server->options());
        QVERIFY(openAndWait(c));
        QVERIFY(runCommand(c, {}).isError());
        QCOMPARE(runCommand(c, {"PING"}), RedisReply::status("PONG"));
    }

    void closeFailsPendingCommands()
    {
        RedisConnection c(m_server->options());
        QVERIFY(openAndWait(c));
        std::optional<RedisReply> reply;
        c.command({"DEBUG", "SLEEP", "0.5"}, [&reply](const RedisReply &r) { reply = r; });
        c.close();
        QVERIFY(reply.has_value());
        QCOMPARE(reply->errorCode(), QByteArray(RedisReply::ConnectionLost));
        QCOMPARE(c.state(), RedisConnection::State::Disconnected);
    }

private:
    std::unique_ptr<RedisServerFixture> m_server;
};

QTEST_GUILESS_MAIN(tst_RedisConnection)
#include "tst_RedisConnection.moc"
