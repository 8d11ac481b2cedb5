#include "RedisClusterFixture.h"
#include "RunCommand.h"

#include "redis/RedisClient.h"
#include "redis/RedisConnection.h"
#include "redis/RedisReply.h"
#include "redis/RedisScript.h"
#include "redis/cluster/RedisClusterRouter.h"
#include "redis/cluster/RedisClusterSlot.h"
#include "redis/cluster/RedisRedirect.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Confab;
using namespace Confab::Test;

// RedisClient against a real 3+3 Redis Cluster (RedisClusterFixture): detection, routing,
// redirects, refusals, scripts, and a master killed under it. The kill comes last: the
// cluster is not the same afterwards.
class tst_RedisCluster : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (RedisServerFixture::redisServerPath().isEmpty()
            || RedisServerFixture::redisCliPath().isEmpty())
            QSKIP("redis-server and redis-cli are not installed");
        QVERIFY2(m_cluster.start(), qPrintable(m_cluster.errorString()));
    }

    void theClusterIsWhole()
    {
        QCOMPARE(m_cluster.nodeCount(), RedisClusterFixture::Nodes);
        int masters = 0;
        for (int i = 0; i < m_cluster.nodeCount(); ++i)
            masters += m_cluster.command(i, {"ROLE"}).at(0).bytes() == "master";
        QCOMPARE(masters, RedisClusterFixture::Masters);
    }

    // A key sent to a node that does not own its slot comes back as MOVED to the node that
    // does, for the slot RedisClusterSlot computes; sent there, it is taken.
    void movedPointsWhereTheSlotLives()
    {
        int moved = 0;
        for (int n = 0; n < 300; ++n) {
            const QByteArray key = "channel:{dev" + QByteArray::number(n) + "}:log";
            const quint16 slot = RedisClusterSlot::of(key);
            const quint16 owner = m_cluster.ownerOf(slot);
            QVERIFY(owner != 0);
            for (int i = 0; i < m_cluster.nodeCount(); ++i) {
                if (m_cluster.command(i, {"ROLE"}).at(0).bytes() != "master")
                    continue;
                const RedisReply reply = m_cluster.command(i, {"SET", key, "x"});
                if (m_cluster.node(i).port() == owner) {
                    QVERIFY2(reply.isOk(), qPrintable(reply.toDebugString()));
                    continue;
                }
                const std::optional<RedisRedirect> redirect = RedisRedirect::parse(reply);
                QVERIFY2(redirect, qPrintable(reply.toDebugString()));
                QCOMPARE(redirect->kind, RedisRedirect::Kind::Moved);
                QCOMPARE(redirect->slot, slot);
                QCOMPARE(redirect->port, owner);
                ++moved;
            }
        }
        QCOMPARE(moved, 300 * (RedisClusterFixture::Masters - 1));
    }

    // Any node (a replica too) or a list with a dead node first is enough to find the cluster.
    void detectsTheClusterFromAnyNode_data()
    {
        QTest::addColumn<int>("node");
        for (int i = 0; i < RedisClusterFixture::Nodes; ++i)
            QTest::addRow("node %d", i) << i;
    }
    void detectsTheClusterFromAnyNode()
    {
        QFETCH(int, node);
        RedisClient client(m_cluster.node(node).options());
        QSignalSpy topology(&client, &RedisClient::topologyChanged);
        QVERIFY(openAndWait(client));
        QCOMPARE(client.topology(), RedisClient::Topology::Cluster);
        QCOMPARE(topology.size(), 1);
        QCOMPARE(client.description(), QStringLiteral("Cluster \u00b7 3 shards"));
        QCOMPARE(runCommand(client, {"SET", "detect:{a}", "1"}).isOk(), true);
    }

    void aSeedListMayStartWithADeadNode()
    {
        const QString url =
            QStringLiteral("redis://127.0.0.1:%1,").arg(RedisServerFixture::freePort())
            + m_cluster.url().mid(QStringLiteral("redis://").size());
        QString error;
        const auto options = RedisOptions::fromUrl(url, &error);
        QVERIFY2(options, qPrintable(error));
        QCOMPARE(options->seeds().size(), RedisClusterFixture::Nodes + 1);
        RedisClient client(*options);
        QVERIFY(openAndWait(client, 30000));
        QCOMPARE(client.topology(), RedisClient::Topology::Cluster);
    }

    void aStandaloneServerStaysStandalone()
    {
        RedisServerFixture plain;
        QVERIFY2(plain.start(), qPrintable(plain.errorString()));
        RedisClient client(plain.options());
        QVERIFY(openAndWait(client));
        QCOMPARE(client.topology(), RedisClient::Topology::Standalone);
        QCOMPARE(client.description(), plain.options().endpoint());
        QVERIFY(runCommand(client, {"SET", "a", "1"}).isOk());
        QCOMPARE(runCommand(client, {"GET", "a"}).bytes(), QByteArray("1"));
    }

    // Keys spread over every shard are written where they belong and read back from there.
    void routesEachKeyToTheMasterOfItsSlot()
    {
        RedisClient client(m_cluster.node(0).options());
        QVERIFY(openAndWait(client));
        std::vector<std::optional<RedisReply>> replies(600);
        for (int n = 0; n < 600; ++n) {
            client.command(
                {"SET", "route:" + QByteArray::number(n), QByteArray::number(n)},
                [&replies, n](const RedisReply &reply) { replies[std::size_t(n)] = reply; });
        }
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(replies.begin(), replies.end(),
                                             [](const auto &r) { return r.has_value(); }),
                                 30000);
        QSet<quint16> owners;
        for (int n = 0; n < 600; ++n) {
            QVERIFY2(replies[std::size_t(n)]->isOk(),
                     qPrintable(replies[std::size_t(n)]->toDebugString()));
            const QByteArray key = "route:" + QByteArray::number(n);
            const quint16 owner = m_cluster.ownerOf(RedisClusterSlot::of(key));
            owners.insert(owner);
            QCOMPARE(m_cluster.command(m_cluster.indexOf(owner), {"GET", key}).bytes(),
                     QByteArray::number(n));
            if (n % 50 == 0)
                QCOMPARE(runCommand(client, {"GET", key}).bytes(), QByteArray::number(n));
        }
        QCOMPARE(owners.size(), RedisClusterFixture::Masters);
    }

    // A command whose keys span slots never leaves the client, and says why.
    void refusesCrossSlotCommandsBeforeSending()
    {
        RedisClient client(m_cluster.node(0).options());
        QVERIFY(openAndWait(client));
        qint64 evals = 0;
        for (int i = 0; i < m_cluster.nodeCount(); ++i)
            evals += m_cluster.calls(i, "eval");
        const RedisReply reply =
            runCommand(client, {"EVAL", "return 1", "2", "chan:{dev}:log", "chan:{ops}:log"});
        QCOMPARE(reply.errorCode(), QByteArray(RedisReply::CrossSlotRefused));
        QVERIFY2(reply.toString().contains(QLatin1String("one command on one slot")),
                 qPrintable(reply.toString()));
        QVERIFY(reply.isClientError());
        qint64 after = 0;
        for (int i = 0; i < m_cluster.nodeCount(); ++i)
            after += m_cluster.calls(i, "eval");
        QCOMPARE(after, evals);

        const RedisReply transaction = [&] {
            std::optional<RedisReply> result;
            client.transaction({{"SET", "{a}x", "1"}, {"SET", "{b}y", "1"}},
                               [&result](const RedisReply &r) { result = r; });
            if (!QTest::qWaitFor([&] { return result.has_value(); }, 30000))
                return RedisReply::error("TEST_TIMEOUT");
            return *result;
        }();
        QCOMPARE(transaction.errorCode(), QByteArray(RedisReply::CrossSlotRefused));
    }

    void aTransactionRunsOnTheNodeOfItsSlot()
    {
        RedisClient client(m_cluster.node(1).options());
        QVERIFY(openAndWait(client));
        std::optional<RedisReply> result;
        client.transaction({{"SADD", "tx:{dev}:members", "alice"},
                            {"SMEMBERS", "tx:{dev}:members"},
                            {"XADD", "tx:{dev}:log", "*", "k", "v"}},
                           [&result](const RedisReply &r) { result = r; });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 30000);
        QVERIFY2(result->isArray() && result->size() == 3, qPrintable(result->toDebugString()));
        QCOMPARE(result->at(1).at(0).bytes(), QByteArray("alice"));
    }

    void aDatabaseNumberIsRefusedClearly()
    {
        RedisOptions options = m_cluster.node(0).options();
        options.db = 2;
        RedisClient client(options);
        client.open();
        QTRY_COMPARE_WITH_TIMEOUT(client.state(), RedisClient::State::Disconnected, 15000);
        QVERIFY2(client.lastError().contains(QLatin1String("only database 0")),
                 qPrintable(client.lastError()));
        QVERIFY2(client.lastError().contains(QLatin1String("remove /2")),
                 qPrintable(client.lastError()));
    }

    // SCRIPT LOAD reaches every master, so EVALSHA works wherever the keys live.
    void loadsScriptsOnEveryMaster()
    {
        RedisClient client(m_cluster.node(0).options());
        QVERIFY(openAndWait(client));
        const RedisScript script(
            "return redis.call('INCR', KEYS[1])  -- loadsScriptsOnEveryMaster");
        script.load(client);
        QVERIFY(runCommand(client, {"PING"}).isStatus());
        int masters = 0;
        for (int i = 0; i < m_cluster.nodeCount(); ++i) {
            if (m_cluster.command(i, {"ROLE"}).at(0).bytes() != "master")
                continue;
            ++masters;
            QTRY_COMPARE_WITH_TIMEOUT(
                m_cluster.command(i, {"SCRIPT", "EXISTS", script.sha1()}).at(0).toInteger(), 1,
                10000);
        }
        QCOMPARE(masters, RedisClusterFixture::Masters);
        qint64 evals = 0;
        for (int i = 0; i < m_cluster.nodeCount(); ++i)
            evals += m_cluster.calls(i, "eval");
        for (int n = 0; n < 60; ++n) {
            std::optional<RedisReply> result;
            script.run(client, {"script:" + QByteArray::number(n)}, {},
                       [&result](const RedisReply &r) { result = r; });
            QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 30000);
            QCOMPARE(result->toInteger(), 1);
        }
        qint64 after = 0;
        for (int i = 0; i < m_cluster.nodeCount(); ++i)
            after += m_cluster.calls(i, "eval");
        QCOMPARE(after, evals); // no NOSCRIPT fallback was needed
    }

    // A slot that moved after the client read the map: MOVED, followed, and remembered.
    void followsMoved()
    {
        RedisClient client(m_cluster.node(0).options());
        QVERIFY(openAndWait(client));
        const QByteArray key = "moved:{slotmove}";
        const quint16 slot = RedisClusterSlot::of(key);
        QVERIFY(runCommand(client, {"SET", key, "before"}).isOk());
        const int from = m_cluster.indexOf(m_cluster.ownerOf(slot));
        const int to = m_cluster.anotherMaster(from);
        QVERIFY2(m_cluster.migrateSlot(slot, from, to), qPrintable(m_cluster.errorString()));
        const qint64 movedBefore = m_cluster.calls(from, "get", "rejected_calls");

        QCOMPARE(runCommand(client, {"GET", key}).bytes(), QByteArray("before"));
        // Asked there once, and answered MOVED.
        QCOMPARE(m_cluster.calls(from, "get", "rejected_calls"), movedBefore + 1);
        QCOMPARE(client.router()->map().ownerOf(slot)->port, m_cluster.node(to).port());
        const qint64 atTarget = m_cluster.calls(to, "get");
        QCOMPARE(runCommand(client, {"GET", key}).bytes(), QByteArray("before"));
        QCOMPARE(m_cluster.calls(from, "get", "rejected_calls"), movedBefore + 1);
        QCOMPARE(m_cluster.calls(to, "get"), atTarget + 1);
    }

    // During a migration a key not yet moved is read at the source; a new one is written at
    // the target after ASKING, and the map keeps the source until the slot is handed over.
    void followsAskDuringAMigration()
    {
        RedisClient client(m_cluster.node(0).options());
        QVERIFY(openAndWait(client));
        const QByteArray old = "ask:{halfway}:old";
        const QByteArray fresh = "ask:{halfway}:new";
        const quint16 slot = RedisClusterSlot::of(old);
        QVERIFY(runCommand(client, {"SET", old, "1"}).isOk());
        const int from = m_cluster.indexOf(m_cluster.ownerOf(slot));
        const int to = m_cluster.anotherMaster(from);
        QVERIFY2(m_cluster.migrateSlot(slot, from, to, false), qPrintable(m_cluster.errorString()));
        const qint64 asking = m_cluster.calls(to, "asking");

        QVERIFY(runCommand(client, {"SET", fresh, "2"}).isOk());
        QCOMPARE(m_cluster.calls(to, "asking"), asking + 1);
        QCOMPARE(m_cluster.command(to, {"ASKING"}).isOk(), true);
        QCOMPARE(runCommand(client, {"GET", old}).bytes(), QByteArray("1"));
        QCOMPARE(client.router()->map().ownerOf(slot)->port, m_cluster.node(from).port());

        QVERIFY2(m_cluster.finishMigration(slot, from, to), qPrintable(m_cluster.errorString()));
        QCOMPARE(runCommand(client, {"GET", fresh}).bytes(), QByteArray("2"));
        QCOMPARE(runCommand(client, {"GET", old}).bytes(), QByteArray("1"));
    }

    // A command refused with TRYAGAIN (a multi-key script during a migration) is retried;
    // one issued later for the same slot waits behind it instead of overtaking it.
    void laterCommandsForASlotWaitBehindARetry()
    {
        RedisClient client(m_cluster.node(0).options());
        QVERIFY(openAndWait(client));
        const QByteArray list = "order:{gate}:list";
        const QByteArray moved = "order:{gate}:moved";
        const quint16 slot = RedisClusterSlot::of(list);
        QVERIFY(runCommand(client, {"RPUSH", list, "start"}).isInteger());
        QVERIFY(runCommand(client, {"SET", moved, "x"}).isOk());
        const int from = m_cluster.indexOf(m_cluster.ownerOf(slot));
        const int to = m_cluster.anotherMaster(from);
        QVERIFY2(m_cluster.migrateSlot(slot, from, to, false), qPrintable(m_cluster.errorString()));
        // One of the two keys moves: a command on both is refused with TRYAGAIN until the end.
        QVERIFY(m_cluster
                    .command(from,
                             {"MIGRATE", "127.0.0.1", QByteArray::number(m_cluster.node(to).port()),
                              "", "0", "5000", "KEYS", moved})
                    .isOk());
        const qint64 refusedBefore = m_cluster.calls(from, "eval", "rejected_calls");

        QList<QByteArray> replies;
        const auto record = [&replies](const QByteArray &name) {
            return [&replies, name](const RedisReply &reply) {
                replies << name + ' '
                        + (reply.isInteger() ? QByteArray::number(reply.toInteger())
                                             : reply.toString().toUtf8());
            };
        };
        client.command({"EVAL", "redis.call('RPUSH', KEYS[1], 'A') return 1", "2", list, moved},
                       record("A"));
        // Refused twice: the client has seen the first refusal (it sent it again).
        QTRY_VERIFY_WITH_TIMEOUT(
            m_cluster.calls(from, "eval", "rejected_calls") >= refusedBefore + 2, 15000);
        // The list alone is still at the source: sent now, it would run before A.
        client.command({"RPUSH", list, "B"}, record("B"));
        // Still refused, and B held back meanwhile (A is retried every 500 ms at most).
        QTRY_VERIFY_WITH_TIMEOUT(
            m_cluster.calls(from, "eval", "rejected_calls") >= refusedBefore + 4, 15000);
        QVERIFY2(replies.isEmpty(), replies.join(" | ").constData());
        QCOMPARE(m_cluster.command(from, {"LLEN", list}).toInteger(), 1);

        QVERIFY2(m_cluster.finishMigration(slot, from, to), qPrintable(m_cluster.errorString()));
        QTRY_COMPARE_WITH_TIMEOUT(replies.size(), 2, 15000);
        QCOMPARE(replies, (QList<QByteArray>{"A 1", "B 3"}));
        const RedisReply items = runCommand(client, {"LRANGE", list, "0", "-1"});
        QCOMPARE(items.size(), 3);
        QCOMPARE(items.at(1).bytes(), QByteArray("A"));
        QCOMPARE(items.at(2).bytes(), QByteArray("B"));
    }

    // SSUBSCRIBE at the master of the channel's slot; after the slot moves, the node drops
    // the subscription and the client takes it up at the new owner.
    void shardSubscriptionFollowsItsSlot()
    {
        RedisClient client(m_cluster.node(0).options());
        client.setPubSubOnly(true);
        QVERIFY(openAndWait(client));
        QVERIFY(client.hasShardedPubSub());
        QList<QByteArray> heard;
        connect(&client, &RedisClient::shardMessageReceived, this,
                [&heard](const QByteArray &, const QByteArray &payload) { heard << payload; });
        QSignalSpy subscribed(&client, &RedisClient::subscribed);
        QSignalSpy unsubscribed(&client, &RedisClient::unsubscribed);
        const QByteArray channel = "channel:{wanderer}";
        client.ssubscribe({channel});
        QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 1, 15000);
        QCOMPARE(subscribed.first().at(0).value<RedisClient::Kind>(),
                 RedisClient::Kind::ShardChannel);
        QVERIFY(client.isSubscribed(RedisClient::Kind::ShardChannel, channel));
        const quint16 slot = RedisClusterSlot::of(channel);
        const int from = m_cluster.indexOf(m_cluster.ownerOf(slot));
        QCOMPARE(m_cluster.command(from, {"SPUBLISH", channel, "one"}).toInteger(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(heard, QList<QByteArray>{"one"}, 15000);

        const int to = m_cluster.anotherMaster(from);
        const qint64 leftBefore = m_cluster.calls(from, "sunsubscribe", "calls")
            + m_cluster.calls(from, "sunsubscribe", "rejected_calls");
        QVERIFY2(m_cluster.migrateSlot(slot, from, to), qPrintable(m_cluster.errorString()));
        QTRY_COMPARE_WITH_TIMEOUT(unsubscribed.size(), 1, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 2, 15000);
        QVERIFY(client.isSubscribed(RedisClient::Kind::ShardChannel, channel));
        // The old owner let go by itself and is not asked to: it would answer MOVED, and that
        // answer, arriving after the move to the new owner, used to make the client give up
        // the new subscription without ever hearing it confirmed again.
        QCOMPARE(m_cluster.calls(from, "sunsubscribe", "calls")
                     + m_cluster.calls(from, "sunsubscribe", "rejected_calls"),
                 leftBefore);
        QCOMPARE(m_cluster.command(to, {"SPUBLISH", channel, "two"}).toInteger(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(heard, (QList<QByteArray>{"one", "two"}), 15000);
    }

    // One SSUBSCRIBE may only name channels of one slot: a connection asked for several
    // (as it is when it restores its channels after a reconnect) sends one per slot.
    void shardChannelsOfSeveralSlotsAreSubscribedSlotBySlot()
    {
        const quint16 home = m_cluster.ownerOf(RedisClusterSlot::of(QByteArray("channel:{n0}")));
        QList<QByteArray> channels;
        for (int i = 0; channels.size() < 3 && i < 1000; ++i) {
            const QByteArray channel = "channel:{n" + QByteArray::number(i) + "}";
            if (m_cluster.ownerOf(RedisClusterSlot::of(channel)) == home)
                channels << channel;
        }
        QCOMPARE(channels.size(), 3);
        QVERIFY(RedisClusterSlot::of(channels[0]) != RedisClusterSlot::of(channels[1]));
        RedisConnection connection(m_cluster.node(m_cluster.indexOf(home)).options());
        QSignalSpy errors(&connection, &RedisConnection::errorOccurred);
        QSignalSpy subscribed(&connection, &RedisConnection::subscribed);
        QVERIFY(openAndWait(connection));
        connection.ssubscribe(channels);
        QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 3, 15000);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0).value(0).toString()));
        for (const QByteArray &channel : std::as_const(channels))
            QVERIFY(connection.isSubscribed(RedisConnection::Kind::ShardChannel, channel));
    }

    // kill -9 of a master: its commands wait through the failover and then go to the
    // promoted replica; the client is Connected again, never Disconnected.
    void survivesAKilledMaster()
    {
        RedisClient client(m_cluster.node(0).options());
        QList<RedisClient::State> states;
        connect(&client, &RedisClient::stateChanged, this,
                [&states](RedisClient::State s) { states << s; });
        QVERIFY(openAndWait(client));
        const QByteArray key = "failover:{victim}";
        QVERIFY(runCommand(client, {"SET", key, "1"}).isOk());
        const int victim = m_cluster.indexOf(m_cluster.ownerOf(RedisClusterSlot::of(key)));
        QVERIFY(victim >= 0);
        m_cluster.node(victim).kill();
        // Issued while the master is dead and not yet replaced. (One on the wire when it died
        // fails as CONNECTION_LOST: it may or may not have been applied, and only the caller
        // knows whether sending it again is harmless.)
        QTRY_VERIFY_WITH_TIMEOUT(client.state() != RedisClient::State::Connected, 15000);
        std::optional<RedisReply> written;
        client.command({"INCR", key}, [&written](const RedisReply &r) { written = r; },
                       {std::chrono::milliseconds(40000)});
        const int promoted = m_cluster.awaitFailover(victim);
        QVERIFY2(promoted >= 0, qPrintable(m_cluster.errorString()));
        QTRY_VERIFY_WITH_TIMEOUT(written.has_value(), 45000);
        QVERIFY2(written->isInteger(), qPrintable(written->toDebugString()));
        QCOMPARE(written->toInteger(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(client.state(), RedisClient::State::Connected, 30000);
        QCOMPARE(client.router()->map().ownerOf(RedisClusterSlot::of(key))->port,
                 m_cluster.node(promoted).port());
        QVERIFY(!states.contains(RedisClient::State::Disconnected));
        QCOMPARE(runCommand(client, {"GET", key}).bytes(), QByteArray("2"));
    }

private:
    RedisClusterFixture m_cluster;
};

QTEST_GUILESS_MAIN(tst_RedisCluster)
#include "tst_RedisCluster.moc"
