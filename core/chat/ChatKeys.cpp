#include "ChatKeys.h"

#include <QRandomGenerator>

namespace Confab {

ChatKeys::ChatKeys(QByteArray channelPrefix, QByteArray messagePrefix)
    : m_channelPrefix(std::move(channelPrefix))
    , m_messagePrefix(std::move(messagePrefix))
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

QByteArray ChatKeys::user(const QString &name)
{
    return "user:" + name.toUtf8();
}

QByteArray ChatKeys::userChannels(const QString &name)
{
    return "user:" + name.toUtf8() + ":channels";
}

QByteArray ChatKeys::userReadMarks(const QString &name)
{
    return "user:" + name.toUtf8() + ":read";
}

QByteArray ChatKeys::userInbox(const QString &name)
{
    return "user:" + name.toUtf8() + ":inbox";
}

QString ChatKeys::directChannel(const QString &a, const QString &b)
{
    return QStringLiteral("dm:") + std::min(a, b) + u':' + std::max(a, b);
}

QStringList ChatKeys::directParticipants(const QString &channel)
{
    if (!isDirectChannel(channel))
        return {};
    // User names may contain ':' too: split where the halves give back the same channel.
    const QString rest = channel.mid(3);
    for (qsizetype i = rest.indexOf(u':'); i > 0; i = rest.indexOf(u':', i + 1)) {
        const QString a = rest.left(i);
        const QString b = rest.mid(i + 1);
        if (directChannel(a, b) == channel)
            return {a, b};
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
