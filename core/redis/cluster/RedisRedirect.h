#pragma once

#include <QString>

#include <optional>

namespace Confab {

class RedisReply;

// What a cluster node's error reply asks of the client: MOVED (the slot lives elsewhere now:
// update the map and go there), ASK (ask that node once, after ASKING), or wait and retry
// (TRYAGAIN during a migration, CLUSTERDOWN while the cluster cannot serve). Parsed from text
// a server sends, so anything malformed is simply not a redirect.
struct RedisRedirect
{
    enum class Kind { Moved, Ask, TryAgain, ClusterDown };

    Kind kind = Kind::Moved;
    quint16 slot = 0; // Moved and Ask
    // Where to go (Moved and Ask). An empty host means the node that answered: newer servers
    // may send "MOVED 3999 :6380" when they do not know their own address as clients see it.
    QString host;
    quint16 port = 0;

    static std::optional<RedisRedirect> parse(const RedisReply &reply);
};

} // namespace Confab
