#include "RedisClusterFixture.h"
#include "ThreadedWorker.h"

#include "chat/RedisWorker.h"
#include "redis/cluster/RedisClusterSlot.h"

#include <QSet>
#include <QTest>

using namespace Confab;
using namespace Confab::Test;

// The chat on a Redis Cluster: workers connected through the seed list join channels that
// live on every shard, talk live, read history written on other nodes, open a direct
// conversation, and claim their accounts with an empty namespace (where protocol 1's
// unprefixed key would be in another slot).
class tst_ChatCluster : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (RedisServerFixture::redisServerPath().isEmpty()
            || RedisServerFixture::redisCliPath().isEmpty())
            QSKIP("redis-server and redis-cli are not installed");
        QVERIFY2(m_cluster.start(), qPrintable(m_cluster.errorString()));
        m_channels = m_cluster.channelsOnEveryShard(QStringLiteral("room"));
        QCOMPARE(m_channels.size(), RedisClusterFixture::Masters);
    }

    void talkOnEveryShard()
    {
        ThreadedWorker alice(config(QStringLiteral("alice")));
        ThreadedWorker bob(config(QStringLiteral("bob")));
        QVERIFY(alice.waitForReady());
        QVERIFY(bob.waitForReady());
        QTRY_COMPARE_WITH_TIMEOUT(alice.connectionDetail(),
                                  QStringLiteral("Cluster \u00b7 3 shards"), 20000);
        for (const QString &channel : std::as_const(m_channels)) {
            for (ThreadedWorker *w : {&alice, &bob}) {
                w->run([worker = w->worker(), channel] { worker->joinChannel(channel); });
                QVERIFY(w->waitForJoined(channel));
            }
        }
        constexpr int PerChannel = 300;
        alice.run([w = alice.worker(), channels = m_channels] {
            for (int i = 0; i < PerChannel; ++i) {
                for (const QString &channel : channels)
                    w->sendMessage(channel, QStringLiteral("%1 #%2").arg(channel).arg(i));
            }
        });
        for (const QString &channel : std::as_const(m_channels)) {
            QVERIFY(bob.waitForTexts(channel, PerChannel));
            const QStringList texts = bob.texts(channel);
            QCOMPARE(texts.size(), PerChannel);
            for (int i = 0; i < PerChannel; ++i)
                QCOMPARE(texts.at(i), QStringLiteral("%1 #%2").arg(channel).arg(i));
        }
        QTRY_COMPARE_WITH_TIMEOUT(alice.sentCount(), PerChannel * RedisClusterFixture::Masters,
                                  30000);
        QVERIFY(alice.sendErrors().isEmpty());
        QVERIFY2(alice.errors().isEmpty(), qPrintable(alice.errors().join(u'\n')));
        QVERIFY2(bob.errors().isEmpty(), qPrintable(bob.errors().join(u'\n')));

        // Someone who comes later reads it all from history, from whichever node has it.
        ThreadedWorker carol(config(QStringLiteral("carol")));
        QVERIFY(carol.waitForReady());
        for (const QString &channel : std::as_const(m_channels)) {
            carol.run([w = carol.worker(), channel] { w->joinChannel(channel); });
            QVERIFY(carol.waitForJoined(channel));
            QTRY_VERIFY_WITH_TIMEOUT(!carol.texts(channel).isEmpty(), 20000);
            QCOMPARE(carol.texts(channel).last(),
                     QStringLiteral("%1 #%2").arg(channel).arg(PerChannel - 1));
        }
    }

    // Channel notices go out with SPUBLISH on the channel's shard, not PUBLISH to every node,
    // and a reader hears a notice another writer SPUBLISHes there.
    void noticesStayOnTheirShard()
    {
        ThreadedWorker alice(config(QStringLiteral("alice")));
        ThreadedWorker bob(config(QStringLiteral("bob")));
        const QString channel = m_channels.first();
        for (ThreadedWorker *w : {&alice, &bob}) {
            QVERIFY(w->waitForReady());
            w->run([worker = w->worker(), channel] { worker->joinChannel(channel); });
            QVERIFY(w->waitForJoined(channel));
            // The first page (what talkOnEveryShard wrote) before counting what comes next.
            QTRY_VERIFY_WITH_TIMEOUT(w->historyPages(channel) >= 1, 20000);
        }
        const int owner =
            m_cluster.indexOf(m_cluster.ownerOf(RedisClusterSlot::of(channel.toUtf8())));
        qint64 publishes = 0;
        for (int i = 0; i < m_cluster.nodeCount(); ++i)
            publishes += m_cluster.calls(i, "publish");
        const qint64 spublishes = m_cluster.calls(owner, "spublish");
        const int before = int(bob.texts(channel).size());
        alice.run([w = alice.worker(), channel] {
            for (int i = 0; i < 100; ++i)
                w->sendMessage(channel, QStringLiteral("sharded %1").arg(i));
        });
        QVERIFY(bob.waitForTexts(channel, before + 100));
        qint64 after = 0;
        for (int i = 0; i < m_cluster.nodeCount(); ++i)
            after += m_cluster.calls(i, "publish");
        QCOMPARE(after, publishes);
        QVERIFY(m_cluster.calls(owner, "spublish") >= spublishes + 100);

        // Another program writes an entry and announces it with SPUBLISH.
        const QByteArray log = "channel:{" + channel.toUtf8() + "}:log";
        const RedisReply id =
            m_cluster.command(owner,
                              {"XADD", log, "*", "v", "2", "type", "msg", "from", "carol", "text",
                               "from another program", "cid", "outside-1"});
        QVERIFY(id.isString());
        m_cluster.command(owner,
                          {"SPUBLISH", "channel:{" + channel.toUtf8() + "}",
                           "{\"v\":2,\"id\":\"" + id.bytes() + "\"}"});
        QVERIFY(bob.waitForTexts(channel, before + 101));
        QCOMPARE(bob.texts(channel).last(), QStringLiteral("from another program"));
    }

    void directConversationAcrossNodes()
    {
        ThreadedWorker alice(config(QStringLiteral("alice")));
        ThreadedWorker dave(config(QStringLiteral("dave")));
        QVERIFY(alice.waitForReady());
        QVERIFY(dave.waitForReady());
        alice.run([w = alice.worker()] {
            w->openDirectChannel(QStringLiteral("dave"), QStringLiteral("psst"));
        });
        const QString conversation = QStringLiteral("@alice dave");
        QVERIFY(dave.waitForTexts(conversation, 1, 30000));
        QCOMPARE(dave.texts(conversation), QStringList{QStringLiteral("psst")});
    }

    // An empty namespace: claiming an account names only its {A} keys on a cluster.
    void accountsClaimWithAnEmptyNamespace()
    {
        ChatConfig plain = config(QStringLiteral("erin"));
        plain.keyNamespace.clear();
        ThreadedWorker erin(plain);
        QVERIFY(erin.waitForReady());
        QVERIFY(erin.rejections().isEmpty());
        QVERIFY2(erin.errors().isEmpty(), qPrintable(erin.errors().join(u'\n')));
    }

    // The people directory and the server overview read keys on every shard: the index in
    // one slot, accounts and logs in others.
    void peopleAndTheOverviewAcrossShards()
    {
        ThreadedWorker alice(config(QStringLiteral("alice")));
        ThreadedWorker frank(config(QStringLiteral("frank")));
        QVERIFY(alice.waitForReady() && frank.waitForReady());
        const QStringList channels = m_cluster.channelsOnEveryShard(QStringLiteral("stat"));
        for (const QString &channel : channels) {
            alice.run([w = alice.worker(), channel] {
                w->joinChannel(channel);
                w->sendMessage(channel, QStringLiteral("counted"));
            });
            QVERIFY(alice.waitForTexts(channel, 1));
        }

        bool listed = false;
        AccountList accounts;
        connect(alice.worker(), &RedisWorker::usersListed, this,
                [&](const AccountList &list, bool) {
                    accounts = list;
                    listed = true;
                });
        alice.run([w = alice.worker()] { w->listUsers(); });
        QTRY_VERIFY_WITH_TIMEOUT(listed, 20000);
        QStringList names;
        for (const AccountEntry &entry : std::as_const(accounts))
            names << entry.account;
        QVERIFY2(names.contains(QStringLiteral("alice")) && names.contains(QStringLiteral("frank")),
                 qPrintable(names.join(u' ')));

        bool read = false;
        ServerStats stats;
        connect(alice.worker(), &RedisWorker::serverStatsRead, this, [&](const ServerStats &s) {
            stats = s;
            read = true;
        });
        alice.run([w = alice.worker()] { w->readServerStats(); });
        QTRY_VERIFY_WITH_TIMEOUT(read, 20000);
        QVERIFY2(stats.problems.isEmpty(), qPrintable(stats.problems.join(u';')));
        QCOMPARE(stats.topology, QStringLiteral("cluster"));
        QCOMPARE(stats.where, QStringLiteral("Cluster \u00b7 3 shards"));
        QCOMPARE(stats.accounts, qint64(names.size()));
        int seen = 0;
        for (const ChannelStats &channel : std::as_const(stats.channelStats)) {
            if (!channels.contains(channel.name))
                continue;
            ++seen;
            QCOMPARE(channel.entries, 2); // join and message
            QCOMPARE(channel.perMinute, 2.0);
            // MEMORY USAGE went to the key's own node.
            QVERIFY2(channel.logBytes > 0, qPrintable(channel.name));
        }
        QCOMPARE(seen, channels.size());
    }

private:
    ChatConfig config(const QString &user)
    {
        ChatConfig config = ThreadedWorker::configFor(m_cluster.node(0), user);
        const auto options = RedisOptions::fromUrl(m_cluster.url());
        config.redis.moreSeeds = options->moreSeeds;
        return config;
    }

    RedisClusterFixture m_cluster;
    QStringList m_channels;
};

QTEST_GUILESS_MAIN(tst_ChatCluster)
#include "tst_ChatCluster.moc"
