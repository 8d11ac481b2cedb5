#include "local/LocalRedisServer.h"
#include "redis/RedisConnection.h"

#include "RedisServerFixture.h"
#include "RunCommand.h"

#include <QCoreApplication>
#include <QFile>
#include <QLockFile>
#include <QProcess>
#include <QSignalSpy>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>

using namespace Confab;
using namespace Confab::Test;

namespace {

bool processExists(qint64 pid)
{
    return pid > 0 && ::kill(pid_t(pid), 0) == 0;
}

} // namespace

class tst_LocalRedisServer : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QList<qint64> m_pids; // servers to kill if a test fails half-way

    QString dataDir() const { return m_dir->path() + QStringLiteral("/redis"); }

    std::unique_ptr<LocalRedisServer> makeServer()
    {
        auto server = std::make_unique<LocalRedisServer>(dataDir());
        server->setExecutable(RedisServerFixture::redisServerPath());
        return server;
    }

    static bool startAndWait(LocalRedisServer &server)
    {
        QSignalSpy ready(&server, &LocalRedisServer::ready);
        QSignalSpy failed(&server, &LocalRedisServer::failed);
        server.start();
        if (!QTest::qWaitFor([&] { return !ready.isEmpty() || !failed.isEmpty(); }, 30000))
            return false;
        if (!failed.isEmpty())
            qWarning() << "start failed:" << failed.first().first().toString();
        return !ready.isEmpty();
    }

    // released(shutDown), or nullopt if it did not come.
    static std::optional<bool> releaseAndWait(LocalRedisServer &server)
    {
        QSignalSpy released(&server, &LocalRedisServer::released);
        server.release();
        if (!released.wait(30000) && released.isEmpty())
            return std::nullopt;
        return released.first().first().toBool();
    }

    // INFO's connected_clients, our own connection included.
    static qint64 connectedClients(const RedisOptions &options)
    {
        RedisConnection connection(options);
        if (!openAndWait(connection))
            return -1;
        const RedisReply info = runCommand(connection, {"INFO", "clients"});
        for (const QByteArray &line : info.bytes().split('\n')) {
            if (line.startsWith("connected_clients:"))
                return line.mid(18).trimmed().toLongLong();
        }
        return -1;
    }

    // The pid of the server behind `options`, asked over a connection of our own.
    qint64 serverPid(const RedisOptions &options)
    {
        RedisConnection connection(options);
        if (!openAndWait(connection))
            return 0;
        const RedisReply info = runCommand(connection, {"INFO", "server"});
        for (const QByteArray &line : info.bytes().split('\n')) {
            if (line.startsWith("process_id:")) {
                const qint64 pid = line.mid(11).trimmed().toLongLong();
                m_pids << pid;
                return pid;
            }
        }
        return 0;
    }

    static bool answers(const RedisOptions &options)
    {
        RedisOptions once = options;
        once.autoReconnect = false;
        RedisConnection connection(once);
        connection.open();
        [[maybe_unused]] const bool settled = QTest::qWaitFor(
            [&] {
                return connection.state() == RedisConnection::State::Connected
                    || connection.state() == RedisConnection::State::Disconnected;
            },
            10000);
        return connection.state() == RedisConnection::State::Connected;
    }

private Q_SLOTS:
    void init()
    {
        if (RedisServerFixture::redisServerPath().isEmpty())
            QSKIP("redis-server is not installed");
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_pids.clear();
    }

    void cleanup()
    {
        for (qint64 pid : std::as_const(m_pids)) {
            if (processExists(pid))
                ::kill(pid_t(pid), SIGKILL);
        }
    }

    void startsAPrivateServerOnAUnixSocketWithAof()
    {
        auto server = makeServer();
        QVERIFY(startAndWait(*server));
        QVERIFY(server->startedHere());
        QCOMPARE(server->state(), LocalRedisServer::State::Ready);
        QVERIFY(QFile::exists(server->socketPath()));

        RedisConnection connection(server->options());
        QVERIFY(openAndWait(connection));
        QCOMPARE(runCommand(connection, {"CONFIG", "GET", "appendonly"}).at(1).bytes(),
                 QByteArray("yes"));
        // No TCP port: nothing outside this user's processes can reach it.
        QCOMPARE(runCommand(connection, {"CONFIG", "GET", "port"}).at(1).bytes(), QByteArray("0"));
        QCOMPARE(runCommand(connection, {"CONFIG", "GET", "dir"}).at(1).toString(),
                 server->dataDirectory());
        const qint64 pid = serverPid(server->options());
        QVERIFY(processExists(pid));
        connection.close();

        QCOMPARE(releaseAndWait(*server), std::optional<bool>(true));
        QVERIFY(!processExists(pid));
        QVERIFY(!QFile::exists(server->socketPath()));
    }

    void aSecondUserReusesItAndTheLastOneShutsItDown()
    {
        auto first = makeServer();
        auto second = makeServer();
        QVERIFY(startAndWait(*first));
        QVERIFY(startAndWait(*second));
        QVERIFY(first->startedHere());
        QVERIFY(!second->startedHere());
        const qint64 pid = serverPid(first->options());
        QCOMPARE(serverPid(second->options()), pid);

        // The one that started it leaves first: the server stays for the other.
        QCOMPARE(releaseAndWait(*first), std::optional<bool>(false));
        QVERIFY(processExists(pid));
        QVERIFY(answers(second->options()));

        QCOMPARE(releaseAndWait(*second), std::optional<bool>(true));
        QVERIFY(!processExists(pid));
        QVERIFY(!answers(second->options()));
    }

    void aUserThatCrashedDoesNotCount()
    {
        auto survivor = makeServer();
        QVERIFY(startAndWait(*survivor));
        const qint64 pid = serverPid(survivor->options());
        const qint64 clientsBefore = connectedClients(survivor->options());
        {
            // Gone without release(), as a crash would leave it: its presence connection closes.
            auto crashed = makeServer();
            QVERIFY(startAndWait(*crashed));
        }
        // Once the server has seen that connection close (a release racing with a closing
        // connection counts it, and leaves the server running: the safe side).
        QTRY_COMPARE_WITH_TIMEOUT(connectedClients(survivor->options()), clientsBefore, 20000);
        QCOMPARE(releaseAndWait(*survivor), std::optional<bool>(true));
        QVERIFY(!processExists(pid));
    }

    void aStaleLockFromACrashIsTakenOver()
    {
        // A lock file naming a process that no longer exists, as a crash while starting leaves.
        QProcess shortLived;
        shortLived.start(QStringLiteral("true"), QStringList());
        QVERIFY(shortLived.waitForStarted());
        const qint64 deadPid = shortLived.processId();
        QVERIFY(shortLived.waitForFinished());
        QVERIFY(QDir().mkpath(dataDir()));
        QFile lock(dataDir() + QStringLiteral("/server.lock"));
        QVERIFY(lock.open(QIODevice::WriteOnly));
        lock.write(QByteArray::number(deadPid) + '\n' + QCoreApplication::applicationName().toUtf8()
                   + '\n' + QSysInfo::machineHostName().toUtf8() + '\n');
        lock.close();

        auto server = makeServer();
        QVERIFY(startAndWait(*server));
        serverPid(server->options());
        QCOMPARE(releaseAndWait(*server), std::optional<bool>(true));
    }

    void aLockHeldByALiveProcessIsWaitedFor()
    {
        QVERIFY(QDir().mkpath(dataDir()));
        QLockFile held(dataDir() + QStringLiteral("/server.lock"));
        QVERIFY(held.tryLock(0));
        auto server = makeServer();
        QSignalSpy ready(server.get(), &LocalRedisServer::ready);
        server->start();
        // Still waiting for the lock after a while of event-loop passes...
        QVERIFY(!ready.wait(300));
        QCOMPARE(server->state(), LocalRedisServer::State::Starting);
        // ...and on once it is free.
        held.unlock();
        QVERIFY(ready.wait(30000));
        serverPid(server->options());
        QCOMPARE(releaseAndWait(*server), std::optional<bool>(true));
    }

    void aServerKilledWithItsSocketLeftIsReplacedAndKeepsItsData()
    {
        qint64 pid = 0;
        QString socket;
        {
            auto server = makeServer();
            QVERIFY(startAndWait(*server));
            socket = server->socketPath();
            RedisConnection connection(server->options());
            QVERIFY(openAndWait(connection));
            QVERIFY(runCommand(connection, {"SET", "kept", "across a crash"}).isOk());
            pid = serverPid(server->options());
            connection.close();
        } // this process "crashed": no release()
        ::kill(pid_t(pid), SIGKILL);
        QTRY_VERIFY_WITH_TIMEOUT(!processExists(pid), 10000);
        QVERIFY(QFile::exists(socket));

        auto next = makeServer();
        QVERIFY(startAndWait(*next));
        QVERIFY(next->startedHere());
        RedisConnection connection(next->options());
        QVERIFY(openAndWait(connection));
        QCOMPARE(runCommand(connection, {"GET", "kept"}).bytes(), QByteArray("across a crash"));
        serverPid(next->options());
        connection.close();
        QCOMPARE(releaseAndWait(*next), std::optional<bool>(true));
    }

    void aServerThatDiesWhileInUseIsBroughtBack()
    {
        auto server = makeServer();
        QVERIFY(startAndWait(*server));
        const qint64 pid = serverPid(server->options());
        QSignalSpy ready(server.get(), &LocalRedisServer::ready);
        ::kill(pid_t(pid), SIGKILL);
        QVERIFY(ready.wait(30000));
        const qint64 replacement = serverPid(server->options());
        QVERIFY(replacement != pid);
        QVERIFY(processExists(replacement));
        QCOMPARE(releaseAndWait(*server), std::optional<bool>(true));
    }

    void withoutRedisServerInstalledTheErrorSaysSo()
    {
        auto server = makeServer();
        server->setExecutable(QString());
        QSignalSpy failed(server.get(), &LocalRedisServer::failed);
        server->start();
        QVERIFY(failed.wait(30000));
        QVERIFY2(failed.first().first().toString().contains(
                     QLatin1String("redis-server is not installed")),
                 qPrintable(failed.first().first().toString()));
        QCOMPARE(server->state(), LocalRedisServer::State::Failed);
        QCOMPARE(releaseAndWait(*server), std::optional<bool>(false));
    }

    void aServerThatCannotStartReportsRedisServersReason()
    {
        // A data directory redis-server cannot use: an existing append-only directory that is a
        // file (Redis 7), or an append-only file that is a directory (before).
        QVERIFY(QDir().mkpath(dataDir()));
        if (RedisServerFixture::redisServerMajorVersion() >= 7) {
            QFile blocker(dataDir() + QStringLiteral("/appendonlydir"));
            QVERIFY(blocker.open(QIODevice::WriteOnly));
            blocker.write("not a directory");
            blocker.close();
        } else {
            QVERIFY(QDir().mkpath(dataDir() + QStringLiteral("/appendonly.aof")));
        }
        auto server = makeServer();
        QSignalSpy failed(server.get(), &LocalRedisServer::failed);
        server->start();
        QVERIFY(failed.wait(30000));
        const QString error = failed.first().first().toString();
        QVERIFY2(error.startsWith(QLatin1String("The private Redis server stopped: ")),
                 qPrintable(error));
        QVERIFY2(!error.contains(QLatin1String("no log")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(tst_LocalRedisServer)
#include "tst_LocalRedisServer.moc"
