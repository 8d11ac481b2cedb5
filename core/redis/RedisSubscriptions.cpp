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

std::optional<RedisSubscriptions::Push> RedisSubscriptions::message(RedisReplyView reply) const
{
    if (!serverSubscribed() || !reply.isArray() || reply.size() < 3)
        return std::nullopt;
    auto element = reply.begin();
    const RedisReplyView verbReply = *element;
    if (!verbReply.isString())
        return std::nullopt;
    const QByteArrayView verb = verbReply.bytes();
    const auto channelName = [this](QByteArrayView name) {
        if (m_lastChannel != name)
            m_lastChannel = name.toByteArray();
        return m_lastChannel;
    };
    Push push;
    if ((verb == "message" || verb == "smessage") && reply.size() == 3) {
        push.kind = verb == "message" ? Kind::Channel : Kind::ShardChannel;
        push.channel = channelName((*++element).bytes());
        push.payload = (*++element).bytes().toByteArray();
    } else if (verb == "pmessage" && reply.size() == 4) {
        push.kind = Kind::Pattern;
        push.pattern = (*++element).bytes().toByteArray();
        push.channel = channelName((*++element).bytes());
        push.payload = (*++element).bytes().toByteArray();
    } else {
        return std::nullopt;
    }
    return push;
}

std::optional<RedisSubscriptions::Push> RedisSubscriptions::confirmation(RedisReplyView reply)
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
    const QByteArrayView verb = reply.at(0).bytes();
    Push push;
    // nil (nothing was subscribed) gives an empty name
    push.channel = reply.at(1).bytes().toByteArray();
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
