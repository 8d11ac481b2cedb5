#pragma once

#include "chat/ChatKeys.h"
#include "chat/StreamId.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <optional>

namespace Confab {

class RedisClient;

// "Seen" in direct conversations (PROTOCOL.md, "Read receipts"): each person's read mark in a
// direct conversation is also kept in the conversation's own CP{N}:read (HASH account → id),
// which both may read, and announced on CP{N}. This tells the other side how far its own
// messages have been read. Only the other person's field is ever shown, so what anyone writes
// there can mislead only themselves.
//
// Threading: lives in the worker's thread, with the RedisClient it is given.
class ReadReceipts : public QObject
{
    Q_OBJECT
public:
    ReadReceipts(RedisClient *commands, ChatKeys keys, QObject *parent = nullptr);

    void setAccount(const QString &account) { m_account = account; }
    void setSharded(bool sharded) { m_sharded = sharded; }

    // I have read `channel` (a direct conversation) up to `id`: written and announced, only
    // forward.
    void markRead(const QString &channel, const StreamId &id);
    // Reads the other person's mark (when the conversation is opened, and after a notice).
    void refresh(const QString &channel);

    // {"v":2,"read":"ACCOUNT"}: who moved their mark (untrusted; it only makes the mark be
    // read again).
    static QByteArray payload(const QString &account);
    static std::optional<QString> parse(const QByteArray &payload);

Q_SIGNALS:
    // How far the other person of `channel` has read (null: not at all, as far as known).
    void peerReadChanged(const QString &channel, const Confab::StreamId &id);

private:
    QPointer<RedisClient> m_commands;
    ChatKeys m_keys;
    QString m_account;
    bool m_sharded = false;
    QHash<QString, StreamId> m_written; // channel -> my newest mark written there
    QHash<QString, StreamId> m_peer; // channel -> the other person's, as last read
};

} // namespace Confab
