#include "local/LocalRedisServer.h"
#include "local/SessionStarter.h"
#include "model/ChatSession.h"

#include "RedisServerFixture.h"
#include "ThreadedWorker.h"

#include <QFile>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Confab;
using namespace Confab::Test;

namespace {

// A loopback port nobody listens on (it was free a moment ago).
quint16 unusedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort();
}

ChatConfig configFor(quint16 port)
{
    ChatConfig config;
    config.redis.host = QStringLiteral("127.0.0.1");
    config.redis.port = port;
    config.redis.reconnectMinDelay = std::chrono::milliseconds(20);
    config.redis.reconnectMaxDelay = std::chrono::milliseconds(300);
    config.userName = QStringLiteral("dana");
    config.installSecret = "secret-of-dana";
    return config;
}

} // namespace

class tst_SessionStarter : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;

    QString dataDir() const { return m_dir->path() + QStringLiteral("/redis"); }

    static bool finishAndWait(SessionStarter &starter)
    {
        QSignalSpy finished(&starter, &SessionStarter::finished);
        starter.finish();
        return !finished.isEmpty() || finished.wait(30000);
    }

private Q_SLOTS:
    void init()
    {
        if (RedisServerFixture::redisServerPath().isEmpty())
            QSKIP("redis-server is not installed");
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void withNoServerConfiguredAndNoneRunningAPrivateOneIsUsed()
    {
        auto session = std::make_unique<ChatSession>(configFor(unusedPort()));
        SessionStarter starter(session.get(), dataDir());
        starter.privateServer()->setExecutable(RedisServerFixture::redisServerPath());
        QSignalSpy serverChanged(session.get(), &ChatSession::serverChanged);
        QSignalSpy isPrivate(&starter, &SessionStarter::privateServerStarted);
        starter.start(false);
        QTRY_COMPARE_WITH_TIMEOUT(session->connectionState(), RedisConnection::State::Connected,
                                  30000);
        QVERIFY(session->isReady() || QTest::qWaitFor([&] { return session->isReady(); }, 30000));
        QVERIFY(starter.usesPrivateServer());
        QCOMPARE(session->redisOptions().transport, RedisOptions::Transport::UnixSocket);
        QCOMPARE(session->redisOptions().unixSocketPath, starter.privateServer()->socketPath());
        // The status bar says where we are.
        QCOMPARE(serverChanged.size(), 1);
        QVERIFY2(session->serverLabel().startsWith(QLatin1String("the private server (")),
                 qPrintable(session->serverLabel()));
        // And the window is told, to say that teammates cannot reach it.
        QCOMPARE(isPrivate.size(), 1);
        QVERIFY(!isPrivate.first().first().toString().isEmpty());

        // Quitting: the session's connections go, then the server, since nobody else uses it.
        const QString socket = starter.privateServer()->socketPath();
        session.reset();
        QVERIFY(finishAndWait(starter));
        QVERIFY(!QFile::exists(socket));
    }

    void aServerAnsweringAtTheDefaultAddressIsUsedAsItIs()
    {
        RedisServerFixture server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        ChatSession session(configFor(server.port()));
        SessionStarter starter(&session, dataDir());
        starter.start(false);
        QTRY_COMPARE_WITH_TIMEOUT(session.connectionState(), RedisConnection::State::Connected,
                                  30000);
        QVERIFY(!starter.usesPrivateServer());
        QCOMPARE(session.redisOptions().port, server.port());
        QVERIFY(!QFile::exists(starter.privateServer()->socketPath()));
        QVERIFY(finishAndWait(starter));
    }

    void aChosenServerIsNeverReplaced()
    {
        // The user asked for this address: when nothing is there, say so and keep trying it.
        const quint16 port = unusedPort();
        ChatSession session(configFor(port));
        SessionStarter starter(&session, dataDir());
        QSignalSpy started(&starter, &SessionStarter::started);
        starter.start(true);
        QVERIFY(!started.isEmpty() || started.wait(10000));
        QTRY_COMPARE_WITH_TIMEOUT(session.connectionState(), RedisConnection::State::Reconnecting,
                                  30000);
        QVERIFY(!starter.usesPrivateServer());
        QCOMPARE(session.redisOptions().port, port);
        QVERIFY(!QFile::exists(starter.privateServer()->socketPath()));
        QVERIFY(finishAndWait(starter));
    }

    void whenThePrivateServerCannotStartTheUserIsTold()
    {
        ChatSession session(configFor(unusedPort()));
        SessionStarter starter(&session, dataDir());
        starter.privateServer()->setExecutable(QString());
        QSignalSpy notice(&starter, &SessionStarter::notice);
        starter.start(false);
        QVERIFY(notice.wait(30000));
        QVERIFY(notice.first().first().toString().contains(
            QLatin1String("redis-server is not installed")));
        QVERIFY(!starter.usesPrivateServer());
        // Still trying the default address, in case a server turns up there.
        QTRY_COMPARE_WITH_TIMEOUT(session.connectionState(), RedisConnection::State::Reconnecting,
                                  30000);
        QVERIFY(finishAndWait(starter));
    }
};

QTEST_GUILESS_MAIN(tst_SessionStarter)
#include "tst_SessionStarter.moc"
