#pragma once

#include "ChatMessage.h"

#include "redis/RedisReply.h"

#include <optional>

namespace Confab {

// Turns what Redis holds (stream entries, pub/sub payloads) into ChatMessages. Entries come from
// any program that can reach the server, so nothing here trusts its input: a malformed entry
// becomes a message with a `problem`, never a crash, and oversized text is cut for display.
class MessageCodec
{
public:
    // Text beyond this many bytes is cut for display (the entry itself stays as it is).
    static constexpr qsizetype MaxDisplayBytes = 64 * 1024;

    // One XRANGE/XREVRANGE element: [id, [field, value, ...]]. nullopt only when not even an
    // id can be read (then the entry cannot be placed in the log at all).
    static std::optional<ChatMessage> fromStreamEntry(const QString &channel,
                                                      const RedisReply &entry);

    // What a pub/sub payload tells: at least (usually) the new entry's id, and the whole
    // message when the payload is complete and well-formed. A payload that is not (a bare
    // notification, or from another program) means "read the stream to see what is new".
    struct Notice
    {
        std::optional<StreamId> id;
        std::optional<ChatMessage> message;
    };
    static Notice fromPayload(const QString &channel, const QByteArray &payload);

    // Decodes UTF-8, replacing invalid sequences; sets *valid accordingly.
    static QString decodeUtf8(const QByteArray &bytes, bool *valid);
};

} // namespace Confab
