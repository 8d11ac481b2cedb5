#include "RedisClient.h"

#include "cluster/RedisClusterRouter.h"
#include "cluster/RedisRedirect.h"
#include "cluster/RedisShardSubscriber.h"
#include "cluster/RedisSlotMap.h"
#include "sentinel/RedisSentinelMonitor.h"

#include <QThread>

namespace Confab {

using namespace std::chrono_literals;

RedisClient::RedisClient(const RedisOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
    qRegisterMetaType<Confab::RedisClient::Topology>();
    if (!options.sentinelMaster.isEmpty()) {
        RedisOptions data = options;
        data.sentinelMaster.clear();
        data.sentinelUsername.clear();
        data.sentinelPassword.clear();
        data.moreSeeds.clear();
        data.requireMaster = true;
        m_link = new RedisConnection(data, this);
        m_topology = Topology::Sentinel;
        m_sentinels = new RedisSentinelMonitor(options, this);
        m_link->setEndpointResolver([sentinels = m_sentinels](RedisConnection::Resolved done) {
            sentinels->resolve(std::move(done));
        });
        connect(m_sentinels, &RedisSentinelMonitor::masterSwitched, this,
                [this](const RedisOptions::Endpoint &master) {
                    m_link->reconnectNow(QStringLiteral("Sentinel moved %1 to %2")
                                             .arg(m_sentinels->masterName(), master.toString()));
                });
        connect(m_sentinels, &RedisSentinelMonitor::recheckWanted, this, [this] {
            // A switch may have happened while no sentinel link was up.
            if (m_link->state() != State::Connected)
                return;
            const RedisOptions::Endpoint current{m_link->options().host, m_link->options().port};
            QPointer<RedisClient> self(this);
            m_sentinels->resolve([self, current](std::optional<RedisOptions::Endpoint> master,
                                                 const QString &) {
                if (self && master && !(*master == current))
                    self->m_link->reconnectNow(
                        QStringLiteral("Sentinel names %1 as master now").arg(master->toString()));
            });
        });
    } else {
        m_link = new RedisConnection(options, this);
    }
    if (!options.moreSeeds.isEmpty() && !m_sentinels)
        m_link->setEndpoints(options.seeds());
    connect(m_link, &RedisConnection::stateChanged, this, &RedisClient::onLinkStateChanged);
    connect(m_link, &RedisConnection::connected, this, &RedisClient::onLinkConnected);
    connect(m_link, &RedisConnection::reconnectScheduled, this, &RedisClient::reconnectScheduled);
    connect(m_link, &RedisConnection::errorOccurred, this, &RedisClient::errorOccurred);
    connect(m_link, &RedisConnection::messageReceived, this, &RedisClient::messageReceived);
    connect(m_link, &RedisConnection::patternMessageReceived, this,
            &RedisClient::patternMessageReceived);
    connect(m_link, &RedisConnection::subscribed, this, &RedisClient::subscribed);
    connect(m_link, &RedisConnection::shardMessageReceived, this,
            &RedisClient::shardMessageReceived);
    connect(m_link, &RedisConnection::unsubscribed, this, &RedisClient::unsubscribed);
    connect(m_link, &RedisConnection::readFinished, this, &RedisClient::readFinished);
}

RedisClient::~RedisClient() = default;

void RedisClient::changeSubscriptions(Kind kind, const QList<QByteArray> &names, bool subscribe)
{
    if (m_topology == Topology::Unknown) {
        m_deferred.append({kind, names, subscribe});
        return;
    }
    switch (kind) {
    case Kind::Channel:
        subscribe ? m_link->subscribe(names) : m_link->unsubscribe(names);
        break;
    case Kind::Pattern:
        subscribe ? m_link->psubscribe(names) : m_link->punsubscribe(names);
        break;
    case Kind::ShardChannel:
        subscribe ? ssubscribe(names) : sunsubscribe(names);
        break;
    }
}

void RedisClient::applyDeferredSubscriptions()
{
    for (const DeferredSubscription &d : std::exchange(m_deferred, {}))
        changeSubscriptions(d.kind, d.names, d.subscribe);
}

void RedisClient::ssubscribe(const QList<QByteArray> &channels)
{
    if (m_topology == Topology::Unknown) {
        m_deferred.append({Kind::ShardChannel, channels, true});
        return;
    }
    if (m_topology != Topology::Cluster) {
        m_link->ssubscribe(channels);
        return;
    }
    if (!m_shards) {
        m_shards = new RedisShardSubscriber(m_options,
                                            m_detectedMap ? *m_detectedMap : RedisSlotMap(), this);
        connect(m_shards, &RedisShardSubscriber::messageReceived, this,
                &RedisClient::shardMessageReceived);
        connect(m_shards, &RedisShardSubscriber::subscribed, this, &RedisClient::subscribed);
        connect(m_shards, &RedisShardSubscriber::unsubscribed, this, &RedisClient::unsubscribed);
        connect(m_shards, &RedisShardSubscriber::errorOccurred, this, &RedisClient::errorOccurred);
        connect(m_shards, &RedisShardSubscriber::readFinished, this, &RedisClient::readFinished);
    }
    m_shards->subscribe(channels);
}

void RedisClient::sunsubscribe(const QList<QByteArray> &channels)
{
    if (m_topology == Topology::Unknown) {
        m_deferred.append({Kind::ShardChannel, channels, false});
        return;
    }
    if (m_shards)
        m_shards->unsubscribe(channels);
    else
        m_link->sunsubscribe(channels);
}

bool RedisClient::isSubscribed(Kind kind, const QByteArray &name) const
{
    if (kind == Kind::ShardChannel && m_shards)
        return m_shards->isSubscribed(name);
    return m_link->isSubscribed(kind, name);
}

QString RedisClient::lastError() const
{
    if (m_router && !m_router->lastError().isEmpty())
        return m_router->lastError();
    return m_link->lastError();
}

QString RedisClient::description() const
{
    if (m_topology == Topology::Sentinel)
        return QStringLiteral("Sentinel %1 \u00b7 %2")
            .arg(m_sentinels->masterName(), m_link->options().endpoint());
    if (m_topology != Topology::Cluster)
        return m_link->options().endpoint();
    if (m_router)
        return m_router->description();
    return QStringLiteral("Cluster \u00b7 %1").arg(m_link->options().endpoint());
}

void RedisClient::open()
{
    Q_ASSERT(thread() == QThread::currentThread());
    if (m_sentinels)
        m_sentinels->open();
    m_link->open();
}

void RedisClient::close()
{
    if (m_shards)
        m_shards->close();
    if (m_router) {
        m_router->disconnect(this);
        m_router->close();
        m_router->deleteLater();
        m_router = nullptr;
    }
    if (!m_sentinels)
        m_topology = Topology::Unknown;
    m_detecting = false;
    m_link->close();
    if (m_sentinels)
        m_sentinels->close();
    failHeld(QStringLiteral("connection closed"));
    updateState(QStringLiteral("connection closed"));
}

void RedisClient::command(const QList<QByteArray> &args, Callback callback)
{
    command(args, std::move(callback), CommandOptions());
}

void RedisClient::command(const QList<QByteArray> &args, Callback callback,
                          const CommandOptions &options)
{
    send(Held{{args}, false, std::move(callback), options});
}

void RedisClient::transaction(const QList<QList<QByteArray>> &commands, Callback callback,
                              const CommandOptions &options)
{
    send(Held{commands, true, std::move(callback), options});
}

void RedisClient::flushWrites()
{
    m_link->flushWrites();
    if (m_router)
        m_router->flushWrites();
}

void RedisClient::confirmAuthority(const QByteArray &key, Confirmed done)
{
    QPointer<RedisClient> self(this);
    if (m_router) {
        m_router->confirmOwner(key, [self, key, done](bool confirmed, const QString &why) {
            if (!self)
                return;
            if (!confirmed)
                done(false, why);
            else
                self->confirmRole(key, done);
        });
        return;
    }
    if (m_sentinels) {
        const RedisOptions::Endpoint current{m_link->options().host, m_link->options().port};
        m_sentinels->resolve(
            [self, key, done, current](std::optional<RedisOptions::Endpoint> master,
                                       const QString &error) {
                if (!self)
                    return;
                if (!master) {
                    done(false, error);
                    return;
                }
                if (!(*master == current)) {
                    const QString why =
                        QStringLiteral("Sentinel names %1 as master now").arg(master->toString());
                    self->m_link->reconnectNow(why);
                    done(false, why);
                    return;
                }
                self->confirmRole(key, done);
            });
        return;
    }
    confirmRole(key, std::move(done));
}

void RedisClient::confirmRole(const QByteArray &key, Confirmed done)
{
    // In one transaction with a command on the key, so that on a cluster it runs on the node
    // that serves the key.
    transaction({{"ROLE"}, {"EXISTS", key}}, [done](const RedisReply &reply) {
        if (reply.isError()) {
            // Not allowed to ask (ACL): the handshake could not check either; trust the link.
            if (reply.errorCode() == "NOPERM" || reply.toString().contains(QLatin1String("NOPERM")))
                done(true, QString());
            else
                done(false, reply.toString());
            return;
        }
        if (!reply.isArray() || reply.size() != 2 || !reply.at(0).isArray()
            || reply.at(0).size() == 0) {
            done(false, QStringLiteral("unexpected reply to ROLE"));
            return;
        }
        const QByteArray role = reply.at(0).at(0).bytes();
        if (role != "master")
            done(false, QStringLiteral("the node is a %1").arg(QString::fromUtf8(role.left(40))));
        else
            done(true, QString());
    });
}

void RedisClient::send(Held &&held)
{
    if (m_router) {
        if (held.transaction)
            m_router->transaction(held.commands, std::move(held.callback), held.options);
        else
            m_router->command(held.commands.first(), std::move(held.callback), held.options);
        return;
    }
    Callback callback = m_topology == Topology::Unknown
        ? holdingRedirects(held.commands, held.transaction, std::move(held.callback), held.options)
        : std::move(held.callback);
    if (held.transaction)
        m_link->transaction(held.commands, std::move(callback), held.options);
    else
        m_link->command(held.commands.first(), std::move(callback), held.options);
}

RedisClient::Callback RedisClient::holdingRedirects(const QList<QList<QByteArray>> &commands,
                                                    bool transaction, Callback callback,
                                                    const CommandOptions &options)
{
    // Sent before the first connect showed what the server is: on a cluster, a command may
    // have reached a node that does not own its keys. It waits for the router instead of
    // failing.
    QPointer<RedisClient> self(this);
    return [self, commands, transaction, callback = std::move(callback),
            options](const RedisReply &reply) mutable {
        const std::optional<RedisRedirect> redirect = RedisRedirect::parse(reply);
        const bool redirected = redirect
            && (redirect->kind == RedisRedirect::Kind::Moved
                || redirect->kind == RedisRedirect::Kind::Ask);
        if (!redirected || !self || self->m_topology == Topology::Standalone
            || (self->m_topology == Topology::Cluster && !self->m_router)) {
            if (callback)
                callback(reply);
            return;
        }
        Held held{commands, transaction, std::move(callback), options};
        if (self->m_topology == Topology::Unknown)
            self->m_held.push_back(std::move(held));
        else
            self->send(std::move(held));
    };
}

void RedisClient::failHeld(const QString &why)
{
    std::deque<Held> held;
    held.swap(m_held);
    const RedisReply error = RedisReply::clientError(RedisReply::NotConnected, why);
    for (Held &h : held) {
        if (h.callback)
            h.callback(error);
    }
}

void RedisClient::onLinkConnected()
{
    if (m_topology == Topology::Unknown && !m_detecting)
        detect();
}

void RedisClient::onLinkStateChanged(State state, const QString &reason)
{
    if (state != State::Connected)
        m_detecting = false;
    if (state == State::Disconnected && m_topology == Topology::Unknown)
        failHeld(reason);
    updateState(reason);
}

void RedisClient::detect()
{
    m_detecting = true;
    QPointer<RedisClient> self(this);
    m_link->command({"CLUSTER", "SHARDS"},
                    [self](const RedisReply &reply) {
                        if (self)
                            self->onDetected(reply, false);
                    },
                    {10s, QueuePolicy::FailFast});
}

void RedisClient::onDetected(const RedisReply &reply, bool slotsFallback)
{
    if (!m_detecting || m_topology != Topology::Unknown)
        return;
    if (reply.isClientError()) {
        // The link went down; the next connect asks again.
        m_detecting = false;
        return;
    }
    if (reply.isError()) {
        if (!slotsFallback && reply.toString().contains(QLatin1String("nknown subcommand"))) {
            // A cluster before Redis 7, or a server without clusters at all.
            QPointer<RedisClient> self(this);
            m_link->command({"CLUSTER", "SLOTS"},
                            [self](const RedisReply &slotsReply) {
                                if (self)
                                    self->onDetected(slotsReply, true);
                            },
                            {10s, QueuePolicy::FailFast});
            return;
        }
        if (reply.toString().contains(QLatin1String("allowed in this context"))) {
            // The link is in subscribed mode (subscriptions restored on a reconnect after
            // close()): ask on a connection of its own.
            auto *probe = new RedisConnection(
                m_options.forEndpoint({m_link->options().host, m_link->options().port}), this);
            QPointer<RedisClient> self(this);
            probe->open();
            probe->command({"CLUSTER", "SHARDS"},
                           [self, probe, slotsFallback](const RedisReply &answer) {
                               probe->deleteLater();
                               if (self)
                                   self->onDetected(answer, slotsFallback);
                           },
                           {10s, QueuePolicy::WaitForConnection});
            return;
        }
        // "This instance has cluster support disabled", or an ACL that does not let us ask
        // (the server then answers as one).
        m_detecting = false;
        becomeStandalone();
        return;
    }
    m_detecting = false;
    const RedisSlotMap::Endpoint via{m_link->options().host, m_link->options().port};
    const std::optional<RedisSlotMap> map =
        slotsFallback ? RedisSlotMap::fromSlots(reply, via) : RedisSlotMap::fromShards(reply, via);
    if (!map)
        Q_EMIT errorOccurred(QStringLiteral("%1 sent a slot map that cannot be read; asking again")
                                 .arg(via.toString()));
    m_shardsKnown = !slotsFallback;
    becomeCluster(map.value_or(RedisSlotMap()));
}

void RedisClient::becomeStandalone()
{
    m_topology = Topology::Standalone;
    applyDeferredSubscriptions();
    Q_EMIT topologyChanged(m_topology);
    updateState(m_link->options().endpoint());
    std::deque<Held> held;
    held.swap(m_held);
    for (Held &h : held)
        send(std::move(h));
}

void RedisClient::becomeCluster(const RedisSlotMap &map)
{
    m_topology = Topology::Cluster;
    m_detectedMap = std::make_unique<RedisSlotMap>(map);
    // Pub/sub works on any node: when this one goes, the link goes to the next.
    QList<RedisOptions::Endpoint> nodes = map.nodes();
    for (const RedisOptions::Endpoint &seed : m_options.seeds()) {
        if (!nodes.contains(seed))
            nodes.append(seed);
    }
    m_link->setEndpoints(nodes);
    if (!m_pubSubOnly) {
        m_router = new RedisClusterRouter(m_options, this);
        connect(m_router, &RedisClusterRouter::stateChanged, this,
                [this](State, const QString &reason) { updateState(reason); });
        connect(m_router, &RedisClusterRouter::mapChanged, this, [this] {
            QList<RedisOptions::Endpoint> known = m_router->map().nodes();
            for (const RedisOptions::Endpoint &seed : m_options.seeds()) {
                if (!known.contains(seed))
                    known.append(seed);
            }
            m_link->setEndpoints(known);
        });
        connect(m_router, &RedisClusterRouter::errorOccurred, this, &RedisClient::errorOccurred);
        connect(m_router, &RedisClusterRouter::reconnectScheduled, this,
                &RedisClient::reconnectScheduled);
        connect(m_router, &RedisClusterRouter::readFinished, this, &RedisClient::readFinished);
        m_router->open(map, m_link);
    }
    applyDeferredSubscriptions();
    Q_EMIT topologyChanged(m_topology);
    updateState(description());
    std::deque<Held> held;
    held.swap(m_held);
    for (Held &h : held)
        send(std::move(h));
}

void RedisClient::updateState(const QString &reason)
{
    const State link = m_link->state();
    State next = link;
    switch (m_topology) {
    case Topology::Unknown:
        if (link == State::Connected)
            next = State::Connecting;
        break;
    case Topology::Standalone:
    case Topology::Sentinel:
        break;
    case Topology::Cluster:
        if (m_router) {
            const State routed = m_router->state();
            if (link == State::Disconnected || routed == State::Disconnected)
                next = State::Disconnected;
            else if (link == State::Connected && routed == State::Connected)
                next = State::Connected;
            else if (link == State::Reconnecting || routed == State::Reconnecting)
                next = State::Reconnecting;
            else
                next = State::Connecting;
        }
        break;
    }
    if (next == m_state && (next == State::Connected || reason.isEmpty()))
        return;
    m_state = next;
    Q_EMIT stateChanged(next, next == State::Connected ? description() : reason);
    if (next == State::Connected)
        Q_EMIT connected();
}

} // namespace Confab
