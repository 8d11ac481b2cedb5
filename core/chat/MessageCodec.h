#pragma once

#include "ChatMessage.h"

#include "redis/RedisReply.h"
#include "redis/RedisReplyView.h"

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
    static std::optional<ChatMessage> fromStreamEntry(const QString &channel, RedisReplyView entry);
    static std::optional<ChatMessage> fromStreamEntry(const QString &channel,
                                                      const RedisReply &entry)
    {
        return fromStreamEntry(channel, RedisReplyView(entry));
    }
    // Appends the messages of an XRANGE (or, reversed, XREVRANGE) reply to `out` in log order,
    // oldest first; returns how many entries could not be placed (no readable id: skipped).
    static qsizetype appendStreamPage(const QString &channel, RedisReplyView page, bool reversed,
                                      QList<ChatMessage> *out);

    // The entry id a pub/sub notice names, if it names one. A notice is only a hint that the
    // log has something new (PROTOCOL.md, "Notices"): whatever else it says is not used, so a
    // wrong or hostile one can make a reader look at the log, never change what it delivers.
    static std::optional<StreamId> noticeId(const QByteArray &payload);
    // The id of a notice exactly as the post script writes it ({"v":2,"id":"ID"}), read
    // without JSON; nullopt for anything else (which noticeId() may still read).
    static std::optional<StreamId> plainNoticeId(QByteArrayView payload);

    // Decodes UTF-8, replacing invalid sequences; sets *valid accordingly.
    static QString decodeUtf8(QByteArrayView bytes, bool *valid);
};

} // namespace Confab
