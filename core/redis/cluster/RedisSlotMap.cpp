#include "RedisSlotMap.h"

#include "RedisClusterSlot.h"
#include "redis/RedisReply.h"

#include <QSet>

namespace Confab {

namespace {

// Map replies are flat key/value arrays in RESP2.
const RedisReply *field(const RedisReply &map, const char *name)
{
    if (!map.isArray())
        return nullptr;
    for (qsizetype i = 0; i + 1 < map.size(); i += 2) {
        if (map.at(i).bytes() == name)
            return &map.at(i + 1);
    }
    return nullptr;
}

std::optional<quint16> portOf(const RedisReply &reply)
{
    qint64 port = 0;
    if (reply.isInteger()) {
        port = reply.toInteger();
    } else if (reply.isString()) {
        bool ok = false;
        port = reply.bytes().toLongLong(&ok);
        if (!ok)
            return std::nullopt;
    } else {
        return std::nullopt;
    }
    if (port <= 0 || port > 65535)
        return std::nullopt;
    return quint16(port);
}

QString hostOf(const QByteArray &announced, const RedisSlotMap::Endpoint &via)
{
    if (announced.isEmpty() || announced == "?")
        return via.host;
    return QString::fromUtf8(announced);
}

bool validRange(qint64 first, qint64 last)
{
    return first >= 0 && last >= first && last < RedisClusterSlot::Count;
}

} // namespace

RedisSlotMap::RedisSlotMap()
    : m_owner(std::size_t(RedisClusterSlot::Count), qint16(-1))
{ }

int RedisSlotMap::shardOf(const Endpoint &master)
{
    for (qsizetype i = 0; i < m_shards.size(); ++i) {
        if (m_shards.at(i).master == master)
            return int(i);
    }
    m_shards.append(Shard{master, {}});
    return int(m_shards.size() - 1);
}

std::optional<RedisSlotMap> RedisSlotMap::fromShards(const RedisReply &reply, const Endpoint &via)
{
    if (!reply.isArray() || reply.size() > RedisClusterSlot::Count)
        return std::nullopt;
    RedisSlotMap map;
    for (const RedisReply &entry : reply.elements()) {
        const RedisReply *ranges = field(entry, "slots");
        const RedisReply *nodes = field(entry, "nodes");
        if (!ranges || !nodes || !ranges->isArray() || !nodes->isArray() || ranges->size() % 2)
            return std::nullopt;
        std::optional<Endpoint> master;
        QList<Endpoint> replicas;
        for (const RedisReply &node : nodes->elements()) {
            const RedisReply *role = field(node, "role");
            const RedisReply *health = field(node, "health");
            const RedisReply *endpoint = field(node, "endpoint");
            const RedisReply *ip = field(node, "ip");
            const RedisReply *port = field(node, "port");
            if (!port)
                port = field(node, "tls-port");
            if (!role || !port)
                return std::nullopt;
            const std::optional<quint16> p = portOf(*port);
            if (!p)
                return std::nullopt;
            const QByteArray announced = endpoint ? endpoint->bytes() : (ip ? ip->bytes() : "");
            const Endpoint at{hostOf(announced, via), *p};
            if (role->bytes() == "master") {
                if (!master)
                    master = at;
            } else if (!health || health->bytes() == "online") {
                replicas.append(at);
            }
        }
        if (ranges->size() == 0)
            continue;
        if (!master)
            return std::nullopt;
        const int index = map.shardOf(*master);
        map.m_shards[index].replicas = replicas;
        for (qsizetype i = 0; i < ranges->size(); i += 2) {
            const qint64 first = ranges->at(i).toInteger();
            const qint64 last = ranges->at(i + 1).toInteger();
            if (!ranges->at(i).isInteger() || !ranges->at(i + 1).isInteger()
                || !validRange(first, last))
                return std::nullopt;
            for (qint64 s = first; s <= last; ++s)
                map.m_owner[std::size_t(s)] = qint16(index);
        }
    }
    return map;
}

std::optional<RedisSlotMap> RedisSlotMap::fromSlots(const RedisReply &reply, const Endpoint &via)
{
    if (!reply.isArray() || reply.size() > RedisClusterSlot::Count)
        return std::nullopt;
    RedisSlotMap map;
    auto nodeAt = [&via](const RedisReply &node) -> std::optional<Endpoint> {
        if (!node.isArray() || node.size() < 2 || !node.at(0).isString())
            return std::nullopt;
        const std::optional<quint16> port = portOf(node.at(1));
        if (!port)
            return std::nullopt;
        return Endpoint{hostOf(node.at(0).bytes(), via), *port};
    };
    for (const RedisReply &range : reply.elements()) {
        if (!range.isArray() || range.size() < 3 || !range.at(0).isInteger()
            || !range.at(1).isInteger())
            return std::nullopt;
        const qint64 first = range.at(0).toInteger();
        const qint64 last = range.at(1).toInteger();
        const std::optional<Endpoint> master = nodeAt(range.at(2));
        if (!validRange(first, last) || !master)
            return std::nullopt;
        const int index = map.shardOf(*master);
        for (qsizetype i = 3; i < range.size(); ++i) {
            if (const std::optional<Endpoint> replica = nodeAt(range.at(i));
                replica && !map.m_shards[index].replicas.contains(*replica))
                map.m_shards[index].replicas.append(*replica);
        }
        for (qint64 s = first; s <= last; ++s)
            map.m_owner[std::size_t(s)] = qint16(index);
    }
    return map;
}

bool RedisSlotMap::coversAllSlots() const
{
    return std::none_of(m_owner.begin(), m_owner.end(), [](qint16 i) { return i < 0; });
}

int RedisSlotMap::shardCount() const
{
    QSet<qint16> used;
    for (qint16 i : m_owner) {
        if (i >= 0)
            used.insert(i);
    }
    return int(used.size());
}

std::optional<RedisSlotMap::Endpoint> RedisSlotMap::ownerOf(quint16 slot) const
{
    if (slot >= m_owner.size() || m_owner[slot] < 0)
        return std::nullopt;
    return m_shards.at(m_owner[slot]).master;
}

QList<RedisSlotMap::Endpoint> RedisSlotMap::masters() const
{
    QList<Endpoint> result;
    QSet<qint16> used;
    for (qint16 i : m_owner) {
        if (i >= 0 && !used.contains(i)) {
            used.insert(i);
            result.append(m_shards.at(i).master);
        }
    }
    return result;
}

QList<RedisSlotMap::Endpoint> RedisSlotMap::nodes() const
{
    QList<Endpoint> result = masters();
    for (const Shard &shard : m_shards) {
        for (const Endpoint &node : shard.replicas + QList<Endpoint>{shard.master}) {
            if (!result.contains(node))
                result.append(node);
        }
    }
    return result;
}

void RedisSlotMap::applyMoved(quint16 slot, const Endpoint &master)
{
    if (slot >= m_owner.size())
        return;
    m_owner[slot] = qint16(shardOf(master));
}

} // namespace Confab
