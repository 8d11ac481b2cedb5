#include "CliRunner.h"
#include "PresenceTestSupport.h"
#include "RedisServerFixture.h"
#include "ThreadedWorker.h"

#include "chat/RedisWorker.h"
#include "presence/AccountIndex.h"
#include "presence/PresenceTracker.h"
#include "stats/ServerStats.h"
#include "stats/ServerStatsReader.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Confab;
using namespace Confab::Test;

using State = Presence::State;

// Finding people and seeing the server (PROTOCOL.md, "People directory" and "Server
// overview"), against a real redis-server: the directory lists every account and nothing
// anyone merely wrote into it, the overview's figures are what the test wrote, and both stay
// bounded however large the server is.
class tst_People : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<RedisServerFixture>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        m_cli = std::make_unique<CliRunner>(QStringLiteral(CONFAB_CLI_PATH));
        QVERIFY(m_cli->isValid());
        m_cli->setUrl(QStringLiteral("redis://127.0.0.1:%1").arg(m_server->port()));
    }

    void init() { QVERIFY(m_server->command({"FLUSHALL"}).isOk()); }

    void aClaimPutsTheAccountInTheDirectory()
    {
        ThreadedWorker alice(presenceConfig(*m_server, QStringLiteral("alice")));
        QVERIFY(alice.waitForReady());
        QTRY_VERIFY_WITH_TIMEOUT(
            m_server->command({"SISMEMBER", "user:{}index", "alice"}).toInteger() == 1, 10000);
        // The index's key is nobody's: no account can be named "" and version 1 has no braces.
        QCOMPARE(ChatKeys().userIndex(), QByteArray("user:{}index"));
    }

    // Everyone with an account, with display name and presence; names someone only added to
    // the set, or whose hash says it is someone else, are not people.
    void theDirectoryListsAccountsAndNothingElse()
    {
        ThreadedWorker alice(presenceConfig(*m_server, QStringLiteral("alice")));
        ThreadedWorker bob(presenceConfig(*m_server, QStringLiteral("bob")));
        QVERIFY(alice.waitForReady() && bob.waitForReady());
        bob.run([w = bob.worker()] {
            w->setDisplayName(QStringLiteral("Bob B."));
            w->setPresence(State::Away, QStringLiteral("lunch"));
        });
        QTRY_COMPARE_WITH_TIMEOUT(
            m_server->command({"HGET", "user:{bob}:presence", "state"}).bytes(), QByteArray("away"),
            10000);
        QTRY_COMPARE_WITH_TIMEOUT(m_server->command({"HGET", "user:{bob}", "display"}).bytes(),
                                  QByteArray("Bob B."), 10000);
        // Another writer's junk: a name without an account, one that is not a name, and an
        // account hash that says it is someone else.
        m_server->command({"SADD", "user:{}index", "ghost", "not a name", "x{y}", "mallory"});
        m_server->command({"HSET", "user:{mallory}", "name", "eve"});

        const Listing listing = listUsers(alice);
        QVERIFY(listing.complete);
        QCOMPARE(accountsOf(listing.accounts),
                 (QStringList{QStringLiteral("alice"), QStringLiteral("bob")}));
        const AccountEntry &b = listing.accounts.at(1);
        QCOMPARE(b.displayName, QStringLiteral("Bob B."));
        QCOMPARE(b.presence.state, State::Away);
        QCOMPARE(b.presence.status, QStringLiteral("lunch"));
        QCOMPARE(listing.accounts.at(0).presence.state, State::Online);
    }

    // Paged with SSCAN, pipelined per page, and cut at the limit it is given.
    void theDirectoryIsReadInPagesAndBounded()
    {
        m_server->command({"EVAL",
                           "for i = 1, 1200 do local n = 'u' .. i "
                           "redis.call('HSET', 'user:{' .. n .. '}', 'name', n) "
                           "redis.call('SADD', 'user:{}index', n) end return 1",
                           "0"});
        ThreadedWorker alice(presenceConfig(*m_server, QStringLiteral("alice")));
        QVERIFY(alice.waitForReady());
        const qint64 scansBefore = calls("sscan");
        const Listing all = listUsers(alice);
        QVERIFY(all.complete);
        QCOMPARE(all.accounts.size(), 1201);
        // More than one page, and not one SSCAN per account.
        const qint64 scans = calls("sscan") - scansBefore;
        QVERIFY2(scans >= 2 && scans <= 10, qPrintable(QString::number(scans)));

        AccountList cut;
        bool complete = true;
        bool done = false;
        alice.run([w = alice.worker(), &cut, &complete, &done] {
            auto *index = new AccountIndex(w->commandConnection(), ChatKeys(), w);
            index->list(100, [&, index](const AccountList &accounts, bool whole, const QString &) {
                cut = accounts;
                complete = whole;
                done = true;
                index->deleteLater();
            });
        });
        QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
        QCOMPARE(cut.size(), 100);
        QVERIFY(!complete);
    }

    // The directory follows the presence of people one shares nothing with only while it is
    // open: a notice about them costs a read then, and nothing after.
    void browsingFollowsPresenceOnlyWhileOpen()
    {
        ThreadedWorker alice(presenceConfig(*m_server, QStringLiteral("alice"), false));
        ThreadedWorker zed(presenceConfig(*m_server, QStringLiteral("zed")));
        QVERIFY(alice.waitForReady() && zed.waitForReady());
        alice.run([w = alice.worker()] { w->browsePresence({QStringLiteral("zed")}); });
        QTRY_COMPARE_WITH_TIMEOUT(alice.presenceOf(QStringLiteral("zed")).state, State::Online,
                                  10000);
        zed.run([w = zed.worker()] { w->setPresence(State::Away, QStringLiteral("brb")); });
        QTRY_COMPARE_WITH_TIMEOUT(alice.presenceOf(QStringLiteral("zed")).state, State::Away,
                                  10000);

        alice.run([w = alice.worker()] { w->browsePresence({}); });
        const quint64 reads = presenceReadsOf(alice);
        zed.run([w = zed.worker()] { w->setPresence(State::Online, QString()); });
        // The notice has reached alice once the subscriber has delivered a later one of ours.
        QTRY_COMPARE_WITH_TIMEOUT(
            m_server->command({"HGET", "user:{zed}:presence", "state"}).bytes(),
            QByteArray("online"), 10000);
        ThreadedWorker marker(presenceConfig(*m_server, QStringLiteral("marker"), false));
        QVERIFY(marker.waitForReady());
        alice.run([w = alice.worker()] { w->watchPresence({QStringLiteral("marker")}); });
        QTRY_VERIFY_WITH_TIMEOUT(presenceReadsOf(alice) > reads, 10000);
        marker.run([w = marker.worker()] { w->setPresence(State::Away, QString()); });
        QTRY_COMPARE_WITH_TIMEOUT(alice.presenceOf(QStringLiteral("marker")).state, State::Away,
                                  10000);
        // zed's notice came before marker's: it was not read.
        QCOMPARE(alice.presenceOf(QStringLiteral("zed")).state, State::Away);
        QCOMPARE(presenceReadsOf(alice), reads + 2);
    }

    // The overview's figures are what the test wrote: channels, entries, messages in the last
    // minute (old entries not counted, a burst extrapolated), people online and away.
    void theOverviewSaysWhatTheServerHolds()
    {
        ThreadedWorker alice(presenceConfig(*m_server, QStringLiteral("alice")));
        ThreadedWorker bob(presenceConfig(*m_server, QStringLiteral("bob")));
        ThreadedWorker carol(presenceConfig(*m_server, QStringLiteral("carol"), false));
        QVERIFY(alice.waitForReady() && bob.waitForReady() && carol.waitForReady());
        bob.run([w = bob.worker()] { w->setPresence(State::Away, QString()); });
        alice.run([w = alice.worker()] {
            w->joinChannel(QStringLiteral("dev"));
            w->joinChannel(QStringLiteral("old"));
            w->joinChannel(QStringLiteral("busy"));
        });
        QVERIFY(alice.waitForJoined(QStringLiteral("busy")));
        for (int i = 0; i < 4; ++i)
            alice.run([w = alice.worker(), i] {
                w->sendMessage(QStringLiteral("dev"), QStringLiteral("m%1").arg(i));
            });
        QVERIFY(alice.waitForTexts(QStringLiteral("dev"), 4));
        // #old: ten entries from an hour ago (written by another program, with explicit ids)
        // besides alice's join.
        const qint64 hourAgo = QDateTime::currentMSecsSinceEpoch() - 3600 * 1000;
        m_server->command({"DEL", "channel:{old}:log"});
        for (int i = 0; i < 10; ++i)
            m_server->command({"XADD", "channel:{old}:log", QByteArray::number(hourAgo + i) + "-0",
                               "type", "msg", "text", "old"});
        // #busy: more than the sample in the last moment.
        for (int i = 0; i < ServerStatsReader::RateSample + 40; ++i)
            m_server->command({"XADD", "channel:{busy}:log", "*", "type", "msg", "text", "x"});
        QTRY_COMPARE_WITH_TIMEOUT(
            m_server->command({"HGET", "user:{bob}:presence", "state"}).bytes(), QByteArray("away"),
            10000);

        const ServerStats stats = readStats(alice);
        QVERIFY2(stats.problems.isEmpty(), qPrintable(stats.problems.join(u';')));
        QVERIFY(!stats.version.isEmpty());
        QCOMPARE(stats.topology, QStringLiteral("standalone"));
        QVERIFY(stats.connectedClients >= 6);
        QVERIFY(stats.usedMemory > 0);
        QCOMPARE(stats.accounts, 3);
        QCOMPARE(stats.online, 1); // alice; carol announces nothing
        QCOMPARE(stats.away, 1);
        QCOMPARE(stats.channels, 3);
        QCOMPARE(stats.channelStats.size(), 3);
        const auto channel = [&stats](const QString &name) {
            for (const ChannelStats &c : stats.channelStats) {
                if (c.name == name)
                    return c;
            }
            return ChannelStats{};
        };
        // join + 4 messages, all in the last minute.
        QCOMPARE(channel(QStringLiteral("dev")).entries, 5);
        QCOMPARE(channel(QStringLiteral("dev")).perMinute, 5.0);
        QVERIFY(!channel(QStringLiteral("dev")).rateEstimated);
        QCOMPARE(channel(QStringLiteral("old")).entries, 10);
        QCOMPARE(channel(QStringLiteral("old")).perMinute, 0.0);
        QCOMPARE(channel(QStringLiteral("old")).lastActivityMs, hourAgo + 9);
        const ChannelStats busy = channel(QStringLiteral("busy"));
        QCOMPARE(busy.entries, ServerStatsReader::RateSample + 41);
        QVERIFY(busy.rateEstimated);
        QVERIFY2(busy.perMinute > ServerStatsReader::RateSample,
                 qPrintable(QString::number(busy.perMinute)));
        // Busiest first.
        QCOMPARE(stats.channelStats.first().name, QStringLiteral("busy"));
        for (const ChannelStats &c : stats.channelStats)
            QVERIFY2(c.logBytes > 0, qPrintable(c.name));
        QVERIFY(stats.summary().join(u'\n').contains(QStringLiteral("1 online, 1 away of 3")));
    }

    // However many channels and people there are, one reading sends a bounded number of
    // commands.
    void theOverviewIsBounded()
    {
        m_server->command({"EVAL",
                           "for i = 1, 300 do redis.call('SADD', 'channel:index', 'c' .. i) "
                           "local n = 'p' .. i "
                           "redis.call('HSET', 'user:{' .. n .. '}', 'name', n) "
                           "redis.call('SADD', 'user:{}index', n) end "
                           "for i = 1, 2500 do redis.call('SADD', 'user:{}index', 'q' .. i) end "
                           "return 1",
                           "0"});
        ThreadedWorker alice(presenceConfig(*m_server, QStringLiteral("alice"), false));
        QVERIFY(alice.waitForReady());
        const qint64 xlens = calls("xlen");
        const ServerStats stats = readStats(alice);
        QCOMPARE(calls("xlen") - xlens, qint64(ServerStatsReader::MaxChannels));
        QVERIFY(stats.channelsSampled);
        QCOMPARE(stats.channels, 300);
        QCOMPARE(stats.channelStats.size(), ServerStatsReader::MaxChannels);
        // 2,801 names in the set, 2,000 looked at: the count is the set's size, and the
        // summary says how many were looked at.
        QCOMPARE(stats.accounts, 2801);
        QVERIFY(stats.sampledAccounts <= ServerStatsReader::AccountSample);
        QVERIFY(stats.summary().join(u'\n').contains(QStringLiteral("looked at")));
    }

    // A server that refuses INFO and MEMORY (an ACL user of the recipe): the rest is still
    // read, and what was refused is said.
    void aRefusedFigureIsSaidAndTheRestShown()
    {
        if (m_server->redisServerMajorVersion() < 7)
            QSKIP("ACL selectors need Redis 7");
        m_server->command(
            {"ACL", "SETUSER", "limited", "on", ">pw", "+@all", "-info", "-memory", "~*", "&*"});
        ChatConfig c = presenceConfig(*m_server, QStringLiteral("alice"), false);
        c.redis.username = QStringLiteral("limited");
        c.redis.password = QStringLiteral("pw");
        ThreadedWorker alice(c);
        QVERIFY(alice.waitForReady());
        alice.run([w = alice.worker()] { w->joinChannel(QStringLiteral("dev")); });
        QVERIFY(alice.waitForJoined(QStringLiteral("dev")));
        const ServerStats stats = readStats(alice);
        QCOMPARE(stats.version, QString());
        QCOMPARE(stats.connectedClients, -1);
        QCOMPARE(stats.channels, 1);
        QCOMPARE(stats.channelStats.size(), 1);
        QCOMPARE(stats.channelStats.first().entries, 1);
        QCOMPARE(stats.channelStats.first().logBytes, -1);
        const QString problems = stats.problems.join(u'\n');
        QVERIFY2(problems.contains(QStringLiteral("info: NOPERM")), qPrintable(problems));
        QVERIFY2(problems.contains(QStringLiteral("memory: NOPERM")), qPrintable(problems));
        m_server->command({"ACL", "DELUSER", "limited"});
    }

    void theCliListsUsersAndStats()
    {
        for (const char *user : {"bert", "cleo"}) {
            const CliRunner::Result joined =
                m_cli->run({QStringLiteral("join"), QStringLiteral("ops")}, {},
                           m_cli->environment(QLatin1String(user)));
            QVERIFY2(joined.succeeded(), joined.err.constData());
        }
        const CliRunner::Result set =
            m_cli->run({QStringLiteral("presence"), QStringLiteral("away"),
                        QStringLiteral("--status"), QStringLiteral("back soon")},
                       {}, m_cli->environment(QStringLiteral("cleo")));
        QVERIFY2(set.succeeded(), set.err.constData());
        m_server->command({"SADD", "user:{}index", "ghost"});

        const CliRunner::Result users =
            m_cli->run({QStringLiteral("users")}, {}, m_cli->environment(QStringLiteral("bert")));
        QVERIFY2(users.succeeded(), users.err.constData());
        // Away first (online before away before offline), then by account; no ghost.
        QCOMPARE(users.lines(),
                 (QStringList{QStringLiteral("cleo\taway\tcleo\tback soon"),
                              QStringLiteral("bert\toffline\tbert\t")}));
        const CliRunner::Result json =
            m_cli->run({QStringLiteral("users"), QStringLiteral("--json")}, {},
                       m_cli->environment(QStringLiteral("bert")));
        QVERIFY2(json.succeeded(), json.err.constData());
        QCOMPARE(json.lines().size(), 2);
        QCOMPARE(QJsonDocument::fromJson(json.lines().first().toUtf8())
                     .object()
                     .value(QLatin1String("presence"))
                     .toString(),
                 QStringLiteral("away"));

        const CliRunner::Result stats =
            m_cli->run({QStringLiteral("stats"), QStringLiteral("--json")}, {},
                       m_cli->environment(QStringLiteral("bert")));
        QVERIFY2(stats.succeeded(), stats.err.constData());
        const QJsonObject object = QJsonDocument::fromJson(stats.out).object();
        QCOMPARE(object.value(QLatin1String("channels")).toInteger(), 1);
        QCOMPARE(object.value(QLatin1String("accounts")).toInteger(), 2); // not the ghost
        QCOMPARE(object.value(QLatin1String("away")).toInteger(), 1);
        QCOMPARE(object.value(QLatin1String("topology")).toString(), QStringLiteral("standalone"));
        const QJsonObject ops =
            object.value(QLatin1String("channel_stats")).toArray().first().toObject();
        QCOMPARE(ops.value(QLatin1String("name")).toString(), QStringLiteral("ops"));
        QCOMPARE(ops.value(QLatin1String("entries")).toInteger(), 2);
        QCOMPARE(ops.value(QLatin1String("per_minute")).toDouble(), 2.0);

        const CliRunner::Result text =
            m_cli->run({QStringLiteral("stats")}, {}, m_cli->environment(QStringLiteral("bert")));
        QVERIFY2(text.succeeded(), text.err.constData());
        QVERIFY2(text.lines().contains(
                     QStringLiteral("#ops\t2.0\t2\t")
                     + QString::number(ops.value(QLatin1String("log_bytes")).toInteger())),
                 text.out.constData());
        const CliRunner::Result extra = m_cli->run({QStringLiteral("users"), QStringLiteral("x")});
        QCOMPARE(extra.exitCode, 2);
    }

private:
    struct Listing
    {
        AccountList accounts;
        bool complete = false;
    };

    Listing listUsers(ThreadedWorker &worker)
    {
        Listing listing;
        bool done = false;
        QMetaObject::Connection c = connect(worker.worker(), &RedisWorker::usersListed, this,
                                            [&](const AccountList &accounts, bool complete) {
                                                listing = {accounts, complete};
                                                done = true;
                                            });
        worker.run([w = worker.worker()] { w->listUsers(); });
        if (!QTest::qWaitFor([&done] { return done; }, 20000))
            qWarning("no listing");
        disconnect(c);
        return listing;
    }

    ServerStats readStats(ThreadedWorker &worker)
    {
        ServerStats stats;
        bool done = false;
        QMetaObject::Connection c = connect(worker.worker(), &RedisWorker::serverStatsRead, this,
                                            [&](const ServerStats &read) {
                                                stats = read;
                                                done = true;
                                            });
        worker.run([w = worker.worker()] { w->readServerStats(); });
        if (!QTest::qWaitFor([&done] { return done; }, 20000))
            qWarning("no stats");
        disconnect(c);
        return stats;
    }

    static QStringList accountsOf(const AccountList &accounts)
    {
        QStringList names;
        for (const AccountEntry &entry : accounts)
            names << entry.account;
        return names;
    }

    // How often the server has run `command` (INFO commandstats).
    qint64 calls(const char *command) const
    {
        const QByteArray stats = m_server->command({"INFO", "commandstats"}).bytes();
        const QByteArray field =
            ServerStatsReader::infoField(stats, "cmdstat_" + QByteArray(command));
        const qsizetype at = field.indexOf("calls=");
        return at < 0 ? 0 : field.mid(at + 6, field.indexOf(',', at) - at - 6).toLongLong();
    }

    std::unique_ptr<RedisServerFixture> m_server;
    std::unique_ptr<CliRunner> m_cli;
};

QTEST_MAIN(tst_People)
#include "tst_People.moc"
