#include "ChatKeys.h"

#include "NameRule.h"

#include <QRandomGenerator>

namespace Confab {

ChatKeys::ChatKeys(QByteArray channelPrefix, QByteArray messagePrefix, QByteArray ns)
    : m_channelPrefix(ns + channelPrefix)
    , m_messagePrefix(ns + messagePrefix)
    , m_userPrefix(ns + UserPrefix)
{ }

QByteArray ChatKeys::tagged(const QString &channel) const
{
    return m_channelPrefix + '{' + channel.toUtf8() + '}';
}

QByteArray ChatKeys::pubsub(const QString &channel) const
{
    return tagged(channel);
}

QByteArray ChatKeys::log(const QString &channel) const
{
    return tagged(channel) + ":log";
}

QByteArray ChatKeys::readReceipts(const QString &channel) const
{
    return tagged(channel) + ":read";
}

QByteArray ChatKeys::info(const QString &channel) const
{
    return tagged(channel) + ":info";
}

QByteArray ChatKeys::members(const QString &channel) const
{
    return tagged(channel) + ":members";
}

QByteArray ChatKeys::index() const
{
    return m_channelPrefix + "index";
}

QByteArray ChatKeys::sent(const QString &channel, const QByteArray &cid) const
{
    return m_messagePrefix + '{' + channel.toUtf8() + "}:" + cid;
}

QByteArray ChatKeys::user(const QString &account) const
{
    return m_userPrefix + '{' + account.toUtf8() + '}';
}

QByteArray ChatKeys::userChannels(const QString &account) const
{
    return user(account) + ":channels";
}

QByteArray ChatKeys::userReadMarks(const QString &account) const
{
    return user(account) + ":read";
}

QByteArray ChatKeys::userDirect(const QString &account) const
{
    return user(account) + ":dms";
}

QByteArray ChatKeys::userPresence(const QString &account) const
{
    return user(account) + ":presence";
}

QList<QByteArray> ChatKeys::directPatterns(const QString &account) const
{
    // The separator is matched as "a byte that is neither printable ASCII nor part of a UTF-8
    // sequence": within a valid name's conversation only the space is. Written without a space,
    // the same pattern can stand in a Redis ACL rule (PROTOCOL.md, "ACL recipe"), which
    // PSUBSCRIBE needs literally.
    const QByteArray name = account.toUtf8();
    const QByteArray separator = "[^!-~\x80-\xff]";
    return {m_channelPrefix + "{@" + name + separator + "*}",
            m_channelPrefix + "{@*" + separator + name + '}'};
}

QString ChatKeys::directChannel(const QString &a, const QString &b)
{
    const bool inOrder = a.toUtf8() <= b.toUtf8();
    return u'@' + (inOrder ? a : b) + u' ' + (inOrder ? b : a);
}

QStringList ChatKeys::directParticipants(const QString &channel)
{
    if (!channel.startsWith(u'@'))
        return {};
    const qsizetype space = channel.indexOf(u' ');
    if (space < 2 || space == channel.size() - 1 || channel.indexOf(u' ', space + 1) != -1)
        return {};
    const QString a = channel.mid(1, space - 1);
    const QString b = channel.mid(space + 1);
    // Whoever wrote the name (a member of UP{A}:dms, a pub/sub channel) may not have followed
    // the rule; only two real account names make a conversation.
    if (a.toUtf8() > b.toUtf8() || !NameRule::isValid(a) || !NameRule::isValid(b))
        return {};
    return {a, b};
}

QString ChatKeys::directPeer(const QString &channel, const QString &me)
{
    const QStringList people = directParticipants(channel);
    if (people.size() != 2)
        return {};
    if (people.at(0) == me)
        return people.at(1);
    if (people.at(1) == me)
        return people.at(0);
    return {};
}

QString ChatKeys::Legacy::directPeer(const QString &channel, const QString &me)
{
    if (!isDirectChannel(channel))
        return {};
    // Version 1 joined the names with ':', which names may contain: "dm:a:b:c" is the pair
    // (a, b:c) and the pair (a:b, c) at once. From one participant's side the other is
    // determined, which is all an upgrade needs.
    const QString rest = channel.mid(3);
    const QString asFirst = me + u':';
    const QString asSecond = u':' + me;
    if (rest.startsWith(asFirst) && rest.size() > asFirst.size()) {
        const QString peer = rest.mid(asFirst.size());
        if (me <= peer)
            return peer;
    }
    if (rest.endsWith(asSecond) && rest.size() > asSecond.size()) {
        const QString peer = rest.left(rest.size() - asSecond.size());
        if (peer <= me)
            return peer;
    }
    return {};
}

std::optional<QString> ChatKeys::channelOfPubsub(const QByteArray &pubsubChannel) const
{
    if (!pubsubChannel.startsWith(QByteArray(m_channelPrefix + '{'))
        || !pubsubChannel.endsWith('}'))
        return std::nullopt;
    const qsizetype start = m_channelPrefix.size() + 1;
    return QString::fromUtf8(pubsubChannel.mid(start, pubsubChannel.size() - start - 1));
}

QByteArray ChatKeys::newCid()
{
    quint64 words[2];
    QRandomGenerator::system()->fillRange(words);
    return QByteArray::number(words[0], 16).rightJustified(16, '0')
        + QByteArray::number(words[1], 16).rightJustified(16, '0');
}

} // namespace Confab
