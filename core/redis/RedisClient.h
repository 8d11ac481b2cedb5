#pragma once

#include "RedisConnection.h"

#include <QObject>
#include <QPointer>

#include <deque>
#include <memory>

namespace Confab {

class RedisClusterRouter;
class RedisSentinelMonitor;
class RedisShardSubscriber;
class RedisSlotMap;

// One client for Redis whatever stands behind the URL: a single server, a Redis Cluster
// named by any of its nodes (or a list of seed nodes, tried in turn), or the master that Redis
// Sentinel names. After the first connect to a node it asks whether it is part of a cluster;
// from then on commands go either to that server, or each to the master that owns its keys
// (RedisClusterRouter), following the cluster through redirects and failovers. With
// sentinels, every connection attempt asks them for the master, checks with ROLE that it is
// one, and +switch-master moves the link at once (RedisSentinelMonitor). Callers see
// RedisConnection's API and signals.
//
// Pub/sub stays on one link: on a cluster, any node hears what PUBLISH sends, so that link
// moves to another node when its own goes away, and restores its subscriptions there.
//
// Threading: as RedisConnection.
class RedisClient : public QObject
{
    Q_OBJECT
public:
    using State = RedisConnection::State;
    using Callback = RedisConnection::Callback;
    using CommandOptions = RedisConnection::CommandOptions;
    using QueuePolicy = RedisConnection::QueuePolicy;
    using Kind = RedisConnection::Kind;

    enum class Topology { Unknown, Standalone, Cluster, Sentinel };
    Q_ENUM(Topology)

    explicit RedisClient(const RedisOptions &options, QObject *parent = nullptr);
    ~RedisClient() override;

    // A client used for subscriptions only opens no links to the masters of a cluster.
    void setPubSubOnly(bool pubSubOnly) { m_pubSubOnly = pubSubOnly; }

    const RedisOptions &options() const { return m_options; }
    State state() const { return m_state; }
    QString lastError() const;
    Topology topology() const { return m_topology; }
    // What it is connected to, for the status bar: "127.0.0.1:6379", "Cluster · 3 shards",
    // "Sentinel mymaster · 127.0.0.1:6380".
    QString description() const;

    void open();
    void close();
    // RedisConnection::flushWrites on every link.
    void flushWrites();

    void command(const QList<QByteArray> &args, Callback callback = {});
    void command(const QList<QByteArray> &args, Callback callback, const CommandOptions &options);
    // MULTI ... EXEC on one connection (on a cluster, every key in one slot); the callback
    // gets EXEC's reply, or the refusal that discarded the transaction.
    void transaction(const QList<QList<QByteArray>> &commands, Callback callback,
                     const CommandOptions &options = {});

    // Whether the node that serves `key` is its master now, for a reader that found a log
    // behind what it had already shown: a single server says so with ROLE; with Sentinel the
    // sentinels must also name it (else the link moves there); on a cluster every reachable
    // master must agree on the slot's owner, and that owner must say it is a master.
    using Confirmed = std::function<void(bool confirmed, const QString &why)>;
    void confirmAuthority(const QByteArray &key, Confirmed done);

    // Until the first connect has shown what the server is, subscriptions wait here: a link
    // in subscribed mode could not ask it.
    void subscribe(const QList<QByteArray> &channels)
    {
        changeSubscriptions(Kind::Channel, channels, true);
    }
    void unsubscribe(const QList<QByteArray> &channels = {})
    {
        changeSubscriptions(Kind::Channel, channels, false);
    }
    void psubscribe(const QList<QByteArray> &patterns)
    {
        changeSubscriptions(Kind::Pattern, patterns, true);
    }
    void punsubscribe(const QList<QByteArray> &patterns = {})
    {
        changeSubscriptions(Kind::Pattern, patterns, false);
    }
    // Sharded pub/sub: on a cluster, at the master of each channel's slot, following it
    // (RedisShardSubscriber); elsewhere on the one link.
    void ssubscribe(const QList<QByteArray> &channels);
    void sunsubscribe(const QList<QByteArray> &channels);
    bool isSubscribed(Kind kind, const QByteArray &name) const;
    // A cluster that knows SPUBLISH (Redis 7: it answered CLUSTER SHARDS).
    bool hasShardedPubSub() const { return m_topology == Topology::Cluster && m_shardsKnown; }

    // For tests and diagnostics.
    RedisConnection *pubSubLink() const { return m_link; }
    RedisClusterRouter *router() const { return m_router; }

Q_SIGNALS:
    // As RedisConnection's.
    void stateChanged(Confab::RedisConnection::State state, const QString &reason);
    void connected();
    void reconnectScheduled(std::chrono::milliseconds delay, const QString &reason);
    void errorOccurred(const QString &message);
    void messageReceived(const QByteArray &channel, const QByteArray &payload);
    void patternMessageReceived(const QByteArray &pattern, const QByteArray &channel,
                                const QByteArray &payload);
    void shardMessageReceived(const QByteArray &channel, const QByteArray &payload);
    void subscribed(Confab::RedisConnection::Kind kind, const QByteArray &name);
    void unsubscribed(Confab::RedisConnection::Kind kind, const QByteArray &name);
    void readFinished();
    void topologyChanged(Confab::RedisClient::Topology topology);

private:
    // A command that came back with a redirect before the topology was known.
    struct Held
    {
        QList<QList<QByteArray>> commands;
        bool transaction = false;
        Callback callback;
        CommandOptions options;
    };

    void onLinkConnected();
    void onLinkStateChanged(State state, const QString &reason);
    void detect();
    void onDetected(const RedisReply &reply, bool slotsFallback);
    void becomeStandalone();
    void becomeCluster(const class RedisSlotMap &map);
    void updateState(const QString &reason);
    Callback holdingRedirects(const QList<QList<QByteArray>> &commands, bool transaction,
                              Callback callback, const CommandOptions &options);
    void send(Held &&held);
    void confirmRole(const QByteArray &key, Confirmed done);
    void failHeld(const QString &why);
    void changeSubscriptions(Kind kind, const QList<QByteArray> &names, bool subscribe);
    void applyDeferredSubscriptions();

    struct DeferredSubscription
    {
        Kind kind;
        QList<QByteArray> names;
        bool subscribe;
    };
    QList<DeferredSubscription> m_deferred;

    RedisOptions m_options;
    RedisConnection *m_link = nullptr;
    RedisClusterRouter *m_router = nullptr;
    RedisSentinelMonitor *m_sentinels = nullptr;
    RedisShardSubscriber *m_shards = nullptr;
    std::unique_ptr<RedisSlotMap> m_detectedMap;
    bool m_shardsKnown = false;
    Topology m_topology = Topology::Unknown;
    State m_state = State::Disconnected;
    bool m_pubSubOnly = false;
    bool m_detecting = false;
    std::deque<Held> m_held;
};

} // namespace Confab
