#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>

#include <chrono>
#include <optional>

namespace Confab {

// How to reach and log in to one Redis server, and how patient to be with it. Built from a
// redis://, rediss:// or unix:// URL, then adjusted field by field (command line and
// environment override the URL).
struct RedisOptions
{
    enum class Transport { Tcp, Tls, UnixSocket };

    struct Endpoint
    {
        QString host;
        quint16 port = 6379;
        // "host:port", with brackets around an IPv6 address.
        QString toString() const;
        friend bool operator==(const Endpoint &, const Endpoint &) = default;
    };

    Transport transport = Transport::Tcp;
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 6379;
    // More nodes to try after host:port (redis://h1:p1,h2:p2): seeds of a Redis Cluster, any
    // of which may be down. A server that turns out not to be a cluster is used alone.
    QList<Endpoint> moreSeeds;
    QString unixSocketPath;
    // Redis Sentinel: host/port and moreSeeds are the sentinels, asked for the address of
    // the master of this name (redis-sentinel://s1,s2#mymaster). Empty: no sentinels.
    QString sentinelMaster;
    // Credentials for the sentinels, which are not those of the data nodes.
    QString sentinelUsername;
    QString sentinelPassword;
    // The handshake asks ROLE and treats anything but a master as not up yet (a replica, a
    // demoted master): set for the data links of Sentinel deployments.
    bool requireMaster = false;
    int db = 0;
    // ACL user; empty means "AUTH password" (the default user).
    QString username;
    QString password;
    QString clientName;

    // TLS: verification is on by default and checks the host name.
    QString tlsCaFile;
    QString tlsCertFile;
    QString tlsKeyFile;
    bool tlsVerifyPeer = true;
    // Name to check the certificate against when it differs from host (connecting by IP).
    QString tlsServerName;

    // Durable commands (CommandOptions::durable) count as done only once this many replicas
    // have them (WAIT). -1: decided by each connection from ROLE when it connects (1 if the
    // master has a replica then, else 0); 0: never wait. URL: ack_replicas, ack_timeout (s).
    int ackReplicas = -1;
    std::chrono::milliseconds ackTimeout{2000};

    std::chrono::milliseconds connectTimeout{5000};
    bool autoReconnect = true;
    // With autoReconnect off: still reconnect a connection that was up and went down (a
    // server restart, a failover), but not one that never connected (a wrong address fails
    // at once). For one-shot commands, which a caller bounds in time.
    bool reconnectOnceConnected = false;
    std::chrono::milliseconds reconnectMinDelay{100};
    std::chrono::milliseconds reconnectMaxDelay{10000};
    // An idle connection is PINGed this often; one that does not answer within
    // healthCheckTimeout is treated as dead (a paused or unreachable server keeps TCP open).
    std::chrono::milliseconds healthCheckInterval{15000};
    std::chrono::milliseconds healthCheckTimeout{10000};
    // Commands issued while disconnected (with QueuePolicy::WaitForConnection) wait at most
    // this long, and at most this many of them.
    std::chrono::milliseconds queueTimeout{30000};
    int maxQueuedCommands = 100000;

    // Parses redis://[user][:password]@host[:port][,host[:port]...][/db],
    // redis-sentinel://[user[:password]@]sentinel[:26379][,sentinel...][/db]#MASTER (and
    // rediss-sentinel:// with TLS; sentinel_username and sentinel_password parameters), (as
    // redis-py: "user@" is a user name,
    // ":secret@" a password alone), rediss://... (TLS) and
    // unix:///path/to/socket[?db=N&password=P]. Query parameters valid for all schemes:
    // db, password, username (or user), client_name, tls_ca, tls_cert, tls_key,
    // tls_verify=0|1, connect_timeout (seconds). Returns nullopt and sets *error on bad input.
    static std::optional<RedisOptions> fromUrl(const QString &url, QString *error = nullptr);

    // Everything fromUrl() can read back (the password aside), percent-encoded so that any
    // socket path, user or file name survives: fromUrl(toUrl()) gives these options with an
    // empty password. This is what settings store.
    QString toUrl() const;
    // Short redis:// form (scheme, user, endpoint, database) for display; never the password.
    QString displayUrl() const;
    // "host:port" or the socket path, for the status bar.
    QString endpoint() const;
    // host:port followed by moreSeeds.
    QList<Endpoint> seeds() const;
    // These options pointed at another node (same credentials, TLS and patience; no more seeds).
    RedisOptions forEndpoint(const Endpoint &node) const;

    friend bool operator==(const RedisOptions &, const RedisOptions &) = default;
};

} // namespace Confab
