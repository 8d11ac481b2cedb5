#include "redis/RedisReply.h"
#include "redis/cluster/RedisClusterSlot.h"
#include "redis/cluster/RedisRedirect.h"

#include "RedisServerFixture.h"
#include "chat/ChatKeys.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Confab;
using namespace Confab::Test;

class tst_RedisClusterSlot : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // The values `CLUSTER KEYSLOT` gives (redis-server 7.0) and the specification's examples.
    void slotsAreTheServers_data()
    {
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<int>("slot");
        QTest::newRow("CRC16 check value") << QByteArray("123456789") << 0x31C3;
        QTest::newRow("foo") << QByteArray("foo") << 12182;
        QTest::newRow("bar") << QByteArray("bar") << 5061;
        QTest::newRow("empty") << QByteArray() << 0;
        QTest::newRow("tag") << QByteArray("{user1000}.following") << 3443;
        QTest::newRow("same tag") << QByteArray("{user1000}.followers") << 3443;
        QTest::newRow("empty tag: whole key") << QByteArray("foo{}{bar}") << 8363;
        QTest::newRow("first brace pair") << QByteArray("foo{{bar}}zap") << 4015;
        QTest::newRow("tag is bar") << QByteArray("foo{bar}{zap}") << 5061;
        QTest::newRow("no closing brace") << QByteArray("{foo") << 13308;
    }
    void slotsAreTheServers()
    {
        QFETCH(QByteArray, key);
        QFETCH(int, slot);
        QCOMPARE(int(RedisClusterSlot::of(key)), slot);
    }

    // All keys of one conversation, and of one person, live in one slot (PROTOCOL.md, "Keys").
    void aConversationsKeysShareASlot()
    {
        const ChatKeys keys;
        const QString channel = QStringLiteral("caf\u00e9-dev");
        const quint16 slot = RedisClusterSlot::of(keys.log(channel));
        for (const QByteArray &key : {keys.info(channel), keys.members(channel),
                                      keys.pubsub(channel), keys.sent(channel, "0123456789abcdef")})
            QCOMPARE(RedisClusterSlot::of(key), slot);
        const quint16 person = RedisClusterSlot::of(keys.user(QStringLiteral("alice")));
        for (const QByteArray &key : {keys.userChannels(QStringLiteral("alice")),
                                      keys.userReadMarks(QStringLiteral("alice")),
                                      keys.userDirect(QStringLiteral("alice"))})
            QCOMPARE(RedisClusterSlot::of(key), person);
    }

    // Against a real cluster-enabled node: the same slot as the server for every kind of key,
    // braces, empty tags and bytes beyond ASCII included.
    void slotsMatchClusterKeyslot()
    {
        if (RedisServerFixture::redisServerPath().isEmpty())
            QSKIP("redis-server is not installed");
        RedisServerFixture::Config config;
        config.extraConfig << QStringLiteral("cluster-enabled yes")
                           << QStringLiteral("cluster-config-file nodes.conf");
        RedisServerFixture node(config);
        QVERIFY2(node.start(), qPrintable(node.errorString()));
        QRandomGenerator random(20261206);
        static constexpr char Letters[] = "ab{}{}:@ \xc3\xa9\x00\xff";
        const QByteArray alphabet(Letters, sizeof(Letters) - 1);
        for (int i = 0; i < 2000; ++i) {
            QByteArray key;
            const int length = random.bounded(12);
            for (int j = 0; j < length; ++j)
                key += alphabet.at(random.bounded(int(alphabet.size())));
            const RedisReply slot = node.command({"CLUSTER", "KEYSLOT", key});
            QVERIFY2(slot.isInteger(), qPrintable(slot.toDebugString()));
            QVERIFY2(slot.toInteger() == RedisClusterSlot::of(key), key.toHex(' ').constData());
        }
    }

    void redirectsAreRead_data()
    {
        QTest::addColumn<QByteArray>("error");
        QTest::addColumn<int>("kind"); // -1: not a redirect
        QTest::addColumn<int>("slot");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        using K = RedisRedirect::Kind;
        QTest::newRow("moved") << QByteArray("MOVED 4489 127.0.0.1:27001") << int(K::Moved) << 4489
                               << QStringLiteral("127.0.0.1") << 27001;
        QTest::newRow("ask") << QByteArray("ASK 3999 10.0.0.7:6381") << int(K::Ask) << 3999
                             << QStringLiteral("10.0.0.7") << 6381;
        QTest::newRow("ipv6") << QByteArray("MOVED 1 [::1]:7000") << int(K::Moved) << 1
                              << QStringLiteral("::1") << 7000;
        QTest::newRow("unknown endpoint")
            << QByteArray("MOVED 16383 :6380") << int(K::Moved) << 16383 << QString() << 6380;
        QTest::newRow("tryagain") << QByteArray(
            "TRYAGAIN Multiple keys request during rehashing of slot")
                                  << int(K::TryAgain) << 0 << QString() << 0;
        QTest::newRow("clusterdown") << QByteArray("CLUSTERDOWN The cluster is down")
                                     << int(K::ClusterDown) << 0 << QString() << 0;
        QTest::newRow("slot out of range")
            << QByteArray("MOVED 16384 h:1") << -1 << 0 << QString() << 0;
        QTest::newRow("port zero") << QByteArray("MOVED 1 h:0") << -1 << 0 << QString() << 0;
        QTest::newRow("no port") << QByteArray("MOVED 1 host") << -1 << 0 << QString() << 0;
        QTest::newRow("extra words") << QByteArray("MOVED 1 h:1 x") << -1 << 0 << QString() << 0;
        QTest::newRow("another error")
            << QByteArray("ERR wrong number of arguments") << -1 << 0 << QString() << 0;
    }
    void redirectsAreRead()
    {
        QFETCH(QByteArray, error);
        QFETCH(int, kind);
        QFETCH(int, slot);
        QFETCH(QString, host);
        QFETCH(int, port);
        const std::optional<RedisRedirect> redirect =
            RedisRedirect::parse(RedisReply::error(error));
        QCOMPARE(redirect.has_value(), kind >= 0);
        if (!redirect)
            return;
        QCOMPARE(int(redirect->kind), kind);
        QCOMPARE(int(redirect->slot), slot);
        QCOMPARE(redirect->host, host);
        QCOMPARE(int(redirect->port), port);
    }

    void onlyServerErrorsRedirect()
    {
        QVERIFY(!RedisRedirect::parse(RedisReply::string("MOVED 1 h:1")));
        QVERIFY(!RedisRedirect::parse(
            RedisReply::clientError(RedisReply::ConnectionLost, QStringLiteral("MOVED 1 h:1"))));
    }
};

QTEST_GUILESS_MAIN(tst_RedisClusterSlot)
#include "tst_RedisClusterSlot.moc"
