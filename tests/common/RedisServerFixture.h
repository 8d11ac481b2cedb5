#pragma once

#include "redis/RedisOptions.h"
#include "redis/RedisReply.h"

#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace Confab::Test {

// A real redis-server for one test: its own free port and temporary directory, started and
// controlled from the test. It can be stopped, killed, restarted on the same port with the same
// data, paused (SIGSTOP) and resumed, and started with a password, ACL users, a unix socket or
// TLS (with a CA and certificates generated for the run). Waiting here is blocking on purpose:
// this is test scaffolding, not application code.
class RedisServerFixture
{
public:
    struct Config
    {
        QString password; // requirepass for the default user
        QStringList aclUsers; // "alice on >secret ~* &* +@all", one ACL rule set per user
        bool unixSocket = false;
        bool tls = false; // adds a TLS port next to the plain one
        bool tlsAuthClients = false; // require a client certificate on the TLS port
        bool appendOnly = false;
        QStringList extraConfig; // raw redis.conf lines
        // Runs `redis-server --sentinel`: only the basics and extraConfig (the sentinel
        // lines) go into its configuration, which the sentinel rewrites as it learns.
        bool sentinel = false;
    };

    RedisServerFixture();
    explicit RedisServerFixture(Config config);
    ~RedisServerFixture();
    RedisServerFixture(const RedisServerFixture &) = delete;
    RedisServerFixture &operator=(const RedisServerFixture &) = delete;

    // Starts the server and waits until it accepts connections; false (and why) if it cannot.
    bool start();
    QString errorString() const { return m_error; }
    // SIGTERM: a clean shutdown (the AOF is flushed).
    void stop();
    // SIGKILL: a crash.
    void kill();
    // Starts again on the same port, with the same directory and therefore the same data.
    bool restart() { return start(); }
    // SIGSTOP / SIGCONT: a server that stops answering while keeping its sockets open.
    void pause();
    void resume();
    bool isRunning() const;

    quint16 port() const { return m_port; }
    quint16 tlsPort() const { return m_tlsPort; }
    QString unixSocketPath() const;
    QString directory() const { return m_dir->path(); }
    QString caFile() const;
    QString clientCertFile() const;
    QString clientKeyFile() const;

    // Options for a plain TCP client of this server, logged in as the default user.
    RedisOptions options() const;
    QString url() const;

    // Runs one command on a fresh blocking connection (plain port, default user). For setting
    // up and checking from the side, independently of the client under test.
    RedisReply command(const QList<QByteArray> &args) const;

    static QString redisServerPath();
    // The major version of redisServerPath() ("redis-server --version"; 0 if unknown). The
    // fixtures run under CONFAB_REDIS_SERVER with older servers too (the 6.2 floor).
    static int redisServerMajorVersion();
    static QString redisBenchmarkPath();
    static QString redisCliPath();
    // A loopback port nothing listens on right now.
    static quint16 freePort();

private:
    bool writeConfig();
    bool writeConfigLines(const QStringList &lines);
    bool generateCertificates();

    Config m_config;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    quint16 m_tlsPort = 0;
    bool m_paused = false;
    QString m_error;
};

} // namespace Confab::Test
