#include "RedisServerFixture.h"
#include "RunCommand.h"

#include "redis/RedisConnection.h"

#include <QSignalSpy>
#include <QTest>

using namespace Confab;
using namespace Confab::Test;
using namespace std::chrono_literals;

// Each test breaks the server or the connection in one way and checks that the client comes
// back by itself, with its subscriptions, and that commands in flight or issued meanwhile end
// as the caller asked.
class tst_RedisFaults : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        RedisServerFixture::Config config;
        config.appendOnly = true;
        m_server = std::make_unique<RedisServerFixture>(config);
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    }

    void cleanup() { m_server.reset(); }

    void reconnectsAndResubscribesAfterServerRestart()
    {
        RedisConnection c(fastOptions());
        QSignalSpy subscribed(&c, &RedisConnection::subscribed);
        QSignalSpy messages(&c, &RedisConnection::messageReceived);
        c.subscribe({"chan"});
        QVERIFY(openAndWait(c));
        QVERIFY(subscribed.wait(10000));

        m_server->stop();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), RedisConnection::State::Reconnecting, 10000);
        QVERIFY(!c.isSubscribed(RedisConnection::Kind::Channel, "chan"));
        QVERIFY2(m_server->restart(), qPrintable(m_server->errorString()));
        QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 2, 15000);
        QCOMPARE(c.state(), RedisConnection::State::Connected);
        QCOMPARE(m_server->command({"PUBLISH", "chan", "after restart"}).toInteger(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(messages.size(), 1, 10000);
        QCOMPARE(messages.first().at(1).toByteArray(), QByteArray("after restart"));
    }

    void reconnectsAfterServerCrash()
    {
        RedisConnection c(fastOptions());
        QVERIFY(openAndWait(c));
        QVERIFY(runCommand(c, {"SET", "durable", "1"}).isOk());
        m_server->kill();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), RedisConnection::State::Reconnecting, 10000);
        QVERIFY(m_server->restart());
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), RedisConnection::State::Connected, 15000);
        // appendfsync always: the write acknowledged before the crash survived it.
        QCOMPARE(runCommand(c, {"GET", "durable"}).bytes(), QByteArray("1"));
    }

    void reconnectsAndResubscribesAfterClientKill()
    {
        RedisConnection subscriber(fastOptions());
        RedisConnection commands(fastOptions());
        QSignalSpy subscribed(&subscriber, &RedisConnection::subscribed);
        QSignalSpy messages(&subscriber, &RedisConnection::messageReceived);
        QSignalSpy commandStates(&commands, &RedisConnection::stateChanged);
        subscriber.subscribe({"k1"});
        subscriber.psubscribe({"pat.*"});
        QVERIFY(openAndWait(subscriber));
        QVERIFY(openAndWait(commands));
        QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 2, 10000);

        QVERIFY(m_server->command({"CLIENT", "KILL", "TYPE", "pubsub"}).toInteger() >= 1);
        QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 4, 15000);
        QCOMPARE(m_server->command({"PUBLISH", "k1", "back"}).toInteger(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(messages.size(), 1, 10000);

        commandStates.clear();
        QVERIFY(m_server->command({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"}).toInteger()
                >= 1);
        QTRY_VERIFY_WITH_TIMEOUT(commandStates.size() >= 2
                                     && commands.state() == RedisConnection::State::Connected,
                                 15000);
        QCOMPARE(runCommand(commands, {"PING"}), RedisReply::status("PONG"));
    }

    void recoversFromPausedServer()
    {
        RedisOptions options = fastOptions();
        options.healthCheckInterval = 300ms;
        options.healthCheckTimeout = 700ms;
        options.connectTimeout = 700ms;
        RedisConnection c(options);
        QSignalSpy subscribed(&c, &RedisConnection::subscribed);
        QSignalSpy messages(&c, &RedisConnection::messageReceived);
        c.subscribe({"paused"});
        QVERIFY(openAndWait(c));
        QVERIFY(subscribed.wait(10000));

        m_server->pause();
        // The kernel keeps the TCP connection open; only the missing PING answer tells.
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), RedisConnection::State::Reconnecting, 10000);
        QVERIFY2(c.lastError().contains(QStringLiteral("PING"))
                     || c.lastError().contains(QStringLiteral("no answer")),
                 qPrintable(c.lastError()));
        m_server->resume();
        QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 2, 20000);
        QCOMPARE(c.state(), RedisConnection::State::Connected);
        QVERIFY(m_server->command({"PUBLISH", "paused", "awake"}).toInteger() >= 1);
        QTRY_COMPARE_WITH_TIMEOUT(messages.size(), 1, 10000);
    }

    void commandsInFlightFailWhenTheConnectionDies()
    {
        RedisConnection c(fastOptions());
        QVERIFY(openAndWait(c));
        std::optional<RedisReply> reply;
        c.command({"DEBUG", "SLEEP", "5"}, [&reply](const RedisReply &r) { reply = r; });
        QTRY_VERIFY_WITH_TIMEOUT(c.pendingCount() == 1, 1000);
        m_server->kill();
        QTRY_VERIFY_WITH_TIMEOUT(reply.has_value(), 10000);
        QCOMPARE(reply->errorCode(), QByteArray(RedisReply::ConnectionLost));
    }

    void queuedCommandsCompleteAfterAnOutage()
    {
        RedisConnection c(fastOptions());
        QVERIFY(openAndWait(c));
        m_server->stop();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), RedisConnection::State::Reconnecting, 10000);

        QList<RedisReply> replies;
        for (int i = 0; i < 3; ++i)
            c.command({"RPUSH", "queued", QByteArray::number(i)},
                      [&replies](const RedisReply &r) { replies << r; });
        QCOMPARE(c.queuedCount(), 3);
        QVERIFY(replies.isEmpty());
        QVERIFY(m_server->restart());
        QTRY_COMPARE_WITH_TIMEOUT(replies.size(), 3, 15000);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(replies[i].toInteger(), i + 1);
        // Sent in the order they were issued.
        const RedisReply list = m_server->command({"LRANGE", "queued", "0", "-1"});
        QCOMPARE(list.size(), 3);
        QCOMPARE(list.at(2).bytes(), QByteArray("2"));
    }

    void failFastCommandsFailDuringAnOutage()
    {
        RedisConnection c(fastOptions());
        QVERIFY(openAndWait(c));
        m_server->stop();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), RedisConnection::State::Reconnecting, 10000);
        RedisConnection::CommandOptions failFast;
        failFast.whenDisconnected = RedisConnection::QueuePolicy::FailFast;
        const RedisReply r = runCommand(c, {"PING"}, failFast);
        QCOMPARE(r.errorCode(), QByteArray(RedisReply::NotConnected));
        QCOMPARE(c.queuedCount(), 0);
    }

    void queuedCommandsExpire()
    {
        RedisOptions options = fastOptions();
        options.queueTimeout = 300ms;
        RedisConnection c(options);
        QVERIFY(openAndWait(c));
        m_server->stop();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), RedisConnection::State::Reconnecting, 10000);
        const RedisReply r = runCommand(c, {"PING"});
        QCOMPARE(r.errorCode(), QByteArray(RedisReply::NotConnected));
        QVERIFY2(r.toString().contains(QStringLiteral("no connection")), qPrintable(r.toString()));
        QCOMPARE(c.queuedCount(), 0);
    }

    void queueIsBounded()
    {
        RedisOptions options = fastOptions();
        options.maxQueuedCommands = 2;
        RedisConnection c(options);
        QVERIFY(openAndWait(c));
        m_server->stop();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), RedisConnection::State::Reconnecting, 10000);
        c.command({"PING"});
        c.command({"PING"});
        const RedisReply third = runCommand(c, {"PING"});
        QCOMPARE(third.errorCode(), QByteArray(RedisReply::NotConnected));
        QCOMPARE(c.queuedCount(), 2);
    }

    void reconnectDelaysBackOff()
    {
        RedisOptions options = fastOptions();
        options.reconnectMinDelay = 20ms;
        options.reconnectMaxDelay = 400ms;
        m_server->stop();
        RedisConnection c(options);
        QSignalSpy delays(&c, &RedisConnection::reconnectScheduled);
        c.open();
        QTRY_VERIFY_WITH_TIMEOUT(delays.size() >= 7, 20000);
        auto delayAt = [&delays](int i) {
            return delays.at(i).first().value<std::chrono::milliseconds>();
        };
        // With jitter each delay lies in [base/2, base] for base = 20ms * 2^attempt, capped.
        QVERIFY(delayAt(0) >= 10ms && delayAt(0) <= 20ms);
        QVERIFY(delayAt(3) >= 80ms && delayAt(3) <= 160ms);
        QVERIFY(delayAt(6) >= 200ms && delayAt(6) <= 400ms);
        QVERIFY(!delays.first().at(1).toString().isEmpty());
    }

private:
    RedisOptions fastOptions() const
    {
        RedisOptions options = m_server->options();
        options.reconnectMinDelay = 20ms;
        options.reconnectMaxDelay = 200ms;
        return options;
    }

    std::unique_ptr<RedisServerFixture> m_server;
};

QTEST_GUILESS_MAIN(tst_RedisFaults)
#include "tst_RedisFaults.moc"
