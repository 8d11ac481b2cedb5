#include "RedisSubscriptions.h"

namespace Confab {

QByteArray RedisSubscriptions::subscribeVerb(Kind kind)
{
    switch (kind) {
    case Kind::Channel:
        return QByteArrayLiteral("SUBSCRIBE");
    case Kind::Pattern:
        return QByteArrayLiteral("PSUBSCRIBE");
    case Kind::ShardChannel:
        return QByteArrayLiteral("SSUBSCRIBE");
    }
    return {};
}

QByteArray RedisSubscriptions::unsubscribeVerb(Kind kind)
{
    switch (kind) {
    case Kind::Channel:
        return QByteArrayLiteral("UNSUBSCRIBE");
    case Kind::Pattern:
        return QByteArrayLiteral("PUNSUBSCRIBE");
    case Kind::ShardChannel:
        return QByteArrayLiteral("SUNSUBSCRIBE");
    }
    return {};
}

QList<QByteArray> RedisSubscriptions::want(Kind kind, const QList<QByteArray> &names)
{
    QList<QByteArray> added;
    QSet<QByteArray> &set = m_wanted[index(kind)];
    for (const QByteArray &name : names) {
        if (!set.contains(name)) {
            set.insert(name);
            added << name;
        }
    }
    return added;
}

QList<QByteArray> RedisSubscriptions::unwant(Kind kind, const QList<QByteArray> &names)
{
    QSet<QByteArray> &set = m_wanted[index(kind)];
    if (names.isEmpty()) {
        set.clear();
        return {};
    }
    QList<QByteArray> removed;
    for (const QByteArray &name : names) {
        if (set.remove(name))
            removed << name;
    }
    return removed;
}

std::optional<RedisSubscriptions::Push> RedisSubscriptions::message(const RedisReply &reply) const
{
    if (!serverSubscribed() || !reply.isArray() || reply.size() < 3 || !reply.at(0).isString())
        return std::nullopt;
    const QByteArray &verb = reply.at(0).bytes();
    Push push;
    if (verb == "message" && reply.size() == 3) {
        push.kind = Kind::Channel;
        push.channel = reply.at(1).bytes();
        push.payload = reply.at(2).bytes();
    } else if (verb == "smessage" && reply.size() == 3) {
        push.kind = Kind::ShardChannel;
        push.channel = reply.at(1).bytes();
        push.payload = reply.at(2).bytes();
    } else if (verb == "pmessage" && reply.size() == 4) {
        push.kind = Kind::Pattern;
        push.pattern = reply.at(1).bytes();
        push.channel = reply.at(2).bytes();
        push.payload = reply.at(3).bytes();
    } else {
        return std::nullopt;
    }
    return push;
}

std::optional<RedisSubscriptions::Push> RedisSubscriptions::confirmation(const RedisReply &reply)
{
    if (!reply.isArray() || reply.size() != 3 || !reply.at(0).isString()
        || !reply.at(2).isInteger())
        return std::nullopt;
    static const std::array<std::pair<const char *, Kind>, 3> subscribeVerbs{
        {{"subscribe", Kind::Channel},
         {"psubscribe", Kind::Pattern},
         {"ssubscribe", Kind::ShardChannel}}};
    static const std::array<std::pair<const char *, Kind>, 3> unsubscribeVerbs{
        {{"unsubscribe", Kind::Channel},
         {"punsubscribe", Kind::Pattern},
         {"sunsubscribe", Kind::ShardChannel}}};
    const QByteArray &verb = reply.at(0).bytes();
    Push push;
    push.channel = reply.at(1).bytes(); // nil (nothing was subscribed) gives an empty name
    push.count = reply.at(2).toInteger();
    for (const auto &[name, kind] : subscribeVerbs) {
        if (verb == name) {
            push.type = Push::Type::Subscribed;
            push.kind = kind;
            return push;
        }
    }
    for (const auto &[name, kind] : unsubscribeVerbs) {
        if (verb == name) {
            push.type = Push::Type::Unsubscribed;
            push.kind = kind;
            return push;
        }
    }
    return std::nullopt;
}

void RedisSubscriptions::apply(const Push &push)
{
    QSet<QByteArray> &active = m_active[index(push.kind)];
    if (push.type == Push::Type::Subscribed)
        active.insert(push.channel);
    else if (push.type == Push::Type::Unsubscribed)
        active.remove(push.channel);
    // Channel and pattern confirmations count both together; shard ones count only shards.
    if (push.kind == Kind::ShardChannel)
        m_serverShardCount = push.count;
    else
        m_serverCount = push.count;
}

void RedisSubscriptions::resetServerState()
{
    for (auto &set : m_active)
        set.clear();
    m_serverCount = 0;
    m_serverShardCount = 0;
}

} // namespace Confab
