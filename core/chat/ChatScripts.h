#pragma once

#include "redis/RedisScript.h"

namespace Confab {

// The server-side half of the protocol (PROTOCOL.md, "Scripts"). Each runs atomically on the
// server, touching only keys of one channel (one Cluster slot). Each checks the names it is
// given by the byte-level part of NameRule, so other clients cannot write bad ones either:
// the error BADNAME, with what is wrong.
class ChatScripts
{
public:
    // Appends one entry (msg, me, join, leave, topic, nick) to a channel's log and publishes it.
    // KEYS: log, sent marker, info, members.
    // ARGV: pubsub channel, retention, max text bytes, dedupe seconds, type, from, text, cid,
    //       protocol version, channel name.
    // Returns [id, 0] when added, [id, 1] for a cid already sent, ["", 2] for a no-op (joining
    // a channel one is in, leaving one one is not in); errors BADNAME (channel or sender),
    // INVALID and TOOLARGE.
    static const RedisScript &post();
    // Creates a channel's info hash if missing. KEYS: info. ARGV: name, creator, topic,
    // version. Returns 1 if created, 0 if it existed; BADNAME (name or creator).
    static const RedisScript &createChannel();
    // Claims a user name for the holder of a secret. KEYS: user hash. ARGV: secret, name.
    // Returns OK, or the error BADNAME or TAKEN.
    static const RedisScript &claimUser();
    // Moves read marks forward only. KEYS: user:NAME:read. ARGV: channel, id, ... pairs.
    // Returns how many moved; pairs with a bad name or id are skipped.
    static const RedisScript &markRead();

    static constexpr int ProtocolVersion = 1;
};

} // namespace Confab
