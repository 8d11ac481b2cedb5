#include "RedisServerFixture.h"
#include "RunCommand.h"
#include "ThreadedWorker.h"

#include "redis/RedisConnection.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Confab;
using namespace Confab::Test;

// Acknowledged means durable: on a master with a replica, a durable command is answered only
// once WAIT has seen the replica take it (RedisOptions::ackReplicas), else NOTDURABLE, and
// the chat outbox keeps such a message until it is.
class tst_RedisDurability : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (RedisServerFixture::redisServerPath().isEmpty())
            QSKIP("redis-server is not installed");
        QVERIFY2(m_master.start(), qPrintable(m_master.errorString()));
        RedisServerFixture::Config config;
        config.extraConfig << QStringLiteral("replicaof 127.0.0.1 %1").arg(m_master.port());
        m_replica = std::make_unique<RedisServerFixture>(config);
        QVERIFY2(m_replica->start(), qPrintable(m_replica->errorString()));
        QTRY_VERIFY_WITH_TIMEOUT(
            m_replica->command({"INFO", "replication"}).bytes().contains("master_link_status:up"),
            30000);
    }

    void init()
    {
        if (m_replica)
            m_replica->resume();
    }

    // 500 pipelined durable writes: all acknowledged, for the price of one WAIT or two.
    void durableWritesShareOneWait()
    {
        RedisConnection connection(m_master.options());
        QVERIFY(openAndWait(connection));
        QCOMPARE(connection.ackReplicas(), 1);
        const qint64 waitsBefore = waits(m_master);
        int ok = 0;
        int answered = 0;
        for (int i = 0; i < 500; ++i) {
            connection.command({"SET", "durable:" + QByteArray::number(i), "v"},
                               [&ok, &answered](const RedisReply &reply) {
                                   ok += reply.isOk();
                                   ++answered;
                               },
                               {std::chrono::milliseconds(0),
                                RedisConnection::QueuePolicy::WaitForConnection, true});
        }
        QTRY_COMPARE_WITH_TIMEOUT(answered, 500, 30000);
        QCOMPARE(ok, 500);
        const qint64 used = waits(m_master) - waitsBefore;
        QVERIFY2(used >= 1 && used <= 3, qPrintable(QString::number(used)));
        QCOMPARE(m_replica->command({"GET", "durable:499"}).bytes(), QByteArray("v"));
    }

    // A replica that does not confirm in time: the write happened on the master, but it is not
    // reported as done; once the replica is back, the next one is.
    void aSilentReplicaMeansNotDurable()
    {
        RedisOptions options = m_master.options();
        options.ackTimeout = std::chrono::milliseconds(300);
        RedisConnection connection(options);
        QVERIFY(openAndWait(connection));
        m_replica->pause();
        const RedisConnection::CommandOptions durable{
            std::chrono::milliseconds(0), RedisConnection::QueuePolicy::WaitForConnection, true};
        const RedisReply refused = runCommand(connection, {"SET", "silent", "1"}, durable);
        QCOMPARE(refused.errorCode(), QByteArray(RedisReply::NotDurable));
        QVERIFY2(refused.toString().contains(QLatin1String("acknowledged by 0 of 1 replicas")),
                 qPrintable(refused.toString()));
        QVERIFY(refused.isClientError());
        QCOMPARE(m_master.command({"GET", "silent"}).bytes(), QByteArray("1"));
        // An error is not held back: nothing was written that a replica could confirm.
        QCOMPARE(runCommand(connection, {"HGET", "silent", "x"}, durable).errorCode(),
                 QByteArray("WRONGTYPE"));
        m_replica->resume();
        QVERIFY(runCommand(connection, {"SET", "silent", "2"}, durable).isOk());
    }

    void noReplicaOrZeroMeansNoWait()
    {
        RedisServerFixture alone;
        QVERIFY2(alone.start(), qPrintable(alone.errorString()));
        RedisConnection single(alone.options());
        QVERIFY(openAndWait(single));
        QCOMPARE(single.ackReplicas(), 0);
        const RedisConnection::CommandOptions durable{
            std::chrono::milliseconds(0), RedisConnection::QueuePolicy::WaitForConnection, true};
        QVERIFY(runCommand(single, {"SET", "a", "1"}, durable).isOk());
        QCOMPARE(waits(alone), 0);

        RedisOptions off = m_master.options();
        off.ackReplicas = 0;
        RedisConnection connection(off);
        QVERIFY(openAndWait(connection));
        QCOMPARE(connection.ackReplicas(), 0);
        const qint64 before = waits(m_master);
        m_replica->pause();
        QVERIFY(runCommand(connection, {"SET", "off", "1"}, durable).isOk());
        QCOMPARE(waits(m_master), before);
    }

    // The chat layer: a message the replica has not confirmed stays in the outbox (no
    // messageSent), and goes out again, once, when the replica is back.
    void aMessageIsSentOnlyOnceItIsDurable()
    {
        ChatConfig config = ThreadedWorker::configFor(
            m_master, QStringLiteral("alice"), m_dir.filePath(QStringLiteral("outbox.json")));
        config.redis.ackTimeout = std::chrono::milliseconds(300);
        ThreadedWorker alice(config);
        QVERIFY(alice.waitForReady());
        alice.run([w = alice.worker()] { w->joinChannel(QStringLiteral("durable")); });
        QVERIFY(alice.waitForJoined(QStringLiteral("durable")));
        QTRY_COMPARE_WITH_TIMEOUT(alice.outboxCount(), 0, 20000);

        m_replica->pause();
        alice.run([w = alice.worker()] {
            w->sendMessage(QStringLiteral("durable"), QStringLiteral("wait for the replica"));
        });
        QTRY_COMPARE_WITH_TIMEOUT(alice.outboxCount(), 1, 20000);
        // Written on the master, retried meanwhile, never reported sent.
        QTRY_COMPARE_WITH_TIMEOUT(m_master.command({"XLEN", "channel:{durable}:log"}).toInteger(),
                                  2, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(postCalls() >= 3, 20000);
        QCOMPARE(alice.sentCount(), 0);
        QCOMPARE(alice.outboxCount(), 1);

        m_replica->resume();
        QTRY_COMPARE_WITH_TIMEOUT(alice.sentCount(), 1, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(alice.outboxCount(), 0, 20000);
        QCOMPARE(m_master.command({"XLEN", "channel:{durable}:log"}).toInteger(), 2);
        QCOMPARE(m_replica->command({"XLEN", "channel:{durable}:log"}).toInteger(), 2);
        QVERIFY(alice.sendErrors().isEmpty());
    }

private:
    static qint64 waits(const RedisServerFixture &server)
    {
        const QByteArray stats = server.command({"INFO", "commandstats"}).bytes();
        const qsizetype at = stats.indexOf("cmdstat_wait:calls=");
        if (at < 0)
            return 0;
        return stats.mid(at + 19, stats.indexOf(',', at) - at - 19).toLongLong();
    }
    qint64 postCalls() const
    {
        const QByteArray stats = m_master.command({"INFO", "commandstats"}).bytes();
        const qsizetype at = stats.indexOf("cmdstat_evalsha:calls=");
        if (at < 0)
            return 0;
        return stats.mid(at + 22, stats.indexOf(',', at) - at - 22).toLongLong();
    }

    RedisServerFixture m_master;
    std::unique_ptr<RedisServerFixture> m_replica;
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(tst_RedisDurability)
#include "tst_RedisDurability.moc"
