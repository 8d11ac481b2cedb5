#include "redis/RedisConnection.h"

#include "RedisServerFixture.h"
#include "RunCommand.h"

#include <QFile>
#include <QProcess>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Confab;
using namespace Confab::Test;

// The installed program as a double-click starts it: a fresh home, no server configured.
class tst_ConfabApp : public QObject
{
    Q_OBJECT

    QTemporaryDir m_home;

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *name :
             {"REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_DB", "REDIS_PASSWORD"})
            env.remove(QString::fromLatin1(name));
        env.insert(QStringLiteral("HOME"), m_home.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.path() + QStringLiteral("/config"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.path() + QStringLiteral("/data"));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_home.path() + QStringLiteral("/runtime"));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        return env;
    }

    QString socketPath() const
    {
        return m_home.path() + QStringLiteral("/data/Confab/Confab/redis/redis.sock");
    }

    RedisOptions privateServer() const
    {
        RedisOptions options;
        options.transport = RedisOptions::Transport::UnixSocket;
        options.unixSocketPath = socketPath();
        return options;
    }

    static bool defaultAddressAnswers()
    {
        QTcpSocket probe;
        probe.connectToHost(QStringLiteral("127.0.0.1"), 6379);
        [[maybe_unused]] const bool settled = QTest::qWaitFor(
            [&] {
                return probe.state() == QAbstractSocket::ConnectedState
                    || probe.state() == QAbstractSocket::UnconnectedState;
            },
            3000);
        return probe.state() == QAbstractSocket::ConnectedState;
    }

    static bool clientListHas(RedisConnection &connection, const QByteArray &name)
    {
        return runCommand(connection, {"CLIENT", "LIST"})
            .bytes()
            .contains(QByteArray("name=" + name + ' '));
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (RedisServerFixture::redisServerPath().isEmpty())
            QSKIP("redis-server is not installed");
        if (defaultAddressAnswers())
            QSKIP("a Redis answers on localhost:6379, so a double-click would use it");
        QVERIFY(m_home.isValid());
        QVERIFY(QDir().mkpath(m_home.path() + QStringLiteral("/runtime")));
        QFile::setPermissions(m_home.path() + QStringLiteral("/runtime"),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                  | QFileDevice::ExeOwner);
    }

    void versionIsPrinted()
    {
        QProcess confab;
        confab.setProcessEnvironment(environment());
        confab.start(QStringLiteral(CONFAB_BINARY), {QStringLiteral("--version")});
        QVERIFY(confab.waitForFinished(30000));
        QCOMPARE(confab.exitCode(), 0);
        QVERIFY(confab.readAllStandardOutput().contains("Confab"));
    }

    // Once the window is up, a password given in --url is gone from what ps shows.
    void aPasswordInTheUrlStaysOutOfPs()
    {
        QProcess confab;
        confab.setProcessEnvironment(environment());
        // Nothing listens on port 1: the window waits for a server that never answers.
        confab.start(QStringLiteral(CONFAB_BINARY),
                     {QStringLiteral("--user"), QStringLiteral("ps"), QStringLiteral("--url"),
                      QStringLiteral("redis://bob:s3cret-pw@127.0.0.1:1/?password=other-pw")});
        QVERIFY(confab.waitForStarted());
        const QString cmdline = QStringLiteral("/proc/%1/cmdline").arg(confab.processId());
        const auto shown = [&cmdline] {
            QFile file(cmdline);
            return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        };
        QTRY_VERIFY_WITH_TIMEOUT(shown().contains("redis://bob:*********@127.0.0.1:1/"), 30000);
        QVERIFY2(!shown().contains("s3cret") && !shown().contains("other-pw"), shown().constData());
        confab.terminate();
        QVERIFY(confab.waitForFinished(30000));
    }

    void doubleClickConnectsToAPrivateServerAndQuitStopsIt()
    {
        QProcess first;
        first.setProcessEnvironment(environment());
        first.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        first.start(QStringLiteral(CONFAB_BINARY),
                    {QStringLiteral("--user"), QStringLiteral("dbl")});
        QVERIFY(first.waitForStarted());

        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(socketPath()), 30000);
        RedisConnection connection(privateServer());
        QVERIFY(openAndWait(connection));
        // The app's own connections, logged in as dbl.
        QTRY_VERIFY_WITH_TIMEOUT(clientListHas(connection, "confab:dbl"), 30000);
        QCOMPARE(runCommand(connection, {"CONFIG", "GET", "appendonly"}).at(1).bytes(),
                 QByteArray("yes"));

        // A second double-click, asking for a channel, is handed to the running window.
        QProcess second;
        second.setProcessEnvironment(environment());
        second.start(QStringLiteral(CONFAB_BINARY),
                     {QStringLiteral("--user"), QStringLiteral("dbl"), QStringLiteral("--channel"),
                      QStringLiteral("handover")});
        QVERIFY(second.waitForFinished(30000));
        QCOMPARE(second.exitCode(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(
            runCommand(connection, {"SISMEMBER", "channel:{handover}:members", "dbl"}).toInteger(),
            qint64(1), 30000);
        // Only one Confab is connected: the second did not start a copy of its own.
        const QByteArray clients = runCommand(connection, {"CLIENT", "LIST"}).bytes();
        QCOMPARE(clients.count("name=confab:dbl "), 1);
        connection.close();

        // SIGTERM (a logout) quits cleanly, and the last Confab out shuts the server down.
        ::kill(pid_t(first.processId()), SIGTERM);
        QVERIFY(first.waitForFinished(30000));
        QCOMPARE(first.exitStatus(), QProcess::NormalExit);
        QCOMPARE(first.exitCode(), 0);
        QVERIFY(!QFile::exists(socketPath()));
    }
};

QTEST_GUILESS_MAIN(tst_ConfabApp)
#include "tst_ConfabApp.moc"
