#include "redis/RedisReplyReader.h"
#include "redis/cluster/RedisClusterSlot.h"
#include "redis/cluster/RedisCommandKeys.h"
#include "redis/cluster/RedisSlotMap.h"
#include "redis/sentinel/RedisSentinelMonitor.h"

#include <QTest>

using namespace Confab;

namespace {

// RESP, written out as a server sends it.
QByteArray bulk(const QByteArray &s)
{
    return '$' + QByteArray::number(s.size()) + "\r\n" + s + "\r\n";
}
QByteArray integer(qint64 i)
{
    return ':' + QByteArray::number(i) + "\r\n";
}
QByteArray array(const QList<QByteArray> &items)
{
    return '*' + QByteArray::number(items.size()) + "\r\n" + items.join();
}

RedisReply read(const QByteArray &resp)
{
    RedisReplyReader reader;
    reader.feed(resp.constData(), resp.size());
    RedisReply reply;
    if (reader.next(&reply) != RedisReplyReader::Result::Reply)
        return RedisReply::error("TEST unreadable RESP");
    return reply;
}

// One node of a CLUSTER SHARDS reply (Redis 7).
QByteArray shardNode(quint16 port, const QByteArray &role, const QByteArray &health = "online",
                     const QByteArray &endpoint = "127.0.0.1")
{
    return array({bulk("id"), bulk(QByteArray(40, 'a')), bulk("port"), integer(port), bulk("ip"),
                  bulk("127.0.0.1"), bulk("endpoint"), bulk(endpoint), bulk("role"), bulk(role),
                  bulk("replication-offset"), integer(0), bulk("health"), bulk(health)});
}

QByteArray shard(const QList<std::pair<int, int>> &ranges, const QList<QByteArray> &nodes)
{
    QList<QByteArray> rangeList;
    for (const auto &[first, last] : ranges)
        rangeList << integer(first) << integer(last);
    return array({bulk("slots"), array(rangeList), bulk("nodes"), array(nodes)});
}

const RedisSlotMap::Endpoint Via{QStringLiteral("10.0.0.9"), 7009};

} // namespace

// What a cluster node says about the cluster, read as a map of slots; where a command goes;
// what sentinels say. All of it is text from a server: malformed means no answer, never a
// wrong one.
class tst_RedisSlotMap : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsClusterShards()
    {
        const RedisReply reply = read(array({
            shard({{0, 8191}}, {shardNode(7001, "master"), shardNode(7003, "replica")}),
            shard({{8192, 16000}, {16001, 16383}},
                  {shardNode(7004, "replica", "loading"), shardNode(7002, "master")}),
        }));
        const auto map = RedisSlotMap::fromShards(reply, Via);
        QVERIFY(map);
        QVERIFY(map->coversAllSlots());
        QCOMPARE(map->shardCount(), 2);
        QCOMPARE(map->ownerOf(0)->port, quint16(7001));
        QCOMPARE(map->ownerOf(8191)->port, quint16(7001));
        QCOMPARE(map->ownerOf(8192)->port, quint16(7002));
        QCOMPARE(map->ownerOf(16383)->port, quint16(7002));
        QCOMPARE(map->masters().size(), 2);
        // A replica still loading its data is not one to use.
        QList<quint16> ports;
        for (const auto &node : map->nodes())
            ports << node.port;
        QCOMPARE(ports, (QList<quint16>{7001, 7002, 7003}));
    }

    void anUnknownEndpointIsTheNodeAsked()
    {
        const RedisReply reply =
            read(array({shard({{0, 16383}}, {shardNode(7001, "master", "online", "?")})}));
        const auto map = RedisSlotMap::fromShards(reply, Via);
        QVERIFY(map);
        QCOMPARE(map->ownerOf(5)->host, QStringLiteral("10.0.0.9"));
        QCOMPARE(map->ownerOf(5)->port, quint16(7001));
    }

    void slotsNobodyServes()
    {
        const auto map = RedisSlotMap::fromShards(
            read(array({shard({{0, 100}}, {shardNode(7001, "master")})})), Via);
        QVERIFY(map);
        QVERIFY(!map->coversAllSlots());
        QVERIFY(map->ownerOf(100));
        QVERIFY(!map->ownerOf(101));
        QCOMPARE(map->shardCount(), 1);
    }

    void readsClusterSlots()
    {
        // Before Redis 7: [first, last, [ip, port, id, ...], replicas...]
        const RedisReply reply = read(array({
            array({integer(0), integer(5460), array({bulk("127.0.0.1"), integer(7001), bulk("a")}),
                   array({bulk("127.0.0.1"), integer(7004), bulk("d")})}),
            array({integer(5461), integer(16383), array({bulk(""), integer(7002), bulk("b")})}),
        }));
        const auto map = RedisSlotMap::fromSlots(reply, Via);
        QVERIFY(map);
        QVERIFY(map->coversAllSlots());
        QCOMPARE(map->ownerOf(5460)->port, quint16(7001));
        QCOMPARE(map->ownerOf(5461)->host, QStringLiteral("10.0.0.9")); // empty: the node asked
        QCOMPARE(map->nodes().size(), 3);
    }

    void malformedRepliesGiveNoMap_data()
    {
        QTest::addColumn<QByteArray>("resp");
        QTest::addColumn<bool>("shards");
        QTest::newRow("not an array") << bulk("hello") << true;
        QTest::newRow("slot beyond 16383")
            << array({shard({{0, 16384}}, {shardNode(7001, "master")})}) << true;
        QTest::newRow("range backwards")
            << array({shard({{10, 5}}, {shardNode(7001, "master")})}) << true;
        QTest::newRow("no master")
            << array({shard({{0, 10}}, {shardNode(7001, "replica")})}) << true;
        QTest::newRow("port 0") << array({shard({{0, 10}}, {shardNode(0, "master")})}) << true;
        QTest::newRow("odd slot list")
            << array({array({bulk("slots"), array({integer(1)}), bulk("nodes"),
                             array({shardNode(7001, "master")})})})
            << true;
        QTest::newRow("slots: port not a number")
            << array({array({integer(0), integer(1), array({bulk("h"), bulk("x")})})}) << false;
        QTest::newRow("slots: short range") << array({array({integer(0), integer(1)})}) << false;
    }
    void malformedRepliesGiveNoMap()
    {
        QFETCH(QByteArray, resp);
        QFETCH(bool, shards);
        const RedisReply reply = read(resp);
        QVERIFY(
            !(shards ? RedisSlotMap::fromShards(reply, Via) : RedisSlotMap::fromSlots(reply, Via)));
    }

    void movedChangesOneSlot()
    {
        auto map = RedisSlotMap::fromShards(
            read(array({shard({{0, 16383}}, {shardNode(7001, "master")})})), Via);
        QVERIFY(map);
        map->applyMoved(42, {QStringLiteral("127.0.0.1"), 7005});
        QCOMPARE(map->ownerOf(42)->port, quint16(7005));
        QCOMPARE(map->ownerOf(43)->port, quint16(7001));
        QCOMPARE(map->shardCount(), 2);
    }

    void commandsGoWhereTheirKeysAre_data()
    {
        QTest::addColumn<QList<QByteArray>>("args");
        QTest::addColumn<QList<QByteArray>>("keys");
        QTest::newRow("GET") << QList<QByteArray>{"GET", "a"} << QList<QByteArray>{"a"};
        QTest::newRow("lower case")
            << QList<QByteArray>{"hget", "h", "f"} << QList<QByteArray>{"h"};
        QTest::newRow("PING") << QList<QByteArray>{"PING"} << QList<QByteArray>{};
        QTest::newRow("SCRIPT LOAD")
            << QList<QByteArray>{"SCRIPT", "LOAD", "return 1"} << QList<QByteArray>{};
        QTest::newRow("EVALSHA") << QList<QByteArray>{"EVALSHA", "sha", "2", "k1", "k2", "arg"}
                                 << QList<QByteArray>{"k1", "k2"};
        QTest::newRow("EVAL without keys")
            << QList<QByteArray>{"EVAL", "return 1", "0"} << QList<QByteArray>{};
        QTest::newRow("EVAL, numkeys too large")
            << QList<QByteArray>{"EVAL", "s", "5", "k1"} << QList<QByteArray>{"k1"};
        QTest::newRow("MSET") << QList<QByteArray>{"MSET", "a", "1", "b", "2"}
                              << QList<QByteArray>{"a", "b"};
        QTest::newRow("DEL") << QList<QByteArray>{"DEL", "a", "b"} << QList<QByteArray>{"a", "b"};
        QTest::newRow("XREAD") << QList<QByteArray>{"XREAD", "COUNT", "2", "STREAMS",
                                                    "s1",    "s2",    "0", "0"}
                               << QList<QByteArray>{"s1", "s2"};
        QTest::newRow("PUBLISH: cluster-wide")
            << QList<QByteArray>{"PUBLISH", "c", "m"} << QList<QByteArray>{};
    }
    void commandsGoWhereTheirKeysAre()
    {
        QFETCH(QList<QByteArray>, args);
        QFETCH(QList<QByteArray>, keys);
        QCOMPARE(RedisCommandKeys::keysOf(args), keys);
        const RedisCommandKeys::Route route = RedisCommandKeys::routeOf(args);
        QCOMPARE(route.keyless, keys.isEmpty());
        if (!keys.isEmpty() && route.error.isEmpty())
            QCOMPARE(route.slot, RedisClusterSlot::of(keys.first()));
    }

    void keysOfOneConversationShareASlot()
    {
        const RedisCommandKeys::Route post = RedisCommandKeys::routeOf(
            QList<QByteArray>{"EVALSHA", "x", "4", "channel:{dev}:log", "message:{dev}:cid",
                              "channel:{dev}:info", "channel:{dev}:members", "channel:{dev}"});
        QVERIFY2(post.error.isEmpty(), qPrintable(post.error));
        QCOMPARE(post.slot, RedisClusterSlot::of("dev"));
        const RedisCommandKeys::Route mixed = RedisCommandKeys::routeOf(
            QList<QByteArray>{"EVALSHA", "x", "2", "user:{alice}", "user:alice"});
        QVERIFY(mixed.error.contains(QLatin1String("one command on one slot")));
        const RedisCommandKeys::Route transaction = RedisCommandKeys::routeOf(
            QList<QList<QByteArray>>{{"SMEMBERS", "{a}m"}, {"PING"}, {"XREVRANGE", "{b}l"}});
        QVERIFY(transaction.error.contains(QLatin1String("one transaction on one slot")));
    }

    void sentinelAnswers()
    {
        const auto address =
            RedisSentinelMonitor::parseMasterAddress(read(array({bulk("10.0.0.2"), bulk("6380")})));
        QVERIFY(address);
        QCOMPARE(address->toString(), QStringLiteral("10.0.0.2:6380"));
        QVERIFY(!RedisSentinelMonitor::parseMasterAddress(read("*-1\r\n")));
        QVERIFY(!RedisSentinelMonitor::parseMasterAddress(read(array({bulk("h"), bulk("0")}))));
        QVERIFY(!RedisSentinelMonitor::parseMasterAddress(read(array({bulk(""), bulk("1")}))));
        QVERIFY(!RedisSentinelMonitor::parseMasterAddress(read(array({bulk("h")}))));

        const auto moved = RedisSentinelMonitor::parseSwitchMaster(
            "mymaster 127.0.0.1 6379 127.0.0.1 6380", "mymaster");
        QVERIFY(moved);
        QCOMPARE(moved->port, quint16(6380));
        QVERIFY(!RedisSentinelMonitor::parseSwitchMaster("other 127.0.0.1 6379 127.0.0.1 6380",
                                                         "mymaster"));
        QVERIFY(!RedisSentinelMonitor::parseSwitchMaster("mymaster 127.0.0.1 6379 127.0.0.1",
                                                         "mymaster"));
        QVERIFY(!RedisSentinelMonitor::parseSwitchMaster("mymaster a 1 b 70000", "mymaster"));
    }
};

QTEST_GUILESS_MAIN(tst_RedisSlotMap)
#include "tst_RedisSlotMap.moc"
