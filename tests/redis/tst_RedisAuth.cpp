#include "RedisServerFixture.h"
#include "RunCommand.h"

#include "redis/RedisConnection.h"

#include <QSignalSpy>
#include <QTest>

using namespace Confab;
using namespace Confab::Test;

class tst_RedisAuth : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        RedisServerFixture::Config config;
        config.password = QStringLiteral("default-secret");
        config.aclUsers = {
            QStringLiteral("alice on >alice-secret ~* &* +@all"),
            // May read chat keys and ping, nothing else; may only use the "allowed" channel.
            QStringLiteral(
                "reader on >reader-secret ~chat:* resetchannels &allowed +ping +get +subscribe"),
        };
        m_server = std::make_unique<RedisServerFixture>(config);
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    }

    void requirepassLogsIn()
    {
        RedisConnection c(m_server->options());
        QVERIFY(openAndWait(c));
        QCOMPARE(runCommand(c, {"ACL", "WHOAMI"}).bytes(), QByteArray("default"));
    }

    void aclUserLogsIn()
    {
        const auto options = RedisOptions::fromUrl(
            QStringLiteral("redis://alice:alice-secret@127.0.0.1:%1").arg(m_server->port()));
        QVERIFY(options);
        RedisConnection c(*options);
        QVERIFY(openAndWait(c));
        QCOMPARE(runCommand(c, {"ACL", "WHOAMI"}).bytes(), QByteArray("alice"));
    }

    void wrongPasswordIsAClearErrorAndStopsRetrying()
    {
        RedisOptions options = m_server->options();
        options.password = QStringLiteral("wrong");
        RedisConnection c(options);
        QSignalSpy errors(&c, &RedisConnection::errorOccurred);
        QSignalSpy retries(&c, &RedisConnection::reconnectScheduled);
        c.open();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), RedisConnection::State::Disconnected, 15000);
        QVERIFY2(c.lastError().contains(QStringLiteral("WRONGPASS")), qPrintable(c.lastError()));
        QCOMPARE(errors.size(), 1);
        QVERIFY(errors.first().first().toString().contains(QStringLiteral("AUTH failed")));
        // Guessing again cannot help; it must not hammer the server.
        QCOMPARE(retries.size(), 0);
    }

    void wrongAclUserPasswordIsAClearError()
    {
        RedisOptions options = m_server->options();
        options.username = QStringLiteral("alice");
        options.password = QStringLiteral("not-alices");
        RedisConnection c(options);
        c.open();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), RedisConnection::State::Disconnected, 15000);
        QVERIFY2(c.lastError().contains(QStringLiteral("WRONGPASS")), qPrintable(c.lastError()));
    }

    void missingPasswordIsAClearError()
    {
        RedisOptions options = m_server->options();
        options.password.clear();
        RedisConnection c(options);
        c.open();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), RedisConnection::State::Disconnected, 15000);
        QVERIFY2(c.lastError().contains(QStringLiteral("NOAUTH")), qPrintable(c.lastError()));
    }

    void queuedCommandsFailWithTheLoginError()
    {
        RedisOptions options = m_server->options();
        options.password = QStringLiteral("wrong");
        RedisConnection c(options);
        c.open();
        const RedisReply r = runCommand(c, {"PING"});
        QCOMPARE(r.errorCode(), QByteArray(RedisReply::NotConnected));
        QVERIFY2(r.toString().contains(QStringLiteral("WRONGPASS")), qPrintable(r.toString()));
    }

    void missingCommandPermissionReachesTheCaller()
    {
        RedisOptions options = m_server->options();
        options.username = QStringLiteral("reader");
        options.password = QStringLiteral("reader-secret");
        RedisConnection c(options);
        QVERIFY(openAndWait(c));
        QVERIFY(runCommand(c, {"GET", "chat:x"}).isNil());
        const RedisReply denied = runCommand(c, {"SET", "chat:x", "1"});
        QCOMPARE(denied.errorCode(), QByteArray("NOPERM"));
        QVERIFY2(denied.toString().contains(QStringLiteral("set")), qPrintable(denied.toString()));
        const RedisReply wrongKey = runCommand(c, {"GET", "secret:x"});
        QCOMPARE(wrongKey.errorCode(), QByteArray("NOPERM"));
    }

    void refusedSubscriptionIsReportedAndNotRetried()
    {
        RedisOptions options = m_server->options();
        options.username = QStringLiteral("reader");
        options.password = QStringLiteral("reader-secret");
        RedisConnection c(options);
        QVERIFY(openAndWait(c));
        QSignalSpy errors(&c, &RedisConnection::errorOccurred);
        QSignalSpy subscribed(&c, &RedisConnection::subscribed);
        c.subscribe({"forbidden"});
        QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, 15000);
        QVERIFY2(errors.first().first().toString().contains(QStringLiteral("NOPERM")),
                 qPrintable(errors.first().first().toString()));
        c.subscribe({"allowed"});
        QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 1, 15000);
        QCOMPARE(subscribed.first().at(1).toByteArray(), QByteArray("allowed"));
        QVERIFY(!c.isSubscribed(RedisConnection::Kind::Channel, "forbidden"));
    }

private:
    std::unique_ptr<RedisServerFixture> m_server;
};

QTEST_GUILESS_MAIN(tst_RedisAuth)
#include "tst_RedisAuth.moc"
