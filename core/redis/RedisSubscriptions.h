#pragma once

#include "RedisReply.h"
#include "RedisReplyView.h"

#include <QByteArray>
#include <QList>
#include <QSet>

#include <array>
#include <optional>

namespace Confab {

// The pub/sub bookkeeping of one connection: what the user asked to be subscribed to (kept
// across reconnects, so it can be restored) and what the server has confirmed (lost with the
// connection). Also recognises pub/sub pushes among RESP2 replies.
class RedisSubscriptions
{
public:
    enum class Kind { Channel, Pattern, ShardChannel };

    struct Push
    {
        enum class Type { Message, Subscribed, Unsubscribed };
        Type type = Type::Message;
        Kind kind = Kind::Channel;
        QByteArray pattern; // pmessage only
        QByteArray channel; // channel, or pattern for (un)psubscribe confirmations
        QByteArray payload;
        qint64 count = 0; // confirmations: subscriptions left on the server
    };

    static QByteArray subscribeVerb(Kind kind);
    static QByteArray unsubscribeVerb(Kind kind);

    // Returns the names that were not already wanted.
    QList<QByteArray> want(Kind kind, const QList<QByteArray> &names);
    // Returns the names that were wanted; an empty list means all of this kind.
    QList<QByteArray> unwant(Kind kind, const QList<QByteArray> &names);
    const QSet<QByteArray> &wanted(Kind kind) const { return m_wanted[index(kind)]; }
    const QSet<QByteArray> &active(Kind kind) const { return m_active[index(kind)]; }

    // Whether the server holds the connection in subscribed mode, where it may push at any time.
    bool serverSubscribed() const { return m_serverCount > 0 || m_serverShardCount > 0; }

    // A message push, if the reply is one (only possible while the server is subscribed).
    std::optional<Push> message(RedisReplyView reply) const;
    // A (un)subscribe confirmation, if the reply has that shape.
    static std::optional<Push> confirmation(RedisReplyView reply);
    void apply(const Push &confirmation);
    // The connection is gone: the server side forgets everything, our wishes stay.
    void resetServerState();

private:
    static int index(Kind kind) { return int(kind); }

    std::array<QSet<QByteArray>, 3> m_wanted;
    std::array<QSet<QByteArray>, 3> m_active;
    // The channel named by the last message: a flood names the same one again and again, and
    // one copy of the name serves them all.
    mutable QByteArray m_lastChannel;
    qint64 m_serverCount = 0;
    qint64 m_serverShardCount = 0;
};

} // namespace Confab
