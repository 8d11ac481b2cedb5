#include "LocalRedisServer.h"

#include "redis/RedisConnection.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QProcess>
#include <QStandardPaths>
#include <QtGlobal>

#include <atomic>
#include <cerrno>

#ifdef Q_OS_UNIX
#include <csignal>
#include <sys/types.h>
#endif

namespace Confab {

namespace {

constexpr int RetryMs = 25;
constexpr int LockWaitMs = 10000;
constexpr int ShutdownWaitMs = 10000;
// sun_path is 108 bytes on Linux and 104 on macOS; stay clear of both.
constexpr int MaxSocketPathBytes = 100;
const QByteArray PresencePrefix = "confab-presence:";

bool processExists(qint64 pid)
{
#ifdef Q_OS_UNIX
    return pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno == EPERM);
#else
    Q_UNUSED(pid);
    return true;
#endif
}

QString socketPathFor(const QString &dataDirectory)
{
    const QString inData = dataDirectory + QStringLiteral("/redis.sock");
    if (QFile::encodeName(inData).size() <= MaxSocketPathBytes)
        return inData;
    // A deep home directory: use the per-user runtime directory, named after the data
    // directory so that two profiles do not share a socket.
    QString runtime = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (runtime.isEmpty())
        runtime = QDir::tempPath();
    const QByteArray hash = QByteArray::number(qHash(QDir::cleanPath(dataDirectory)), 16);
    return runtime + QStringLiteral("/confab-redis-") + QString::fromLatin1(hash)
        + QStringLiteral(".sock");
}

} // namespace

LocalRedisServer::LocalRedisServer(const QString &dataDirectory, QObject *parent)
    : QObject(parent)
    , m_dataDirectory(QDir::cleanPath(dataDirectory))
    , m_socketPath(socketPathFor(m_dataDirectory))
    , m_executable(findExecutable())
{
    // Unique per object, not only per process, so that two users in one process count apart.
    static std::atomic<int> instances{0};
    m_presenceName = QString::fromLatin1(PresencePrefix)
        + QString::number(QCoreApplication::applicationPid()) + u'.' + QString::number(++instances);
    m_retryTimer.setSingleShot(true);
}

LocalRedisServer::~LocalRedisServer()
{
    // A process that goes without release() (a crash, or quitting in a hurry) leaves the server
    // running for the others; its presence connection closes with it.
    delete m_presence;
    unlock();
}

QString LocalRedisServer::findExecutable()
{
    QString path = QStandardPaths::findExecutable(QStringLiteral("redis-server"));
    if (path.isEmpty()) {
        path = QStandardPaths::findExecutable(
            QStringLiteral("redis-server"),
            {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/local/bin"),
             QStringLiteral("/opt/homebrew/bin"), QStringLiteral("/opt/local/bin")});
    }
    return path;
}

RedisOptions LocalRedisServer::options() const
{
    RedisOptions options;
    options.transport = RedisOptions::Transport::UnixSocket;
    options.unixSocketPath = m_socketPath;
    options.host.clear();
    options.port = 0;
    return options;
}

void LocalRedisServer::start()
{
    if (m_state == State::Starting || m_state == State::Ready)
        return;
    m_state = State::Starting;
    m_startedHere = false;
    m_serverPid = 0;
    if (!QDir().mkpath(m_dataDirectory)) {
        fail(tr("Cannot create %1 for the private Redis server.")
                 .arg(QDir::toNativeSeparators(m_dataDirectory)));
        return;
    }
    // The data and the socket are this user's alone.
    QFile::setPermissions(m_dataDirectory,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    m_deadline.start();
    // Later, so that a result known at once still reaches signals connected after this call.
    QTimer::singleShot(0, this, [this] { withLock(&LocalRedisServer::joinOrSpawn); });
}

void LocalRedisServer::release()
{
    if (m_state != State::Ready) {
        stopUsing(State::Idle);
        QMetaObject::invokeMethod(
            this, [this] { Q_EMIT released(false); }, Qt::QueuedConnection);
        return;
    }
    m_state = State::Releasing;
    m_deadline.start();
    withLock(&LocalRedisServer::countOthersAndFinish);
}

// Takes the lock without blocking: a Confab starting or stopping the server holds it for a
// moment; we try again shortly rather than wait on the file.
void LocalRedisServer::withLock(void (LocalRedisServer::*action)())
{
    if (!m_lock) {
        m_lock = std::make_unique<QLockFile>(m_dataDirectory + QStringLiteral("/server.lock"));
        m_lock->setStaleLockTime(0);
    }
    if (m_lock->tryLock(0)) {
        (this->*action)();
        return;
    }
    if (m_lock->error() != QLockFile::LockFailedError || m_deadline.elapsed() > LockWaitMs) {
        const QString why = m_lock->error() == QLockFile::LockFailedError
            ? tr("another Confab holds it")
            : tr("the file cannot be written");
        if (m_state == State::Releasing)
            finishRelease(false);
        else
            fail(tr("Cannot lock %1: %2.").arg(QDir::toNativeSeparators(m_lock->fileName()), why));
        return;
    }
    retrySoon([this, action] { withLock(action); });
}

void LocalRedisServer::unlock()
{
    if (m_lock && m_lock->isLocked())
        m_lock->unlock();
}

void LocalRedisServer::joinOrSpawn()
{
    RedisOptions presence = options();
    presence.clientName = m_presenceName;
    presence.autoReconnect = false;
    presence.connectTimeout = std::chrono::milliseconds(2000);
    delete m_presence;
    m_presence = new RedisConnection(presence, this);
    connect(m_presence, &RedisConnection::stateChanged, this, &LocalRedisServer::onPresenceState);
    m_presence->open();
}

void LocalRedisServer::onPresenceState()
{
    const RedisConnection::State state = m_presence->state();
    if (state == RedisConnection::State::Connected) {
        if (m_state == State::Starting) {
            unlock();
            m_state = State::Ready;
            Q_EMIT ready(options());
        }
        return;
    }
    if (state != RedisConnection::State::Disconnected)
        return;

    switch (m_state) {
    case State::Starting:
        if (m_serverPid == 0) {
            spawn();
        } else if (!processExists(m_serverPid)) {
            fail(tr("The private Redis server stopped: %1").arg(logTail()));
        } else if (m_deadline.elapsed() > StartTimeoutMs) {
            fail(tr("The private Redis server did not start within %1 s: %2")
                     .arg(StartTimeoutMs / 1000)
                     .arg(logTail()));
        } else {
            retrySoon([this] { m_presence->open(); });
        }
        break;
    case State::Ready:
        // The server went away under us (killed, or shut down by hand): bring it back, so the
        // chat connections, which retry by themselves, find it again.
        m_state = State::Idle;
        start();
        break;
    case State::Releasing:
    case State::Idle:
    case State::Failed:
        break;
    }
}

void LocalRedisServer::spawn()
{
    if (m_executable.isEmpty()) {
        fail(tr("No Redis server is configured and redis-server is not installed. Install "
                "redis-server, "
                "or choose a server in Connection settings."));
        return;
    }
    // We hold the lock and nothing answered on the socket: whatever is left there is stale.
    QFile::remove(m_socketPath);
    const QString log = m_dataDirectory + QStringLiteral("/redis.log");
    QFile::remove(log);
    QProcess process;
    process.setProgram(m_executable);
    process.setArguments({
        QStringLiteral("--port"),
        QStringLiteral("0"),
        QStringLiteral("--unixsocket"),
        m_socketPath,
        QStringLiteral("--unixsocketperm"),
        QStringLiteral("700"),
        QStringLiteral("--dir"),
        m_dataDirectory,
        QStringLiteral("--appendonly"),
        QStringLiteral("yes"),
        QStringLiteral("--daemonize"),
        QStringLiteral("no"),
        QStringLiteral("--logfile"),
        log,
    });
    process.setWorkingDirectory(m_dataDirectory);
    process.setStandardInputFile(QProcess::nullDevice());
    process.setStandardOutputFile(QProcess::nullDevice());
    process.setStandardErrorFile(QProcess::nullDevice());
    // Detached: the server outlives this process while other Confabs still use it.
    qint64 pid = 0;
    if (!process.startDetached(&pid)) {
        fail(tr("Cannot start %1: %2")
                 .arg(QDir::toNativeSeparators(m_executable), process.errorString()));
        return;
    }
    m_serverPid = pid;
    m_startedHere = true;
    retrySoon([this] { m_presence->open(); });
}

void LocalRedisServer::countOthersAndFinish()
{
    const RedisConnection::CommandOptions quick{std::chrono::milliseconds(5000),
                                                RedisConnection::QueuePolicy::FailFast};
    const QByteArray own = m_presenceName.toUtf8();
    m_presence->command(
        {"INFO", "server"},
        [this](const RedisReply &reply) {
            for (const QByteArray &line : reply.bytes().split('\n')) {
                if (line.startsWith("process_id:"))
                    m_serverPid = line.mid(int(qstrlen("process_id:"))).trimmed().toLongLong();
            }
        },
        quick);
    m_presence->command(
        {"CLIENT", "LIST"},
        [this, own](const RedisReply &reply) {
            if (reply.isError()) {
                finishRelease(false);
                return;
            }
            int others = 0;
            for (const QByteArray &line : reply.bytes().split('\n')) {
                for (const QByteArray &field : line.split(' ')) {
                    if (field.startsWith(QByteArray(QByteArray("name=") + PresencePrefix))
                        && field.mid(5) != own)
                        ++others;
                }
            }
            if (others > 0)
                finishRelease(false);
            else
                shutDown();
        },
        quick);
}

void LocalRedisServer::shutDown()
{
    disconnect(m_presence, nullptr, this, nullptr);
    m_presence->command({"SHUTDOWN"}, [this](const RedisReply &reply) {
        // Success has no reply: the server closes the connection as it exits.
        if (reply.errorCode() != RedisReply::ConnectionLost) {
            qWarning("confab: the private Redis server refused to shut down: %s",
                     reply.bytes().constData());
            finishRelease(false);
            return;
        }
        // Hold the lock until the process is gone, so that a Confab starting now does not find
        // a server on its way out.
        waitForExit();
    });
}

void LocalRedisServer::waitForExit()
{
    if (!processExists(m_serverPid) || m_deadline.elapsed() > ShutdownWaitMs)
        finishRelease(true);
    else
        retrySoon([this] { waitForExit(); });
}

// One pending retry at a time: a new one replaces it. Everything that retries ends in
// stopUsing(), which cancels it.
void LocalRedisServer::retrySoon(std::function<void()> step)
{
    disconnect(&m_retryTimer, &QTimer::timeout, nullptr, nullptr);
    connect(&m_retryTimer, &QTimer::timeout, this, std::move(step));
    m_retryTimer.start(RetryMs);
}

void LocalRedisServer::finishRelease(bool shutDown)
{
    stopUsing(State::Idle);
    Q_EMIT released(shutDown);
}

void LocalRedisServer::fail(const QString &error)
{
    stopUsing(State::Failed);
    Q_EMIT failed(error);
}

void LocalRedisServer::stopUsing(State next)
{
    m_retryTimer.stop();
    disconnect(&m_retryTimer, &QTimer::timeout, nullptr, nullptr);
    if (m_presence) {
        // Later: this may run inside one of its own signals.
        m_presence->disconnect(this);
        m_presence->deleteLater();
        m_presence = nullptr;
    }
    unlock();
    m_state = next;
}

QString LocalRedisServer::logTail() const
{
    QFile log(m_dataDirectory + QStringLiteral("/redis.log"));
    if (!log.open(QIODevice::ReadOnly))
        return tr("no log was written");
    // The last non-empty line is redis-server's reason, e.g. "# Can't open the append-only file".
    const QList<QByteArray> lines = log.readAll().trimmed().split('\n');
    return lines.isEmpty() ? tr("the log is empty") : QString::fromUtf8(lines.last().trimmed());
}

} // namespace Confab
