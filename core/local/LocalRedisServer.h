#pragma once

#include "redis/RedisOptions.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>
#include <memory>

class QLockFile;

namespace Confab {

class RedisConnection;

// The private redis-server that a Confab with no server configured starts for itself: bound to
// a unix socket only (no TCP port, so nobody else on the network sees it), data in its own
// directory with AOF on. Every Confab of the same user shares it; the last one to release it
// shuts it down.
//
// Who uses the server is not bookkept in files a crash would leave wrong: each user keeps one
// idle "presence" connection open, named after its process, and the kernel closes it when that
// process dies. Starting and shutting down are serialised between processes by a lock file in
// the data directory, which QLockFile treats as stale once its owner is gone.
//
// Everything is asynchronous: nothing here blocks the thread it lives in.
class LocalRedisServer : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, Starting, Ready, Releasing, Failed };
    Q_ENUM(State)

    explicit LocalRedisServer(const QString &dataDirectory, QObject *parent = nullptr);
    ~LocalRedisServer() override;

    // redis-server on PATH, or in the places package managers put it outside PATH.
    static QString findExecutable();
    // Defaults to findExecutable(); empty means "not installed".
    void setExecutable(const QString &path) { m_executable = path; }
    QString executable() const { return m_executable; }

    QString dataDirectory() const { return m_dataDirectory; }
    QString socketPath() const { return m_socketPath; }
    // How to reach the server: the unix socket, database 0.
    RedisOptions options() const;
    State state() const { return m_state; }
    // True when this process spawned the server, false when it joined one already running.
    bool startedHere() const { return m_startedHere; }

    // Joins the running server or starts one; ends in ready() or failed().
    void start();
    // Stops using the server, and shuts it down if no other Confab uses it; ends in released().
    void release();

    // Gives up on a server that does not come up within this time.
    static constexpr int StartTimeoutMs = 15000;

Q_SIGNALS:
    void ready(const Confab::RedisOptions &options);
    void failed(const QString &error);
    // shutDown: this was the last user and the server has stopped.
    void released(bool shutDown);

private:
    void withLock(void (LocalRedisServer::*action)());
    void joinOrSpawn();
    void spawn();
    void onPresenceState();
    void countOthersAndFinish();
    void shutDown();
    void waitForExit();
    void retrySoon(std::function<void()> step);
    void finishRelease(bool shutDown);
    void fail(const QString &error);
    // Drops the presence connection and the lock; the state becomes `next`.
    void stopUsing(State next);
    void unlock();
    QString logTail() const;

    QString m_dataDirectory;
    QString m_socketPath;
    QString m_executable;
    QString m_presenceName;
    State m_state = State::Idle;
    bool m_startedHere = false;
    qint64 m_serverPid = 0;
    std::unique_ptr<QLockFile> m_lock;
    QTimer m_retryTimer;
    QElapsedTimer m_deadline;
    RedisConnection *m_presence = nullptr;
};

} // namespace Confab
