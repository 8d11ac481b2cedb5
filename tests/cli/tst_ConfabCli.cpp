#include "RedisServerFixture.h"

#include "chat/ChatScripts.h"
#include "chat/NameRule.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Confab;
using namespace Confab::Test;
using namespace Qt::StringLiterals;

// confab-cli as scripts use it: the built binary, run as a process against a real server.
class tst_ConfabCli : public QObject
{
    Q_OBJECT

    struct Result
    {
        int exitCode = -1;
        QProcess::ExitStatus exitStatus = QProcess::CrashExit;
        QByteArray out;
        QByteArray err;

        QStringList lines() const
        {
            return QString::fromUtf8(out).split(u'\n', Qt::SkipEmptyParts);
        }
        QString error() const { return QString::fromUtf8(err); }
        bool succeeded() const { return exitStatus == QProcess::NormalExit && exitCode == 0; }
        // What a failure looks like: a non-zero exit and exactly one line on stderr.
        bool failedWithOneLine() const
        {
            return exitStatus == QProcess::NormalExit && exitCode != 0
                && err.startsWith("confab-cli: ") && err.count('\n') == 1 && err.endsWith('\n');
        }
    };

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(QFile::exists(QStringLiteral(CONFAB_CLI_PATH)));
        QVERIFY(m_home.isValid());
        m_server = std::make_unique<RedisServerFixture>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    }

    void init() { QVERIFY(m_server->command({"FLUSHALL"}).isOk()); }

    void joinThenChannelsListsIt()
    {
        QVERIFY(cli({u"join"_s, u"dev"_s}).succeeded());
        const Result listing = cli({u"channels"_s});
        QVERIFY2(listing.succeeded(), listing.err.constData());
        QCOMPARE(listing.lines().size(), 1);
        const QStringList fields = listing.lines().first().split(u'\t');
        QCOMPARE(fields.size(), 4);
        QCOMPARE(fields[0], QStringLiteral("dev"));
        QCOMPARE(fields[1], QStringLiteral("1"));
        const QDateTime lastActivity = QDateTime::fromString(fields[2], Qt::ISODateWithMs);
        QVERIFY2(lastActivity.isValid(), qPrintable(fields[2]));
        QVERIFY(qAbs(lastActivity.secsTo(QDateTime::currentDateTimeUtc())) < 600);
        QCOMPARE(fields[3], QString()); // no topic
    }

    void sentTextShowsInHistory()
    {
        QVERIFY(cli({u"join"_s, u"dev"_s}).succeeded());
        const Result sent = cli({u"send"_s, u"dev"_s, u"hello"_s, u"world"_s});
        QVERIFY2(sent.succeeded(), sent.err.constData());
        const Result history = cli({u"history"_s, u"dev"_s});
        QVERIFY2(history.succeeded(), history.err.constData());
        QCOMPARE(history.lines().size(), 2);
        QVERIFY2(history.lines().first().endsWith(u"] -- tester joined #dev"_s),
                 qPrintable(history.lines().first()));
        static const QRegularExpression line(
            QStringLiteral(R"(^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] <tester> hello world$)"));
        QVERIFY2(line.match(history.lines().last()).hasMatch(), qPrintable(history.lines().last()));
    }

    void historyAsJson()
    {
        QVERIFY(cli({u"join"_s, u"dev"_s}).succeeded());
        QVERIFY(cli({u"send"_s, u"dev"_s, u"hello"_s, u"json"_s}).succeeded());
        const Result history = cli({u"--json"_s, u"history"_s, u"dev"_s});
        QVERIFY2(history.succeeded(), history.err.constData());
        QCOMPARE(history.lines().size(), 2);
        QJsonParseError error;
        const QJsonObject message =
            QJsonDocument::fromJson(history.lines().last().toUtf8(), &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QVERIFY(QRegularExpression(QStringLiteral(R"(^\d+-\d+$)"))
                    .match(message[u"id"].toString())
                    .hasMatch());
        const QDateTime time =
            QDateTime::fromString(message[u"time"].toString(), Qt::ISODateWithMs);
        QVERIFY(time.isValid());
        QCOMPARE(time.timeSpec(), Qt::UTC);
        QCOMPARE(time.toMSecsSinceEpoch(),
                 message[u"id"].toString().section(u'-', 0, 0).toLongLong());
        QCOMPARE(message[u"channel"].toString(), QStringLiteral("dev"));
        QCOMPARE(message[u"type"].toString(), QStringLiteral("msg"));
        QCOMPARE(message[u"from"].toString(), QStringLiteral("tester"));
        QCOMPARE(message[u"text"].toString(), QStringLiteral("hello json"));
        QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{32}$"))
                    .match(message[u"cid"].toString())
                    .hasMatch());
        QVERIFY(!message.contains(u"problem"));
    }

    void historyShowsEventsAndMarksMalformedEntries()
    {
        QVERIFY(cli({u"join"_s, u"dev"_s}).succeeded());
        m_server->command({"XADD", "channel:{dev}:log", "*", "v", "1", "type", "me", "from",
                           "carol", "text", "waves"});
        m_server->command(
            {"XADD", "channel:{dev}:log", "*", "type", "msg", "text", "who said this?"});
        QVERIFY(cli({u"leave"_s, u"dev"_s}).succeeded());
        const Result history = cli({u"history"_s, u"dev"_s});
        QVERIFY2(history.succeeded(), history.err.constData());
        const QStringList lines = history.lines();
        QCOMPARE(lines.size(), 4);
        QVERIFY2(lines[0].endsWith(QStringLiteral("] -- tester joined #dev")),
                 qPrintable(lines[0]));
        QVERIFY2(lines[1].endsWith(QStringLiteral("] * carol waves")), qPrintable(lines[1]));
        QVERIFY2(lines[2].endsWith(QStringLiteral("> who said this? [no sender]")),
                 qPrintable(lines[2]));
        QVERIFY2(lines[3].endsWith(QStringLiteral("] -- tester left #dev")), qPrintable(lines[3]));
    }

    // What another program wrote reaches a terminal: no escape sequence may drive it, no
    // bidi override turn "gnp.exe" into "exe.png", no line break split a message.
    void historyMarksControlAndBidiCharacters()
    {
        QVERIFY(cli({u"join"_s, u"dev"_s}).succeeded());
        m_server->command({"XADD", "channel:{dev}:log", "*", "type", "msg", "from", "carol", "text",
                           "see \xe2\x80\xaegnp.exe and \x1b[2Jcleared\r\nnext"});
        const Result history = cli({u"history"_s, u"dev"_s});
        QVERIFY2(history.succeeded(), history.err.constData());
        const QStringList lines = history.lines();
        QCOMPARE(lines.size(), 2);
        QVERIFY2(lines[1].endsWith(QStringLiteral(
                     "<carol> see [U+202E]gnp.exe and [U+001B][2Jcleared\u21b5next")),
                 qPrintable(lines[1]));
        QVERIFY(!history.out.contains("\x1b"));
        QVERIFY(!history.out.contains("\xe2\x80\xae"));
        // JSON keeps the text as it is: a script decides for itself.
        const Result json = cli({u"history"_s, u"dev"_s, u"--json"_s});
        QVERIFY(json.out.contains("\\u001b[2J"));
    }

    void sendReadsEachStdinLineInOrder()
    {
        QByteArray input;
        QStringList expected;
        for (int i = 0; i < 200; ++i) {
            input += "line " + QByteArray::number(i) + (i % 10 == 0 ? "\r\n\n" : "\n");
            expected << QStringLiteral("line %1").arg(i);
        }
        QVERIFY(cli({u"join"_s, u"dev"_s}).succeeded());
        const Result sent = cli({u"send"_s, u"dev"_s}, input);
        QVERIFY2(sent.succeeded(), sent.err.constData());
        QCOMPARE(sent.out, QByteArray());
        QCOMPARE(texts(cli({u"--json"_s, u"history"_s, u"dev"_s, u"--count"_s, u"500"_s})),
                 expected);
        // "-" says the same, and the last line needs no line break.
        QVERIFY(cli({u"send"_s, u"dev"_s, u"-"_s}, "last\nline").succeeded());
        QCOMPARE(texts(cli({u"--json"_s, u"history"_s, u"dev"_s, u"--count"_s, u"2"_s})),
                 (QStringList{QStringLiteral("last"), QStringLiteral("line")}));
    }

    // A server restart in the middle of a send: the lines wait and go out once it is back,
    // each once (one-shot commands reconnect a connection that was up; a server that never
    // answered still fails at once: unreachablePortFails).
    void sendWaitsThroughAServerRestart()
    {
        RedisServerFixture::Config config;
        config.appendOnly = true; // the restart keeps what was written
        RedisServerFixture server(config);
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        const QStringList url{u"--url"_s, server.url()};
        QVERIFY(run(url + QStringList{u"join"_s, u"dev"_s}, {}, environment()).succeeded());

        QProcess send;
        startCli(send, url + QStringList{u"--timeout"_s, u"60"_s, u"send"_s, u"dev"_s},
                 environment());
        QVERIFY(send.waitForStarted(30000));
        send.write("before the restart\n");
        QTRY_COMPARE_WITH_TIMEOUT(server.command({"XLEN", "channel:{dev}:log"}).toInteger(), 2,
                                  30000);
        server.stop();
        QVERIFY2(server.restart(), qPrintable(server.errorString()));
        send.write("after the restart\nand one more\n");
        send.closeWriteChannel();
        QVERIFY(send.waitForFinished(90000));
        QVERIFY2(send.exitCode() == 0, send.readAllStandardError().constData());
        const Result history =
            run(url + QStringList{u"--json"_s, u"history"_s, u"dev"_s}, {}, environment());
        QCOMPARE(texts(history),
                 (QStringList{u"before the restart"_s, u"after the restart"_s, u"and one more"_s}));
    }

    void historyPagesWithCountAndBefore()
    {
        QByteArray input;
        for (int i = 0; i < 10; ++i)
            input += "m" + QByteArray::number(i) + '\n';
        QVERIFY(cli({u"join"_s, u"dev"_s}).succeeded());
        QVERIFY(cli({u"send"_s, u"dev"_s}, input).succeeded());

        const Result newest = cli({u"--json"_s, u"history"_s, u"dev"_s, u"--count"_s, u"3"_s});
        QCOMPARE(texts(newest),
                 (QStringList{QStringLiteral("m7"), QStringLiteral("m8"), QStringLiteral("m9")}));
        const Result older = cli({u"--json"_s, u"history"_s, u"dev"_s, u"--count"_s, u"3"_s,
                                  u"--before"_s, ids(newest).first()});
        QCOMPARE(texts(older),
                 (QStringList{QStringLiteral("m4"), QStringLiteral("m5"), QStringLiteral("m6")}));
        const Result all = cli({u"--json"_s, u"history"_s, u"dev"_s, u"--count"_s, u"100"_s});
        QCOMPARE(texts(all).size(), 10);
        const Result first = cli({u"--json"_s, u"history"_s, u"dev"_s, u"--count"_s, u"3"_s,
                                  u"--before"_s, ids(all).at(1)});
        // The join entry stands before m0.
        QCOMPARE(texts(first), QStringList{QStringLiteral("m0")});
        QCOMPARE(first.lines().size(), 2);
        QCOMPARE(cli({u"history"_s, u"dev"_s, u"--count"_s, u"0"_s}).exitCode, 2);
    }

    void historyLongerThanAPageIsReadInPages()
    {
        // Written as another client would; the worker asks for at most
        // ChatConfig::catchUpPageSize (1000) entries per request.
        constexpr int count = 2500;
        const RedisReply filled = m_server->command(
            {"EVAL",
             "for i = 0, tonumber(ARGV[1]) - 1 do redis.call('XADD', KEYS[1], '*', 'v', '1', "
             "'type', 'msg', 'from', 'filler', 'text', tostring(i), 'cid', 'f' .. i) end return 1",
             "1", "channel:{dev}:log", QByteArray::number(count)});
        QCOMPARE(filled.toInteger(), 1);
        // Every command goes to the slow log, so the requests the run made can be read back.
        QVERIFY(m_server->command({"CONFIG", "SET", "slowlog-max-len", "1000"}).isOk());
        QVERIFY(m_server->command({"CONFIG", "SET", "slowlog-log-slower-than", "0"}).isOk());
        QVERIFY(m_server->command({"SLOWLOG", "RESET"}).isOk());
        const Result most = cli({u"--json"_s, u"history"_s, u"dev"_s, u"--count"_s, u"2400"_s});
        const RedisReply slowlog = m_server->command({"SLOWLOG", "GET", "1000"});
        m_server->command({"CONFIG", "SET", "slowlog-log-slower-than", "10000"});
        QVERIFY2(most.succeeded(), most.err.constData());
        QCOMPARE(texts(most), numbers(count - 2400, count));
        QList<qint64> pages;
        for (const RedisReply &entry : slowlog.elements()) {
            // id, time, duration, arguments, ...
            if (entry.size() < 4 || entry.at(3).size() != 6
                || entry.at(3).at(0).bytes().toUpper() != "XREVRANGE")
                continue;
            pages << entry.at(3).at(5).bytes().toLongLong();
        }
        QVERIFY2(pages.size() >= 3, qPrintable(slowlog.toDebugString()));
        for (const qint64 page : std::as_const(pages))
            QVERIFY2(page > 0 && page <= 1000, qPrintable(slowlog.toDebugString()));

        // More than there is: all of it, oldest first.
        const Result all = cli({u"--json"_s, u"history"_s, u"dev"_s, u"--count"_s, u"5000"_s});
        QVERIFY2(all.succeeded(), all.err.constData());
        QCOMPARE(texts(all), numbers(0, count));
    }

    void retentionOptionAndVariableTrimTheLog()
    {
        QByteArray input;
        for (int i = 0; i < 1000; ++i)
            input += QByteArray::number(i) + '\n';
        // MAXLEN ~ trims whole macro nodes only (100 entries by default), so about the
        // retention and at most one node more stay; never all 1000.
        auto length = [this](const QByteArray &channel) {
            return m_server->command({"XLEN", "channel:{" + channel + "}:log"}).toInteger();
        };
        for (const QString &channel : {u"dev"_s, u"ops"_s, u"qa"_s})
            QVERIFY(cli({u"join"_s, channel}).succeeded());
        const Result option = cli({u"--retention"_s, u"10"_s, u"send"_s, u"dev"_s}, input);
        QVERIFY2(option.succeeded(), option.err.constData());
        QVERIFY2(length("dev") >= 10 && length("dev") <= 200, QByteArray::number(length("dev")));

        QProcessEnvironment env = environment();
        env.insert(u"CONFAB_RETENTION"_s, u"10"_s);
        const Result variable = cli({u"send"_s, u"ops"_s}, input, env);
        QVERIFY2(variable.succeeded(), variable.err.constData());
        QVERIFY2(length("ops") >= 10 && length("ops") <= 200, QByteArray::number(length("ops")));

        // The command line wins over the environment.
        env.insert(u"CONFAB_RETENTION"_s, u"1000000"_s);
        const Result both = cli({u"--retention"_s, u"10"_s, u"send"_s, u"qa"_s}, input, env);
        QVERIFY2(both.succeeded(), both.err.constData());
        QVERIFY2(length("qa") >= 10 && length("qa") <= 200, QByteArray::number(length("qa")));
    }

    // Found by UBSan: seconds beyond what milliseconds can count were converted anyway.
    void badTimeoutIsAClearError_data()
    {
        QTest::addColumn<QString>("value");
        for (const char *value : {"1e300", "inf", "nan", "-1", "86401", "soon"})
            QTest::newRow(value) << QString::fromLatin1(value);
    }
    void badTimeoutIsAClearError()
    {
        QFETCH(QString, value);
        const Result result = cli({u"--timeout"_s, value, u"channels"_s});
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.error().contains(u"--timeout"_s) && result.error().contains(value),
                 result.err.constData());
    }

    void badRetentionIsAClearError()
    {
        const Result option = cli({u"--retention"_s, u"lots"_s, u"send"_s, u"dev"_s, u"x"_s});
        QCOMPARE(option.exitCode, 2);
        QVERIFY2(option.failedWithOneLine(), option.err.constData());
        QVERIFY2(option.error().contains(u"--retention"_s)
                     && option.error().contains(u"\"lots\""_s),
                 option.err.constData());
        QCOMPARE(cli({u"--retention"_s, u"0"_s, u"send"_s, u"dev"_s, u"x"_s}).exitCode, 2);

        QProcessEnvironment env = environment();
        env.insert(u"CONFAB_RETENTION"_s, u"-5"_s);
        const Result variable = cli({u"send"_s, u"dev"_s, u"x"_s}, {}, env);
        QCOMPARE(variable.exitCode, 1);
        QVERIFY2(variable.failedWithOneLine(), variable.err.constData());
        QVERIFY2(variable.error().contains(u"CONFAB_RETENTION"_s)
                     && variable.error().contains(u"\"-5\""_s),
                 variable.err.constData());
        QCOMPARE(m_server->command({"DBSIZE"}).toInteger(), 0);
    }

    void tailPrintsMessagesSentAfterItStarts()
    {
        QVERIFY(cli({u"join"_s, u"live"_s}).succeeded());
        QVERIFY(cli({u"send"_s, u"live"_s, u"sent before the tail started"_s}).succeeded());
        QProcess tail;
        startCli(tail, {u"tail"_s, u"live"_s});
        QVERIFY(tail.waitForStarted(30000));
        // Until the tail has read its starting point, a message may land in the page it reads
        // first (and does not print); once it prints one, it is live.
        for (int attempt = 0; attempt < 30 && !tail.canReadLine(); ++attempt) {
            QVERIFY(cli({u"send"_s, u"live"_s, u"warm-up %1"_s.arg(attempt)}).succeeded());
            tail.waitForReadyRead(1000);
        }
        QVERIFY(tail.canReadLine());
        while (tail.canReadLine())
            QVERIFY2(tail.readLine().contains("<tester> warm-up "),
                     "only what was sent after the start is printed");

        QVERIFY(cli({u"send"_s, u"live"_s}, "first\nsecond\nthird\n").succeeded());
        QStringList lines;
        while (lines.size() < 3) {
            if (!tail.canReadLine())
                QVERIFY2(tail.waitForReadyRead(30000), "the tail printed nothing (not flushed?)");
            while (tail.canReadLine())
                lines << QString::fromUtf8(tail.readLine()).chopped(1);
        }
        QCOMPARE(lines.size(), 3);
        QVERIFY2(lines[0].endsWith(QStringLiteral("] <tester> first")), qPrintable(lines[0]));
        QVERIFY2(lines[1].endsWith(QStringLiteral("] <tester> second")), qPrintable(lines[1]));
        QVERIFY2(lines[2].endsWith(QStringLiteral("] <tester> third")), qPrintable(lines[2]));
        QCOMPARE(tail.state(), QProcess::Running);
        tail.terminate();
        QVERIFY(tail.waitForFinished(30000));
        QCOMPARE(tail.readAllStandardError(), QByteArray());
    }

    void tailSinceIdPrintsWhatCameAfterIt()
    {
        QVERIFY(cli({u"join"_s, u"dev"_s}).succeeded());
        QVERIFY(cli({u"send"_s, u"dev"_s}, "m0\nm1\nm2\nm3\nm4\n").succeeded());
        const QStringList sent = ids(cli({u"--json"_s, u"history"_s, u"dev"_s}));
        QCOMPARE(sent.size(), 5);
        QProcess tail;
        startCli(tail, {u"--json"_s, u"tail"_s, u"dev"_s, u"--since"_s, sent[1]});
        QStringList got;
        auto readUntil = [&tail, &got](qsizetype count) {
            while (got.size() < count) {
                if (!tail.canReadLine() && !tail.waitForReadyRead(30000))
                    return false;
                while (tail.canReadLine())
                    got << QJsonDocument::fromJson(tail.readLine()).object()[u"text"].toString();
            }
            return true;
        };
        QVERIFY(readUntil(3));
        QCOMPARE(got,
                 (QStringList{QStringLiteral("m2"), QStringLiteral("m3"), QStringLiteral("m4")}));
        // Having caught up, it goes on with what arrives.
        QVERIFY(cli({u"send"_s, u"dev"_s, u"m5"_s}).succeeded());
        QVERIFY(readUntil(4));
        QCOMPARE(got.last(), QStringLiteral("m5"));
        tail.terminate();
        QVERIFY(tail.waitForFinished(30000));
    }

    void wrongPasswordFails()
    {
        RedisServerFixture locked({.password = QStringLiteral("sesame")});
        QVERIFY2(locked.start(), qPrintable(locked.errorString()));
        const QStringList url{QStringLiteral("--url"), locked.url()};
        const Result wrong =
            cli(url
                + QStringList{QStringLiteral("--password"), QStringLiteral("wrong"),
                              QStringLiteral("channels")});
        QVERIFY2(wrong.failedWithOneLine(), wrong.err.constData());
        QVERIFY2(wrong.error().contains(QStringLiteral("WRONGPASS")), wrong.err.constData());
        // And the right one works.
        QVERIFY(cli(url
                    + QStringList{QStringLiteral("--password"), QStringLiteral("sesame"),
                                  QStringLiteral("channels")})
                    .succeeded());
    }

    void passwordsStayOutOfPs_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<bool>("withUrl");
        QTest::newRow("--password") << QStringList{u"--password"_s, u"s3same-pw"_s} << true;
        QTest::newRow("--password=") << QStringList{u"--password=s3same-pw"_s} << true;
        QTest::newRow("in the url") << QStringList{} << false;
    }
    void passwordsStayOutOfPs()
    {
        QFETCH(QStringList, args);
        QFETCH(bool, withUrl);
        RedisServerFixture locked({.password = QStringLiteral("s3same-pw")});
        QVERIFY2(locked.start(), qPrintable(locked.errorString()));
        const QString url =
            withUrl ? locked.url() : u"redis://:s3same-pw@127.0.0.1:%1"_s.arg(locked.port());
        QProcess tail;
        startCli(tail, QStringList{u"--url"_s, url} + args + QStringList{u"tail"_s, u"dev"_s},
                 environment());
        QVERIFY(tail.waitForStarted(30000));
        const QString cmdline = u"/proc/%1/cmdline"_s.arg(tail.processId());
        auto shown = [&cmdline] {
            QFile file(cmdline);
            return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("(gone)");
        };
        // Once it has parsed its arguments, the password is gone from what ps shows.
        QTRY_VERIFY_WITH_TIMEOUT(shown().contains("tail") && !shown().contains("s3same"), 20000);
        QCOMPARE(tail.state(), QProcess::Running); // and it did log in with it
        tail.terminate();
        QVERIFY(tail.waitForFinished(30000));
    }

    void passwordFromAFileOrStandardInput()
    {
        RedisServerFixture locked({.password = QStringLiteral("from-a-file")});
        QVERIFY2(locked.start(), qPrintable(locked.errorString()));
        const QString file = m_home.filePath(u"password"_s);
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write("from-a-file\n");
        out.close();
        const QStringList url{u"--url"_s, locked.url()};
        QVERIFY(cli(url + QStringList{u"--password-file"_s, file, u"channels"_s}).succeeded());
        QVERIFY(cli(url + QStringList{u"--password-file"_s, u"-"_s, u"channels"_s}, "from-a-file\n")
                    .succeeded());
        const Result missing =
            cli(url + QStringList{u"--password-file"_s, file + u".nope"_s, u"channels"_s});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.error().contains(u"--password-file"_s), missing.err.constData());
        QCOMPARE(cli(url + QStringList{u"--password-file"_s, u"-"_s, u"send"_s, u"dev"_s}).exitCode,
                 2);
    }

    void unreachablePortFails()
    {
        const quint16 port = freePort();
        QVERIFY(port != 0);
        const Result result =
            cli({u"--url"_s, u"redis://127.0.0.1:%1"_s.arg(port), u"send"_s, u"dev"_s, u"hello"_s});
        QVERIFY2(result.failedWithOneLine(), result.err.constData());
        QVERIFY2(result.error().contains(QStringLiteral("127.0.0.1:%1").arg(port)),
                 result.err.constData());
        QVERIFY2(result.error().contains(QStringLiteral("refused"), Qt::CaseInsensitive),
                 result.err.constData());
    }

    void silentServerTimesOut()
    {
        m_server->pause();
        const Result result = cli({u"--timeout"_s, u"2"_s, u"channels"_s});
        m_server->resume();
        QVERIFY2(result.failedWithOneLine(), result.err.constData());
        QCOMPARE(result.error(),
                 QStringLiteral("confab-cli: no answer from 127.0.0.1:%1 within 2 s\n")
                     .arg(m_server->port()));
    }

    void invalidChannelNameFails()
    {
        const Result result = cli({u"send"_s, u"two words"_s, u"hello"_s});
        QVERIFY2(result.failedWithOneLine(), result.err.constData());
        const QString rule =
            NameRule::check(QStringLiteral("two words"), QStringLiteral("channel name"));
        QVERIFY(!rule.isEmpty());
        QVERIFY2(result.error().contains(rule), result.err.constData());
        QCOMPARE(m_server->command({"DBSIZE"}).toInteger(), 0);
    }

    void tooLongMessageFails()
    {
        const Result result = cli({u"send"_s, u"dev"_s}, QByteArray(5 * 1024 * 1024, 'x') + '\n');
        QVERIFY2(result.failedWithOneLine(), result.err.constData());
        QVERIFY2(result.error().contains(QStringLiteral("too long")), result.err.constData());
        QCOMPARE(m_server->command({"EXISTS", "channel:{dev}:log"}).toInteger(), 0);
    }

    void takenUserNameFails()
    {
        QVERIFY(cli({u"join"_s, u"dev"_s}).succeeded());
        QVERIFY(cli({u"send"_s, u"dev"_s, u"mine"_s}).succeeded());
        QProcessEnvironment other = environment();
        other.insert(QStringLiteral("CONFAB_SECRET"), QStringLiteral("another install"));
        const Result result = cli({u"send"_s, u"dev"_s, u"impostor"_s}, {}, other);
        QVERIFY2(result.failedWithOneLine(), result.err.constData());
        QVERIFY2(result.error().contains(QStringLiteral("already exists")), result.err.constData());
        QCOMPARE(texts(cli({u"--json"_s, u"history"_s, u"dev"_s})),
                 QStringList{QStringLiteral("mine")});
    }

    void aHostileServerIsAnErrorNotACrash()
    {
        // Whatever is asked, it answers with a 13-byte array header claiming 2^31 elements.
        QTcpServer hostile;
        QVERIFY(hostile.listen(QHostAddress::LocalHost));
        QObject::connect(&hostile, &QTcpServer::newConnection, &hostile, [&hostile] {
            while (QTcpSocket *socket = hostile.nextPendingConnection()) {
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket] {
                    socket->readAll();
                    socket->write("*2147483647\r\n");
                });
            }
        });
        QProcess process;
        startCli(process,
                 {u"--url"_s, u"redis://127.0.0.1:%1"_s.arg(hostile.serverPort()), u"--timeout"_s,
                  u"10"_s, u"channels"_s},
                 environment());
        QVERIFY(process.waitForStarted(30000));
        QTRY_VERIFY_WITH_TIMEOUT(process.state() == QProcess::NotRunning, 60000);
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 1);
        const QByteArray err = process.readAllStandardError();
        QVERIFY2(err.contains("2147483647 elements"), err.constData());
    }

    void aBrokenChannelDoesNotStopTheOthers()
    {
        QVERIFY(cli({u"join"_s, u"dev"_s}).succeeded());
        QVERIFY(cli({u"join"_s, u"broken"_s}).succeeded());
        // Another program overwrites one channel's keys with values of the wrong type.
        for (const QByteArray key : {"channel:{broken}:log", "channel:{broken}:members"}) {
            m_server->command({"DEL", key});
            m_server->command({"SET", key, "not what Confab keeps here"});
        }
        QProcess tail;
        const QString errors = m_home.filePath(QStringLiteral("tail-errors.txt"));
        tail.setStandardErrorFile(errors);
        startCli(tail, {u"tail"_s, u"dev"_s});
        QVERIFY(tail.waitForStarted(30000));
        QStringList lines;
        for (int attempt = 0; attempt < 30 && lines.isEmpty(); ++attempt) {
            const Result sent = cli({u"send"_s, u"dev"_s, u"still here %1"_s.arg(attempt)});
            QVERIFY2(sent.succeeded(), sent.err.constData());
            if (tail.waitForReadyRead(1000)) {
                while (tail.canReadLine())
                    lines << QString::fromUtf8(tail.readLine());
            }
        }
        QVERIFY2(!lines.isEmpty(), tail.readAllStandardError().constData());
        QVERIFY(lines.first().contains(u"still here"_s));
        QCOMPARE(tail.state(), QProcess::Running);
        // It is said on stderr, and the tail goes on.
        auto said = [&errors] {
            QFile file(errors);
            return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        };
        QTRY_VERIFY_WITH_TIMEOUT(said().contains("#broken"), 20000);
        QCOMPARE(tail.state(), QProcess::Running);
        tail.terminate();
        QVERIFY(tail.waitForFinished(30000));
    }

    void sendingNeedsJoiningFirst()
    {
        const Result result = cli({u"send"_s, u"dev"_s, u"hello"_s});
        QVERIFY2(result.failedWithOneLine(), result.err.constData());
        QVERIFY2(result.error().contains(u"you have not joined #dev; join it first"_s),
                 result.err.constData());
        // Nothing was posted into a channel that the channel list does not show.
        QCOMPARE(m_server->command({"EXISTS", "channel:{dev}:log"}).toInteger(), 0);
        QCOMPARE(cli({u"channels"_s}).lines(), QStringList());
    }

    void directMessagesAndTheirHistory()
    {
        QProcessEnvironment bob = environment();
        bob.insert(u"CONFAB_USER"_s, u"bob"_s);
        bob.insert(u"CONFAB_SECRET"_s, u"bob's secret"_s);
        QVERIFY(cli({u"join"_s, u"lobby"_s}, {}, bob).succeeded()); // bob exists
        const Result sent = cli({u"dm"_s, u"bob"_s, u"psst"_s});
        QVERIFY2(sent.succeeded(), sent.err.constData());
        QVERIFY(cli({u"dm"_s, u"@bob"_s}, "second\nthird\n").succeeded());
        // Both sides read the same conversation as @the-other-one.
        QCOMPARE(texts(cli({u"--json"_s, u"history"_s, u"@bob"_s})),
                 (QStringList{u"psst"_s, u"second"_s, u"third"_s}));
        QCOMPARE(texts(cli({u"--json"_s, u"history"_s, u"@tester"_s}, {}, bob)),
                 (QStringList{u"psst"_s, u"second"_s, u"third"_s}));
        QCOMPARE(m_server->command({"XLEN", "channel:{@bob tester}:log"}).toInteger(), 4);
        // Bob is told where to find it, and it stays out of the public list.
        QCOMPARE(m_server->command({"SISMEMBER", "user:{bob}:dms", "@bob tester"}).toInteger(), 1);
        QCOMPARE(cli({u"channels"_s}).lines().size(), 1); // lobby
        // Nobody else can write there.
        QProcessEnvironment carol = environment();
        carol.insert(u"CONFAB_USER"_s, u"carol"_s);
        carol.insert(u"CONFAB_SECRET"_s, u"carol's secret"_s);
        const RedisReply intrusion = m_server->command(
            {"EVAL", ChatScripts::post().source(), "4", "channel:{@bob tester}:log",
             "message:{@bob tester}:x", "channel:{@bob tester}:info",
             "channel:{@bob tester}:members", "channel:{@bob tester}", "100", "1000", "60", "msg",
             "carol", "let me in", "x", "2", "@bob tester", ""});
        QCOMPARE(intrusion.errorCode(), QByteArray("NOTMEMBER"));
        // No such person: a clear error.
        const Result nobody = cli({u"dm"_s, u"nobody"_s, u"hi"_s});
        QVERIFY2(nobody.failedWithOneLine(), nobody.err.constData());
        QVERIFY2(nobody.error().contains(u"There is no user \"nobody\""_s), nobody.err.constData());
    }

    void displayNameGoesWithTheAccount()
    {
        QVERIFY(cli({u"join"_s, u"dev"_s}).succeeded());
        QVERIFY(
            cli({u"--display-name"_s, u"Test Er"_s, u"send"_s, u"dev"_s, u"one"_s}).succeeded());
        // Kept with the account: the next run without the option still uses it.
        QVERIFY(cli({u"send"_s, u"dev"_s, u"two"_s}).succeeded());
        QProcessEnvironment env = environment();
        env.insert(u"CONFAB_DISPLAY_NAME"_s, u"T. Er"_s);
        QVERIFY(cli({u"send"_s, u"dev"_s, u"three"_s}, {}, env).succeeded());
        const QList<QJsonObject> all = objects(cli({u"--json"_s, u"history"_s, u"dev"_s}));
        QStringList names;
        for (const QJsonObject &message : all) {
            if (isText(message)) {
                QCOMPARE(message[u"from"].toString(), u"tester"_s);
                names << message[u"name"].toString();
            }
        }
        QCOMPARE(names, (QStringList{u"Test Er"_s, u"Test Er"_s, u"T. Er"_s}));
        const Result text = cli({u"history"_s, u"dev"_s, u"--count"_s, u"1"_s});
        QVERIFY2(text.lines().value(0).endsWith(u"] <T. Er> three"_s), text.out.constData());
        const Result bad = cli({u"--display-name"_s, u"two\nlines"_s, u"channels"_s});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.failedWithOneLine(), bad.err.constData());
    }

    void anyValidAccountNameWorks_data()
    {
        QTest::addColumn<QString>("account");
        QTest::newRow("accent") << u"café"_s;
        QTest::newRow("cjk") << u"開発"_s;
        QTest::newRow("emoji") << QString::fromUtf8("\xf0\x9f\x98\x80"
                                                    "bot");
        QTest::newRow("colons") << u"ops:alerts"_s;
    }
    void anyValidAccountNameWorks()
    {
        QFETCH(QString, account);
        QProcessEnvironment env = environment();
        env.insert(u"CONFAB_USER"_s, account);
        const Result joined = cli({u"join"_s, u"dev"_s}, {}, env);
        QVERIFY2(joined.succeeded(), joined.err.constData());
        QVERIFY(cli({u"send"_s, u"dev"_s, u"hi"_s}, {}, env).succeeded());
        QCOMPARE(
            m_server->command({"SISMEMBER", "channel:{dev}:members", account.toUtf8()}).toInteger(),
            1);
    }

    void unknownCommandIsAUsageError()
    {
        const Result result = cli({u"frobnicate"_s});
        QCOMPARE(result.exitStatus, QProcess::NormalExit);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.failedWithOneLine(), result.err.constData());
        QVERIFY(result.error().contains(QStringLiteral("frobnicate")));
        QCOMPARE(cli({u"history"_s}).exitCode, 2); // no channel
        QCOMPARE(cli({u"--no-such-option"_s, u"channels"_s}).exitCode, 2);
    }

    void environmentSaysWhereRedisIs()
    {
        QProcessEnvironment env = environment();
        env.insert(QStringLiteral("REDIS_HOST"), QStringLiteral("127.0.0.1"));
        env.insert(QStringLiteral("REDIS_PORT"), QString::number(m_server->port()));
        QVERIFY(run({QStringLiteral("join"), QStringLiteral("dev")}, {}, env).succeeded());
        const Result sent = run(
            {QStringLiteral("send"), QStringLiteral("dev"), QStringLiteral("via the environment")},
            {}, env);
        QVERIFY2(sent.succeeded(), sent.err.constData());
        QCOMPARE(
            texts(run({QStringLiteral("--json"), QStringLiteral("history"), QStringLiteral("dev")},
                      {}, env)),
            QStringList{QStringLiteral("via the environment")});
    }

    void commandLineOverridesEnvironment()
    {
        QProcessEnvironment env = environment();
        env.insert(QStringLiteral("REDIS_URL"),
                   QStringLiteral("redis://127.0.0.1:%1").arg(freePort()));
        const Result result = run({QStringLiteral("--port"), QString::number(m_server->port()),
                                   QStringLiteral("channels")},
                                  {}, env);
        QVERIFY2(result.succeeded(), result.err.constData());
    }

private:
    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *name :
             {"REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_DB", "REDIS_PASSWORD",
              "REDIS_USERNAME", "CHANNEL_PREFIX", "MESSAGE_PREFIX", "CONFAB_USER", "CONFAB_SECRET",
              "CONFAB_RETENTION", "CONFAB_NAMESPACE", "CONFAB_DISPLAY_NAME"})
            env.remove(QString::fromLatin1(name));
        env.insert(QStringLiteral("CONFAB_USER"), QStringLiteral("tester"));
        env.insert(QStringLiteral("CONFAB_SECRET"), QStringLiteral("test secret"));
        // Nothing of a test run ends up in the real home directory.
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.path());
        env.insert(QStringLiteral("HOME"), m_home.path());
        return env;
    }

    void startCli(QProcess &process, const QStringList &args, const QProcessEnvironment &env) const
    {
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(CONFAB_CLI_PATH), args);
    }

    void startCli(QProcess &process, const QStringList &args) const
    {
        startCli(process, QStringList{u"--url"_s, m_server->url()} + args, environment());
    }

    // Runs confab-cli to the end with `args` exactly as given.
    Result run(const QStringList &args, const QByteArray &input,
               const QProcessEnvironment &env) const
    {
        QProcess process;
        startCli(process, args, env);
        Result result;
        if (!process.waitForStarted(30000)) {
            result.err = "could not start " CONFAB_CLI_PATH;
            return result;
        }
        process.write(input);
        process.closeWriteChannel();
        if (!process.waitForFinished(60000)) {
            process.kill();
            process.waitForFinished(10000);
            result.err = "confab-cli did not finish within 60 s";
            return result;
        }
        result.exitCode = process.exitCode();
        result.exitStatus = process.exitStatus();
        result.out = process.readAllStandardOutput();
        result.err = process.readAllStandardError();
        return result;
    }

    // Runs confab-cli against the test's server.
    Result cli(const QStringList &args, const QByteArray &input = {},
               const QProcessEnvironment &env = {}) const
    {
        const bool hasUrl = args.contains(QStringLiteral("--url"));
        return run((hasUrl ? QStringList() : QStringList{QStringLiteral("--url"), m_server->url()})
                       + args,
                   input, env.isEmpty() ? environment() : env);
    }

    static QList<QJsonObject> objects(const Result &result)
    {
        QList<QJsonObject> out;
        for (const QString &line : result.lines())
            out << QJsonDocument::fromJson(line.toUtf8()).object();
        return out;
    }

    // The texts and ids of a --json listing of messages.
    // Of the messages (msg and me), not the join and leave lines.
    static QStringList texts(const Result &result)
    {
        QStringList out;
        for (const QJsonObject &message : objects(result)) {
            if (isText(message))
                out << message[u"text"].toString();
        }
        return out;
    }

    static bool isText(const QJsonObject &message)
    {
        const QString type = message[u"type"].toString();
        return type == u"msg"_s || type == u"me"_s;
    }

    static QStringList numbers(int from, int to)
    {
        QStringList out;
        for (int i = from; i < to; ++i)
            out << QString::number(i);
        return out;
    }

    static QStringList ids(const Result &result)
    {
        QStringList out;
        for (const QJsonObject &message : objects(result)) {
            if (isText(message))
                out << message[u"id"].toString();
        }
        return out;
    }

    // A port nothing listens on (just freed; nothing else of the test takes ports meanwhile).
    static quint16 freePort()
    {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost))
            return 0;
        return probe.serverPort();
    }

    QTemporaryDir m_home;
    std::unique_ptr<RedisServerFixture> m_server;
};

QTEST_GUILESS_MAIN(tst_ConfabCli)
#include "tst_ConfabCli.moc"
