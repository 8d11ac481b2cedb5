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
    // Appends one entry (msg, me, join, leave, topic, nick) to a conversation's log and
    // publishes a notice of it. KEYS: log, sent marker, info, members.
    // ARGV: pubsub channel, retention, max text bytes, dedupe seconds, type, from (account),
    //       text, cid, protocol version, conversation name, display name ('' for none).
    // Returns [id, 0] when added, [id, 1] for a cid already sent, ["", 2] for a no-op (joining
    // a channel one is in, leaving one one is not in); errors BADNAME (names), NOTMEMBER
    // (posting without having joined; a direct conversation of others), INVALID and TOOLARGE.
    static const RedisScript &post();
    // Creates a channel's info hash if missing. KEYS: info. ARGV: name, creator, topic,
    // version. Returns 1 if created, 0 if it existed; BADNAME (name or creator).
    static const RedisScript &createChannel();
    // Claims an account for the holder of a secret. KEYS: UP{ACCOUNT}, and the version-1 hash
    // user:ACCOUNT where version-1 data may be. ARGV: secret, account, display name.
    // Returns [created, upgrade]; errors BADNAME, TAKEN.
    static const RedisScript &claimUser();
    // Sets the display name. KEYS: UP{ACCOUNT}. ARGV: secret, display name ('' for none).
    static const RedisScript &setDisplay();
    // Copies a version-1 direct conversation's entries into its version-2 one.
    // KEYS: log, info, members. ARGV: pubsub, retention, name, v1 name, entries (5 each).
    static const RedisScript &importEntries();
    // Moves read marks forward only. KEYS: UP{ACCOUNT}:read. ARGV: channel, id, ... pairs.
    // Returns how many moved; pairs with a bad name or id are skipped.
    static const RedisScript &markRead();

    static constexpr int ProtocolVersion = 2;
};

} // namespace Confab
