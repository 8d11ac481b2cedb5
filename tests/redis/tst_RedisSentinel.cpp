#include "RedisSentinelFixture.h"
#include "RunCommand.h"

#include "redis/RedisClient.h"

#include <QSignalSpy>
#include <QTest>

using namespace Confab;
using namespace Confab::Test;

// RedisClient against a master, its replica and three sentinels (RedisSentinelFixture): the
// master is asked from the sentinels and checked with ROLE, a SENTINEL FAILOVER and a killed
// master are followed. Faults come last: the roles are not the same afterwards.
class tst_RedisSentinel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (RedisServerFixture::redisServerPath().isEmpty())
            QSKIP("redis-server is not installed");
        QVERIFY2(m_fixture.start(), qPrintable(m_fixture.errorString()));
        QCOMPARE(m_fixture.masterIndex(), 0);
    }

    void connectsToTheMasterTheSentinelsName()
    {
        RedisClient client(m_fixture.options());
        QVERIFY(openAndWait(client));
        QCOMPARE(client.topology(), RedisClient::Topology::Sentinel);
        QCOMPARE(
            client.description(),
            QStringLiteral("Sentinel mymaster \u00b7 127.0.0.1:%1").arg(m_fixture.node(0).port()));
        QVERIFY(runCommand(client, {"SET", "sentinel:a", "1"}).isOk());
        QCOMPARE(m_fixture.node(0).command({"GET", "sentinel:a"}).bytes(), QByteArray("1"));
    }

    void aDeadSentinelIsSkipped()
    {
        const QString url = m_fixture.url().replace(
            QStringLiteral("redis-sentinel://"),
            QStringLiteral("redis-sentinel://127.0.0.1:%1,").arg(RedisServerFixture::freePort()));
        const auto options = RedisOptions::fromUrl(url);
        QVERIFY(options);
        RedisClient client(*options);
        QVERIFY(openAndWait(client, 30000));
        QCOMPARE(
            client.description(),
            QStringLiteral("Sentinel mymaster \u00b7 127.0.0.1:%1").arg(m_fixture.node(0).port()));
    }

    void anUnknownMasterNameIsAClearError()
    {
        RedisOptions options = m_fixture.options();
        options.sentinelMaster = QStringLiteral("nosuchmaster");
        options.autoReconnect = false; // as confab-cli's one-shot commands
        RedisClient client(options);
        client.open();
        QTRY_COMPARE_WITH_TIMEOUT(client.state(), RedisClient::State::Disconnected, 30000);
        QVERIFY2(
            client.lastError().contains(QLatin1String("knows no master called \"nosuchmaster\"")),
            qPrintable(client.lastError()));
    }

    // What the sentinels say is checked: a replica is never taken for the master.
    void aReplicaIsNotTakenForTheMaster()
    {
        RedisOptions options = m_fixture.node(1).options();
        options.requireMaster = true;
        options.autoReconnect = false;
        RedisConnection connection(options);
        connection.open();
        QTRY_COMPARE_WITH_TIMEOUT(connection.state(), RedisConnection::State::Disconnected, 15000);
        QVERIFY2(connection.lastError().contains(QLatin1String("is a slave, not the master")),
                 qPrintable(connection.lastError()));
        options.requireMaster = false;
        RedisConnection plain(options);
        QVERIFY(openAndWait(plain));
    }

    // +switch-master moves the client at once; it is never Disconnected, and what it writes
    // afterwards lands on the new master.
    void followsASentinelFailover()
    {
        RedisClient client(m_fixture.options());
        QList<RedisClient::State> states;
        connect(&client, &RedisClient::stateChanged, this,
                [&states](RedisClient::State s) { states << s; });
        QVERIFY(openAndWait(client));
        const int before = m_fixture.masterIndex();
        const int after = m_fixture.failover();
        QVERIFY2(after >= 0, qPrintable(m_fixture.errorString()));
        QVERIFY(after != before);
        const QString expected = QStringLiteral("Sentinel mymaster \u00b7 127.0.0.1:%1")
                                     .arg(m_fixture.node(after).port());
        QTRY_COMPARE_WITH_TIMEOUT(client.description(), expected, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(client.state(), RedisClient::State::Connected, 30000);
        for (int i = 0; i < 50; ++i) {
            const RedisReply reply = runCommand(client, {"INCR", "sentinel:counter"},
                                                {std::chrono::milliseconds(20000)});
            QVERIFY2(reply.isInteger(), qPrintable(reply.toDebugString()));
        }
        QCOMPARE(m_fixture.node(after).command({"GET", "sentinel:counter"}).bytes(),
                 QByteArray("50"));
        QVERIFY(!states.contains(RedisClient::State::Disconnected));
    }

    // kill -9 of the master: the client waits (Reconnecting) while the sentinels agree and
    // promote the replica, then goes there; the old master's return as a replica changes
    // nothing for it.
    void followsAKilledMasterAndItsReturnAsAReplica()
    {
        RedisClient client(m_fixture.options());
        QList<RedisClient::State> states;
        connect(&client, &RedisClient::stateChanged, this,
                [&states](RedisClient::State s) { states << s; });
        QVERIFY(openAndWait(client));
        const int victim = m_fixture.masterIndex();
        QVERIFY(victim >= 0);
        const int survivor = 1 - victim;
        m_fixture.node(victim).kill();
        QTRY_VERIFY_WITH_TIMEOUT(client.state() != RedisClient::State::Connected, 15000);

        std::optional<RedisReply> written;
        client.command({"SET", "sentinel:after-kill", "1"},
                       [&written](const RedisReply &r) { written = r; },
                       {std::chrono::milliseconds(60000)});
        QVERIFY2(m_fixture.awaitMaster(survivor), qPrintable(m_fixture.errorString()));
        QTRY_VERIFY_WITH_TIMEOUT(written.has_value(), 60000);
        QVERIFY2(written->isOk(), qPrintable(written->toDebugString()));
        QCOMPARE(m_fixture.node(survivor).command({"GET", "sentinel:after-kill"}).bytes(),
                 QByteArray("1"));
        QVERIFY(!states.contains(RedisClient::State::Disconnected));

        QVERIFY2(m_fixture.restartAsReplica(victim), qPrintable(m_fixture.errorString()));
        QVERIFY(runCommand(client, {"SET", "sentinel:after-return", "1"}).isOk());
        QCOMPARE(client.description(),
                 QStringLiteral("Sentinel mymaster \u00b7 127.0.0.1:%1")
                     .arg(m_fixture.node(survivor).port()));
    }

private:
    RedisSentinelFixture m_fixture;
};

QTEST_GUILESS_MAIN(tst_RedisSentinel)
#include "tst_RedisSentinel.moc"
