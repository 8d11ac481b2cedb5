#pragma once

#include "redis/RedisOptions.h"

#include <QList>

#include <optional>
#include <vector>

namespace Confab {

class RedisReply;

// Which master serves each of a Redis Cluster's 16384 slots, and the replicas of each. Built
// from a node's CLUSTER SHARDS reply (Redis 7) or CLUSTER SLOTS (older servers); both are
// text from a server, so a malformed reply gives no map rather than a wrong one.
class RedisSlotMap
{
public:
    using Endpoint = RedisOptions::Endpoint;

    struct Shard
    {
        Endpoint master;
        QList<Endpoint> replicas;
    };

    RedisSlotMap();

    // `via` is the node that answered: a node that does not know the address clients reach
    // it at announces "?" or nothing, which means "the address you asked me at".
    static std::optional<RedisSlotMap> fromShards(const RedisReply &reply, const Endpoint &via);
    static std::optional<RedisSlotMap> fromSlots(const RedisReply &reply, const Endpoint &via);

    bool isEmpty() const { return m_shards.isEmpty(); }
    bool coversAllSlots() const;
    // Shards that serve at least one slot.
    int shardCount() const;
    std::optional<Endpoint> ownerOf(quint16 slot) const;
    QList<Endpoint> masters() const;
    // Masters first, then replicas; each once.
    QList<Endpoint> nodes() const;
    const QList<Shard> &shards() const { return m_shards; }

    // A MOVED reply: from now on `slot` lives at `master`.
    void applyMoved(quint16 slot, const Endpoint &master);

private:
    int shardOf(const Endpoint &master);

    QList<Shard> m_shards;
    std::vector<qint16> m_owner; // slot -> index into m_shards, -1 when unserved
};

} // namespace Confab
