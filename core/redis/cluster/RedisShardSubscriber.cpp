#include "RedisShardSubscriber.h"

#include "RedisClusterSlot.h"

namespace Confab {

using namespace std::chrono_literals;

RedisShardSubscriber::RedisShardSubscriber(const RedisOptions &options, const RedisSlotMap &map,
                                           QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_map(map)
{
    m_options.autoReconnect = true;
    m_options.moreSeeds.clear();
    m_query = new RedisConnection(
        m_options.forEndpoint(map.nodes().value(0, {options.host, options.port})), this);
    m_query->setEndpoints(map.nodes());
    m_query->open();
    m_refreshTimer.setSingleShot(true);
    connect(&m_refreshTimer, &QTimer::timeout, this, &RedisShardSubscriber::refresh);
}

void RedisShardSubscriber::close()
{
    m_refreshTimer.stop();
    m_query->close();
    for (const auto &[name, link] : m_links)
        link->close();
}

bool RedisShardSubscriber::isSubscribed(const QByteArray &channel) const
{
    RedisConnection *link = m_placement.value(channel);
    return link && link->isSubscribed(Kind::ShardChannel, channel);
}

RedisConnection *RedisShardSubscriber::linkTo(const Endpoint &master)
{
    const QString key = master.toString();
    if (const auto it = m_links.find(key); it != m_links.end())
        return it->second;
    auto *link = new RedisConnection(m_options.forEndpoint(master), this);
    m_links[key] = link;
    connect(link, &RedisConnection::shardMessageReceived, this,
            &RedisShardSubscriber::messageReceived);
    connect(link, &RedisConnection::readFinished, this, &RedisShardSubscriber::readFinished);
    connect(link, &RedisConnection::subscribed, this,
            [this, link](Kind kind, const QByteArray &name) {
                if (kind == Kind::ShardChannel && m_placement.value(name) == link)
                    Q_EMIT subscribed(kind, name);
            });
    connect(link, &RedisConnection::unsubscribed, this,
            [this, link](Kind kind, const QByteArray &name) {
                // Ours (a move or an unsubscribe) left m_placement first; anything else is the
                // node letting go of a slot.
                if (kind == Kind::ShardChannel && m_placement.value(name) == link) {
                    // Not to be restored there. No SUNSUBSCRIBE: the node holds nothing of
                    // ours and would only answer MOVED.
                    link->forgetShardChannels({name});
                    m_placement.insert(name, nullptr);
                    lost(name);
                }
            });
    connect(link, &RedisConnection::stateChanged, this, [this, link](RedisConnection::State state) {
        if (state == RedisConnection::State::Connected)
            return;
        for (auto it = m_placement.cbegin(); it != m_placement.cend(); ++it) {
            if (it.value() == link)
                Q_EMIT unsubscribed(Kind::ShardChannel, it.key());
        }
        scheduleRefresh(200ms);
    });
    connect(link, &RedisConnection::errorOccurred, this, [this, link](const QString &message) {
        // A map that is out of date: SSUBSCRIBE answered MOVED. Not the user's concern.
        if (message.contains(QLatin1String("MOVED")) || message.contains(QLatin1String("ASK"))) {
            // Leaving a node that no longer serves the slot: it holds nothing of ours.
            if (message.startsWith(QLatin1String("SUNSUBSCRIBE ")))
                return;
            // Only this link's refusals: a channel already placed elsewhere is on its way.
            for (auto it = m_placement.begin(); it != m_placement.end(); ++it) {
                if (it.value() == link && !link->isSubscribed(Kind::ShardChannel, it.key())
                    && message.contains(QString::fromUtf8(it.key())))
                    it.value() = nullptr;
            }
            scheduleRefresh(0ms);
            return;
        }
        Q_EMIT errorOccurred(message);
    });
    link->open();
    return link;
}

void RedisShardSubscriber::subscribe(const QList<QByteArray> &channels)
{
    for (const QByteArray &channel : channels) {
        if (m_placement.contains(channel))
            continue;
        m_placement.insert(channel, nullptr);
        place(channel);
    }
}

void RedisShardSubscriber::unsubscribe(const QList<QByteArray> &channels)
{
    for (const QByteArray &channel : channels) {
        RedisConnection *link = m_placement.take(channel);
        if (link)
            link->sunsubscribe({channel});
    }
}

void RedisShardSubscriber::place(const QByteArray &channel)
{
    const std::optional<Endpoint> owner = m_map.ownerOf(RedisClusterSlot::of(channel));
    if (!owner) {
        scheduleRefresh(500ms);
        return;
    }
    RedisConnection *target = linkTo(*owner);
    RedisConnection *current = m_placement.value(channel);
    if (current == target)
        return;
    m_placement.insert(channel, target);
    if (current)
        current->sunsubscribe({channel});
    // Still subscribed there from before (a placement given up too early): no confirmation
    // will come again, yet whoever heard that it was lost waits for one to catch up.
    if (target->isSubscribed(Kind::ShardChannel, channel))
        Q_EMIT subscribed(Kind::ShardChannel, channel);
    else
        target->ssubscribe({channel});
}

void RedisShardSubscriber::lost(const QByteArray &channel)
{
    Q_EMIT unsubscribed(Kind::ShardChannel, channel);
    scheduleRefresh(0ms);
}

void RedisShardSubscriber::scheduleRefresh(std::chrono::milliseconds delay)
{
    if (m_refreshing)
        return;
    if (m_refreshTimer.isActive() && m_refreshTimer.remainingTime() <= delay.count())
        return;
    m_refreshTimer.start(delay);
}

void RedisShardSubscriber::refresh()
{
    if (m_refreshing)
        return;
    m_refreshing = true;
    const Endpoint via{m_query->options().host, m_query->options().port};
    m_query->command(
        {"CLUSTER", "SHARDS"},
        [this, via](const RedisReply &reply) {
            m_refreshing = false;
            if (const std::optional<RedisSlotMap> map = RedisSlotMap::fromShards(reply, via);
                map && !map->isEmpty()) {
                m_map = *map;
                m_query->setEndpoints(m_map.nodes());
                for (auto it = m_placement.cbegin(); it != m_placement.cend(); ++it)
                    place(it.key());
            }
            // Until every channel is subscribed where it belongs, keep looking: a failover
            // names the new master only once it is done.
            for (auto it = m_placement.cbegin(); it != m_placement.cend(); ++it) {
                if (!it.value() || !it.value()->isSubscribed(Kind::ShardChannel, it.key())
                    || it.value()->state() != RedisConnection::State::Connected) {
                    scheduleRefresh(500ms);
                    break;
                }
            }
        },
        {5s, RedisConnection::QueuePolicy::WaitForConnection});
}

} // namespace Confab
