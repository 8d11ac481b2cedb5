#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace Confab {

// Every Redis key and pub/sub channel name of the chat protocol (PROTOCOL.md, "Keys"), in one
// place. The channel name goes in a hash tag, so all keys of one channel share a Cluster slot
// and one script may touch them all.
class ChatKeys
{
public:
    static constexpr const char *DefaultChannelPrefix = "channel:";
    static constexpr const char *DefaultMessagePrefix = "message:";

    explicit ChatKeys(QByteArray channelPrefix = DefaultChannelPrefix,
                      QByteArray messagePrefix = DefaultMessagePrefix);

    QByteArray channelPrefix() const { return m_channelPrefix; }
    QByteArray messagePrefix() const { return m_messagePrefix; }

    QByteArray pubsub(const QString &channel) const; // channel:{NAME}
    QByteArray log(const QString &channel) const; // channel:{NAME}:log (STREAM)
    QByteArray info(const QString &channel) const; // channel:{NAME}:info (HASH)
    QByteArray members(const QString &channel) const; // channel:{NAME}:members (SET)
    QByteArray index() const; // channel:index (SET of names)
    QByteArray sent(const QString &channel, const QByteArray &cid) const; // message:{NAME}:CID
    static QByteArray user(const QString &name); // user:NAME (HASH)
    static QByteArray userChannels(const QString &name); // user:NAME:channels (SET)
    static QByteArray userReadMarks(const QString &name); // user:NAME:read (HASH channel -> id)
    static QByteArray
    userInbox(const QString &name); // user:NAME:inbox (pub/sub: new direct channels)

    // The channel of the direct conversation between two users: "dm:A:B", names sorted.
    static QString directChannel(const QString &a, const QString &b);
    static bool isDirectChannel(const QString &channel)
    {
        return channel.startsWith(QLatin1String("dm:"));
    }
    // The participants of a direct channel; empty if it is not one.
    static QStringList directParticipants(const QString &channel);

    // The channel name of one of our pub/sub channels, if it is one.
    std::optional<QString> channelOfPubsub(const QByteArray &pubsubChannel) const;

    // A fresh client-generated message id (cid): 32 random hex digits.
    static QByteArray newCid();

private:
    QByteArray tagged(const QString &channel) const;

    QByteArray m_channelPrefix;
    QByteArray m_messagePrefix;
};

} // namespace Confab
