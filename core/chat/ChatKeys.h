#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace Confab {

// Every Redis key and pub/sub channel name of the chat protocol (PROTOCOL.md, "Keys"), in one
// place. Each key is a prefix without braces, one name in a hash tag and a fixed suffix, so two
// different things can only share a key if their prefixes are equal (ChatConfig::validate
// rules that out) and names cannot contain braces. The hash tag also puts all keys of one
// conversation, or of one person, in one Cluster slot.
class ChatKeys
{
public:
    static constexpr const char *DefaultChannelPrefix = "channel:";
    static constexpr const char *DefaultMessagePrefix = "message:";
    static constexpr const char *UserPrefix = "user:";

    // `ns` goes in front of every key (CONFAB_NAMESPACE): two deployments sharing one Redis
    // use two namespaces.
    explicit ChatKeys(QByteArray channelPrefix = DefaultChannelPrefix,
                      QByteArray messagePrefix = DefaultMessagePrefix, QByteArray ns = {});

    QByteArray channelPrefix() const { return m_channelPrefix; }
    QByteArray messagePrefix() const { return m_messagePrefix; }
    QByteArray userPrefix() const { return m_userPrefix; }

    QByteArray pubsub(const QString &channel) const; // CP{NAME}
    QByteArray log(const QString &channel) const; // CP{NAME}:log (STREAM)
    QByteArray info(const QString &channel) const; // CP{NAME}:info (HASH)
    QByteArray members(const QString &channel) const; // CP{NAME}:members (SET of accounts)
    // CP{NAME}:read (HASH account -> id): read marks in a direct conversation, for "seen".
    QByteArray readReceipts(const QString &channel) const;
    QByteArray index() const; // CPindex (SET of public channel names)
    QByteArray sent(const QString &channel, const QByteArray &cid) const; // MP{NAME}:CID
    QByteArray user(const QString &account) const; // UP{ACCOUNT} (HASH)
    QByteArray userChannels(const QString &account) const; // UP{ACCOUNT}:channels (SET)
    QByteArray userReadMarks(const QString &account) const; // UP{ACCOUNT}:read (HASH)
    // UP{ACCOUNT}:dms (SET): direct conversations others opened with ACCOUNT.
    QByteArray userDirect(const QString &account) const;
    // UP{ACCOUNT}:presence (HASH, expiring): the account's presence (PROTOCOL.md, "Presence").
    QByteArray userPresence(const QString &account) const;
    // UP{}index (SET): every account that has been claimed, for the people directory. The
    // empty hash tag is no account's (names are never empty), so it cannot be anyone's key,
    // nor version 1's `user:NAME`.
    QByteArray userIndex() const { return m_userPrefix + "{}index"; }
    // UPpresence (pub/sub): a notice naming the account whose presence changed.
    QByteArray presenceChannel() const { return m_userPrefix + "presence"; }
    // PSUBSCRIBE patterns that match the pub/sub channel of every direct conversation of
    // `account` and of no other: CP{@ACCOUNT *} and CP{@* ACCOUNT}, with the space written as
    // a byte class (ACL rules cannot hold a space).
    QList<QByteArray> directPatterns(const QString &account) const;

    // The name of the direct conversation between two accounts: '@', the two names in UTF-8
    // byte order, one space between. Names contain no whitespace and never start with '@', so
    // the pair is given back exactly and no channel can have this name.
    static QString directChannel(const QString &a, const QString &b);
    static bool isDirectChannel(const QString &channel)
    {
        return channel.startsWith(u'@') && channel.contains(u' ');
    }
    // The two participants of a well-formed direct conversation name; empty otherwise.
    static QStringList directParticipants(const QString &channel);
    // For a direct conversation of `me`, the other participant (me, talking to myself);
    // empty if `me` is not in it.
    static QString directPeer(const QString &channel, const QString &me);

    // The conversation name of one of our pub/sub channels, if it is one.
    std::optional<QString> channelOfPubsub(const QByteArray &pubsubChannel) const;

    // A fresh client-generated message id (cid): 32 random hex digits.
    static QByteArray newCid();

    // Version 1 of the protocol (PROTOCOL.md, "Upgrading from version 1"): user keys without
    // a namespace or hash tag, and direct conversations named "dm:A:B".
    struct Legacy
    {
        static QByteArray user(const QString &name) { return "user:" + name.toUtf8(); }
        static QByteArray userChannels(const QString &name)
        {
            return "user:" + name.toUtf8() + ":channels";
        }
        static QByteArray userReadMarks(const QString &name)
        {
            return "user:" + name.toUtf8() + ":read";
        }
        static bool isDirectChannel(const QString &channel)
        {
            return channel.startsWith(QLatin1String("dm:"));
        }
        // The other participant of a v1 conversation of `me` ("dm:A:B", A <= B), or empty.
        static QString directPeer(const QString &channel, const QString &me);
    };

private:
    QByteArray tagged(const QString &channel) const;

    QByteArray m_channelPrefix;
    QByteArray m_messagePrefix;
    QByteArray m_userPrefix;
};

} // namespace Confab
