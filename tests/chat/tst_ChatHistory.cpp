#include "RedisServerFixture.h"
#include "ThreadedWorker.h"

#include "chat/ChatScripts.h"

#include <tuple>

#include <QProcess>
#include <QProcessEnvironment>
#include <QScopeGuard>
#include <QTest>

using namespace Confab;
using namespace Confab::Test;

// History as other programs may have written it: plain XADDs following PROTOCOL.md, and entries
// that do not follow it at all.
class tst_ChatHistory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<RedisServerFixture>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    }

    void init() { QVERIFY(m_server->command({"FLUSHALL"}).isOk()); }

    void pagesThroughTenThousandMessages()
    {
        constexpr int count = 10000;
        fill("deep", count);
        ThreadedWorker alice(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
        alice.run([w = alice.worker()] { w->joinChannel(QStringLiteral("deep")); });
        QVERIFY(alice.waitForJoined(QStringLiteral("deep")));
        // The newest page first: the last 100 (99 old messages and our own join).
        QTRY_COMPARE_WITH_TIMEOUT(alice.historyPages(QStringLiteral("deep")), 1, 20000);
        QVERIFY(!alice.reachedStart(QStringLiteral("deep")));
        QCOMPARE(alice.texts(QStringLiteral("deep")).size(), 99);
        QCOMPARE(alice.texts(QStringLiteral("deep")).last(), QString::number(count - 1));

        int pages = 1;
        while (!alice.reachedStart(QStringLiteral("deep"))) {
            const StreamId oldest = alice.messages(QStringLiteral("deep")).first().id;
            alice.run([w = alice.worker(), oldest] {
                w->loadOlder(QStringLiteral("deep"), oldest, 1000);
            });
            ++pages;
            QTRY_COMPARE_WITH_TIMEOUT(alice.historyPages(QStringLiteral("deep")), pages, 20000);
            QVERIFY(pages < 20);
        }
        const QStringList texts = alice.texts(QStringLiteral("deep"));
        QCOMPARE(texts.size(), count);
        for (int i = 0; i < count; ++i)
            QCOMPARE(texts[i], QString::number(i));
    }

    void olderPagesAreBounded()
    {
        fill("long", 500);
        ChatConfig config = ThreadedWorker::configFor(*m_server, QStringLiteral("alice"));
        config.catchUpPageSize = 100;
        ThreadedWorker alice(config);
        QVERIFY(alice.waitForReady());
        // More than a page asked for: one page comes, and it says there is more before it.
        alice.run([w = alice.worker()] { w->loadOlder(QStringLiteral("long"), StreamId(), 5000); });
        QTRY_COMPARE_WITH_TIMEOUT(alice.historyPages(QStringLiteral("long")), 1, 20000);
        QCOMPARE(alice.texts(QStringLiteral("long")), numbers(400, 500));
        QVERIFY(!alice.reachedStart(QStringLiteral("long")));
    }

    void retentionFromTheEnvironmentTrimsTheLog()
    {
        ChatConfig config = ThreadedWorker::configFor(*m_server, QStringLiteral("alice"));
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("CONFAB_RETENTION"), QStringLiteral("10"));
        QString error;
        QVERIFY2(config.applyEnvironment(environment, &error), qPrintable(error));
        QCOMPARE(config.retention, 10);
        ThreadedWorker alice(config);
        alice.run([w = alice.worker()] { w->joinChannel(QStringLiteral("brief")); });
        QVERIFY(alice.waitForJoined(QStringLiteral("brief")));
        constexpr int count = 1000;
        alice.run([w = alice.worker(), n = count] {
            for (int i = 0; i < n; ++i)
                w->sendMessage(QStringLiteral("brief"), QString::number(i));
        });
        QTRY_COMPARE_WITH_TIMEOUT(alice.sentCount(), count, 60000);
        QVERIFY(alice.sendErrors().isEmpty());
        // MAXLEN ~ trims whole macro nodes only (stream-node-max-entries, 100 by default), so
        // the log keeps the retention and at most about one node more; never all 1001 entries.
        const qint64 length = m_server->command({"XLEN", "channel:{brief}:log"}).toInteger();
        QVERIFY2(length >= 10 && length <= 200, qPrintable(QString::number(length)));
    }

    void messagesWrittenWithRedisCliAppear()
    {
        ThreadedWorker alice(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
        alice.run([w = alice.worker()] { w->joinChannel(QStringLiteral("cli")); });
        QVERIFY(alice.waitForJoined(QStringLiteral("cli")));
        QTRY_COMPARE_WITH_TIMEOUT(alice.historyPages(QStringLiteral("cli")), 1, 20000);

        // PROTOCOL.md, "Writing with redis-cli": XADD the entry, then PUBLISH anything.
        const QString id =
            redisCli({"XADD", "channel:{cli}:log", "*", "v", "1", "type", "msg", "from", "carol",
                      "text", "hello from redis-cli", "cid", "cli-1"});
        QVERIFY2(id.contains(u'-'), qPrintable(id));
        redisCli({"PUBLISH", "channel:{cli}", "new"});
        QVERIFY(alice.waitForTexts(QStringLiteral("cli"), 1));
        // A complete payload is delivered as it is.
        const QString id2 = redisCli({"XADD", "channel:{cli}:log", "*", "v", "1", "type", "me",
                                      "from", "carol", "text", "waves", "cid", "cli-2"});
        redisCli(
            {"PUBLISH", "channel:{cli}",
             QStringLiteral(
                 R"({"v":1,"id":"%1","type":"me","from":"carol","text":"waves","cid":"cli-2"})")
                 .arg(id2)
                 .toUtf8()});
        QTRY_VERIFY_WITH_TIMEOUT(
            alice.messages(QStringLiteral("cli")).last().type == ChatMessage::Type::Action, 20000);
        const ChatMessageList log = alice.messages(QStringLiteral("cli"));
        QCOMPARE(log.at(log.size() - 2).text, QStringLiteral("hello from redis-cli"));
        QCOMPARE(log.at(log.size() - 2).from, QStringLiteral("carol"));
        QCOMPARE(log.last().id.toByteArray(), id2.toLatin1());

        // The post script run by hand, as PROTOCOL.md shows: join, then post.
        for (const auto &[type, text, cid] :
             {std::tuple{"join", "", "cli-3"}, std::tuple{"msg", "hello again", "cli-4"}}) {
            redisCli({"EVAL", ChatScripts::post().source(), "4", "channel:{cli}:log",
                      QByteArray("message:{cli}:") + cid, "channel:{cli}:info",
                      "channel:{cli}:members", "channel:{cli}", "100000", "32768", "86400", type,
                      "carol", text, cid, "2", "cli", ""});
        }
        QVERIFY(alice.waitForTexts(QStringLiteral("cli"), 2));
        QCOMPARE(alice.texts(QStringLiteral("cli")).last(), QStringLiteral("hello again"));
    }

    void malformedEntriesAreShownMarked()
    {
        const QByteArray log = "channel:{mess}:log";
        m_server->command({"XADD", log, "*", "text", "no type, no sender"});
        m_server->command(
            {"XADD", log, "*", "type", "msg", "from", "eve", "text", "bad \xff\xfe utf-8"});
        m_server->command({"XADD", log, "*", "type", "msg", "from", "eve", "text",
                           QByteArray(5 * 1024 * 1024, 'y')});
        m_server->command(
            {"XADD", log, "*", "type", "hologram", "from", "eve", "text", "from the future"});
        m_server->command({"XADD", log, "*", "unrelated", "field"});
        ThreadedWorker alice(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
        alice.run([w = alice.worker()] { w->joinChannel(QStringLiteral("mess")); });
        QTRY_COMPARE_WITH_TIMEOUT(alice.historyPages(QStringLiteral("mess")), 1, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(alice.messages(QStringLiteral("mess")).size(), 6, 20000);
        const ChatMessageList messages = alice.messages(QStringLiteral("mess"));
        for (int i = 0; i < 5; ++i)
            QVERIFY2(messages[i].isMalformed(), qPrintable(messages[i].text));
        QVERIFY(messages[1].problem.contains(QStringLiteral("UTF-8")));
        QVERIFY(messages[2].problem.contains(QStringLiteral("too long")));
        QCOMPARE(messages[3].type, ChatMessage::Type::Unknown);
        QCOMPARE(messages[5].type, ChatMessage::Type::Join);

        // Live: a malformed entry announced by a malformed payload still arrives, marked.
        m_server->command({"XADD", log, "*", "type", "msg", "text", "who said this?"});
        m_server->command({"PUBLISH", "channel:{mess}", "{not json"});
        QTRY_COMPARE_WITH_TIMEOUT(alice.messages(QStringLiteral("mess")).size(), 7, 20000);
        QVERIFY(alice.messages(QStringLiteral("mess"))
                    .last()
                    .problem.contains(QStringLiteral("no sender")));
        QVERIFY(alice.errors().isEmpty());
    }

    void trimmedHistoryShowsAnExpiredMarker()
    {
        const QList<QByteArray> ids = fill("short", 10);
        // Another client has seen up to the third entry, then the stream is trimmed to five.
        QCOMPARE(m_server->command({"XTRIM", "channel:{short}:log", "MAXLEN", "5"}).toInteger(), 5);
        ThreadedWorker alice(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
        QVERIFY(alice.waitForReady());
        const StreamId seen = *StreamId::parse(ids[2]);
        alice.run([w = alice.worker(), seen] { w->watchChannel(QStringLiteral("short"), seen); });
        QVERIFY(alice.waitForTexts(QStringLiteral("short"), 5));
        const ChatMessageList log = alice.messages(QStringLiteral("short"));
        QCOMPARE(log.size(), 6);
        QCOMPARE(log.first().type, ChatMessage::Type::Expired);
        QVERIFY(log.first().id < log.at(1).id);
        QCOMPARE(alice.texts(QStringLiteral("short")), numbers(5, 10));
    }

    // A failover to a replica that had not received the newest entries: the log is behind what
    // was shown. While the node is not the master nothing is shown or skipped; once it is,
    // a RolledBack marker replaces what was lost and what the new master wrote in between
    // (an older id than the last one shown: its clock is behind) is delivered, not skipped.
    void logBehindWhatWasShownWaitsForTheMasterThenRollsBack()
    {
        const QByteArray log = "channel:{fail}:log";
        const auto idOf = [](int seq) -> QByteArray {
            return "1700000000000-" + QByteArray::number(seq);
        };
        for (int i = 0; i < 10; ++i)
            QVERIFY(
                m_server
                    ->command({"XADD", log, idOf(i), "v", "1", "type", "msg", "from", "filler",
                               "text", QByteArray::number(i), "cid", "f" + QByteArray::number(i)})
                    .isString());
        ThreadedWorker alice(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
        QVERIFY(alice.waitForReady());
        alice.run([w = alice.worker()] { w->watchChannel(QStringLiteral("fail"), {0, 1}); });
        QVERIFY(alice.waitForTexts(QStringLiteral("fail"), 10));

        // The "new master": entries 0-5 replicated, then one written after the failover.
        RedisServerFixture promoted;
        QVERIFY2(promoted.start(), qPrintable(promoted.errorString()));
        for (int i = 0; i < 6; ++i)
            QVERIFY(
                promoted
                    .command({"XADD", log, idOf(i), "v", "1", "type", "msg", "from", "filler",
                              "text", QByteArray::number(i), "cid", "f" + QByteArray::number(i)})
                    .isString());
        QVERIFY(promoted
                    .command({"XADD", log, idOf(7), "v", "1", "type", "msg", "from", "bob", "text",
                              "written after the failover", "cid", "b1"})
                    .isString());

        // alice's server becomes its replica, and her subscription drops: the catch-up finds
        // entry 9 gone and 0-5 there.
        auto restoreMaster = qScopeGuard([this] { m_server->command({"REPLICAOF", "NO", "ONE"}); });
        QVERIFY(m_server->command({"REPLICAOF", "127.0.0.1", QByteArray::number(promoted.port())})
                    .isOk());
        QTRY_VERIFY_WITH_TIMEOUT(
            m_server->command({"INFO", "replication"}).bytes().contains("master_link_status:up"),
            20000);
        QTRY_VERIFY_WITH_TIMEOUT(m_server->command({"XLEN", log}).toInteger() == 7, 20000);
        const qint64 rolesBefore = roleCalls();
        QVERIFY(m_server->command({"CLIENT", "KILL", "TYPE", "pubsub"}).toInteger() >= 1);
        // It asks again and again (ROLE: slave), showing nothing meanwhile.
        QTRY_VERIFY_WITH_TIMEOUT(roleCalls() >= rolesBefore + 4, 20000);
        QCOMPARE(alice.messages(QStringLiteral("fail")).size(), 10);

        // Promoted: now the log is the truth.
        QVERIFY(m_server->command({"REPLICAOF", "NO", "ONE"}).isOk());
        QTRY_COMPARE_WITH_TIMEOUT(alice.messages(QStringLiteral("fail")).size(), 12, 20000);
        const ChatMessageList seen = alice.messages(QStringLiteral("fail"));
        QCOMPARE(seen.at(10).type, ChatMessage::Type::RolledBack);
        QCOMPARE(seen.at(10).id, *StreamId::parse(idOf(5)));
        QCOMPARE(seen.at(11).text, QStringLiteral("written after the failover"));
        QCOMPARE(seen.at(11).id, *StreamId::parse(idOf(7)));
        // Live again: a new entry arrives once, after it.
        QVERIFY(m_server
                    ->command({"XADD", log, "*", "v", "1", "type", "msg", "from", "bob", "text",
                               "back to normal", "cid", "b2"})
                    .isString());
        m_server->command({"PUBLISH", "channel:{fail}", "read the log"});
        QTRY_COMPARE_WITH_TIMEOUT(alice.texts(QStringLiteral("fail")).last(),
                                  QStringLiteral("back to normal"), 20000);
        QCOMPARE(alice.messages(QStringLiteral("fail")).size(), 13);
    }

    void resumingAfterASeenIdSkipsWhatWasSeen()
    {
        const QList<QByteArray> ids = fill("resume", 10);
        ThreadedWorker alice(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
        QVERIFY(alice.waitForReady());
        const StreamId seen = *StreamId::parse(ids[6]);
        alice.run([w = alice.worker(), seen] { w->watchChannel(QStringLiteral("resume"), seen); });
        QVERIFY(alice.waitForTexts(QStringLiteral("resume"), 3));
        QCOMPARE(alice.texts(QStringLiteral("resume")), numbers(7, 10));
        QCOMPARE(alice.messages(QStringLiteral("resume")).size(), 3); // no marker: nothing expired
    }

private:
    qint64 roleCalls()
    {
        const QByteArray stats = m_server->command({"INFO", "commandstats"}).bytes();
        const qsizetype at = stats.indexOf("cmdstat_role:calls=");
        if (at < 0)
            return 0;
        const qsizetype from = at + qsizetype(strlen("cmdstat_role:calls="));
        return stats.mid(from, stats.indexOf(',', from) - from).toLongLong();
    }

    static QStringList numbers(int from, int to)
    {
        QStringList out;
        for (int i = from; i < to; ++i)
            out << QString::number(i);
        return out;
    }

    // Appends `count` messages "0".."count-1" as another client would, returning their ids.
    QList<QByteArray> fill(const QByteArray &channel, int count)
    {
        const RedisReply ids =
            m_server->command({"EVAL",
                               "local ids = {} for i = 0, tonumber(ARGV[1]) - 1 do ids[#ids + 1] = "
                               "redis.call('XADD', KEYS[1], '*', "
                               "'v', '1', 'type', 'msg', 'from', 'filler', 'text', tostring(i), "
                               "'cid', 'f' .. i) end return ids",
                               "1", "channel:{" + channel + "}:log", QByteArray::number(count)});
        QList<QByteArray> out;
        for (const RedisReply &id : ids.elements())
            out << id.bytes();
        return out;
    }

    QString redisCli(const QList<QByteArray> &args)
    {
        QStringList arguments{QStringLiteral("-p"), QString::number(m_server->port())};
        for (const QByteArray &arg : args)
            arguments << QString::fromUtf8(arg);
        QProcess cli;
        cli.start(QStringLiteral("redis-cli"), arguments);
        if (!cli.waitForFinished(20000))
            return QStringLiteral("redis-cli did not finish");
        return QString::fromUtf8(cli.readAllStandardOutput()).trimmed();
    }

    std::unique_ptr<RedisServerFixture> m_server;
};

QTEST_GUILESS_MAIN(tst_ChatHistory)
#include "tst_ChatHistory.moc"
