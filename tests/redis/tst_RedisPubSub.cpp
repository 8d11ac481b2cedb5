#include "RedisServerFixture.h"
#include "RunCommand.h"

#include "redis/RedisConnection.h"

#include <QSignalSpy>
#include <QTest>

using namespace Confab;
using namespace Confab::Test;

class tst_RedisPubSub : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<RedisServerFixture>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    }

    void subscriberReceivesPublishedMessages()
    {
        RedisConnection c(m_server->options());
        QSignalSpy subscribed(&c, &RedisConnection::subscribed);
        QSignalSpy messages(&c, &RedisConnection::messageReceived);
        c.subscribe({"news"});
        QVERIFY(openAndWait(c));
        QVERIFY(subscribed.wait(10000));
        QCOMPARE(subscribed.first().at(1).toByteArray(), QByteArray("news"));
        QVERIFY(c.isSubscribed(RedisConnection::Kind::Channel, "news"));

        const QByteArray binary("\0\xff\r\nhi", 6);
        QCOMPARE(m_server->command({"PUBLISH", "news", "first"}).toInteger(), 1);
        QCOMPARE(m_server->command({"PUBLISH", "news", binary}).toInteger(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(messages.size(), 2, 10000);
        QCOMPARE(messages.at(0).at(0).toByteArray(), QByteArray("news"));
        QCOMPARE(messages.at(0).at(1).toByteArray(), QByteArray("first"));
        QCOMPARE(messages.at(1).at(1).toByteArray(), binary);
    }

    void patternSubscription()
    {
        RedisConnection c(m_server->options());
        QVERIFY(openAndWait(c));
        QSignalSpy subscribed(&c, &RedisConnection::subscribed);
        QSignalSpy messages(&c, &RedisConnection::patternMessageReceived);
        c.psubscribe({"room.*"});
        QVERIFY(subscribed.wait(10000));
        QCOMPARE(subscribed.first().at(0).value<RedisConnection::Kind>(),
                 RedisConnection::Kind::Pattern);
        m_server->command({"PUBLISH", "room.lobby", "hello"});
        QTRY_COMPARE_WITH_TIMEOUT(messages.size(), 1, 10000);
        QCOMPARE(messages.first().at(0).toByteArray(), QByteArray("room.*"));
        QCOMPARE(messages.first().at(1).toByteArray(), QByteArray("room.lobby"));
        QCOMPARE(messages.first().at(2).toByteArray(), QByteArray("hello"));
    }

    void shardedSubscription()
    {
        if (RedisServerFixture::redisServerMajorVersion() < 7)
            QSKIP("sharded pub/sub came with Redis 7");
        RedisConnection c(m_server->options());
        QVERIFY(openAndWait(c));
        QSignalSpy subscribed(&c, &RedisConnection::subscribed);
        QSignalSpy messages(&c, &RedisConnection::shardMessageReceived);
        c.ssubscribe({"shard{1}"});
        QVERIFY(subscribed.wait(10000));
        QCOMPARE(m_server->command({"SPUBLISH", "shard{1}", "s-msg"}).toInteger(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(messages.size(), 1, 10000);
        QCOMPARE(messages.first().at(1).toByteArray(), QByteArray("s-msg"));
    }

    void unsubscribeStopsDelivery()
    {
        RedisConnection c(m_server->options());
        QVERIFY(openAndWait(c));
        QSignalSpy subscribed(&c, &RedisConnection::subscribed);
        QSignalSpy unsubscribed(&c, &RedisConnection::unsubscribed);
        QSignalSpy messages(&c, &RedisConnection::messageReceived);
        c.subscribe({"a", "b"});
        QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 2, 10000);
        c.unsubscribe({"a"});
        QVERIFY(unsubscribed.wait(10000));
        QCOMPARE(m_server->command({"PUBLISH", "a", "lost"}).toInteger(), 0);
        m_server->command({"PUBLISH", "b", "kept"});
        QTRY_COMPARE_WITH_TIMEOUT(messages.size(), 1, 10000);
        QCOMPARE(messages.first().at(0).toByteArray(), QByteArray("b"));
    }

    void unsubscribeAllLeavesSubscribedMode()
    {
        RedisConnection c(m_server->options());
        QVERIFY(openAndWait(c));
        QSignalSpy subscribed(&c, &RedisConnection::subscribed);
        QSignalSpy unsubscribed(&c, &RedisConnection::unsubscribed);
        c.subscribe({"x", "y", "z"});
        QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 3, 10000);
        c.unsubscribe();
        QTRY_COMPARE_WITH_TIMEOUT(unsubscribed.size(), 3, 10000);
        // Out of subscribed mode, ordinary commands work again on this connection.
        QVERIFY(runCommand(c, {"SET", "k", "v"}).isOk());
        QCOMPARE(runCommand(c, {"GET", "k"}).bytes(), QByteArray("v"));
    }

    void pingWhileSubscribed()
    {
        RedisConnection c(m_server->options());
        QVERIFY(openAndWait(c));
        QSignalSpy subscribed(&c, &RedisConnection::subscribed);
        c.subscribe({"p"});
        QVERIFY(subscribed.wait(10000));
        const RedisReply pong = runCommand(c, {"PING"});
        QVERIFY(pong.isArray());
        QCOMPARE(pong.at(0).bytes(), QByteArray("pong"));
    }

    void floodArrivesCompleteAndInOrder()
    {
        RedisConnection subscriber(m_server->options());
        RedisConnection publisher(m_server->options());
        QVERIFY(openAndWait(subscriber));
        QVERIFY(openAndWait(publisher));
        QSignalSpy subscribed(&subscriber, &RedisConnection::subscribed);
        subscriber.subscribe({"flood"});
        QVERIFY(subscribed.wait(10000));
        QList<QByteArray> received;
        connect(
            &subscriber, &RedisConnection::messageReceived, this,
            [&received](const QByteArray &, const QByteArray &payload) { received << payload; });
        constexpr int count = 50000;
        for (int i = 0; i < count; ++i)
            publisher.command({"PUBLISH", "flood", QByteArray::number(i)});
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), count, 60000);
        for (int i = 0; i < count; ++i)
            QCOMPARE(received[i], QByteArray::number(i));
    }

private:
    std::unique_ptr<RedisServerFixture> m_server;
};

QTEST_GUILESS_MAIN(tst_RedisPubSub)
#include "tst_RedisPubSub.moc"
