#pragma once

#include "StreamId.h"

#include <QList>
#include <QMetaType>
#include <QString>

namespace Confab {

// One entry of a channel's log, as the models and views see it.
struct ChatMessage
{
    enum class Type {
        Message, // "msg": ordinary text
        Action, // "me": /me does something
        Join,
        Leave,
        Topic, // text is the new topic
        Nick, // text is the new name of `from`
        Expired, // not in Redis: older messages were trimmed from the stream before we saw them
        // Not in Redis: the log no longer holds what was shown after this id (a failover to a
        // replica that had not received it, a server restarted empty). Never acknowledged
        // to its senders, so theirs are sent again.
        RolledBack,
        // Not in Redis: where unread messages began when the conversation was opened (the
        // "new messages" line); the message log puts it there and takes it away.
        NewMessages,
        Unknown, // a type this version does not know; shown as such
    };

    StreamId id;
    QString channel;
    Type type = Type::Message;
    QString from; // the sender's account
    // The sender's display name when the entry was written (PROTOCOL.md, "Identity"); empty
    // when it was the account name.
    QString name;
    QString text;
    QByteArray cid;
    // Set when the entry was written by another program and did not follow PROTOCOL.md
    // (missing fields, invalid UTF-8, oversized text...): shown marked, never dropped silently.
    QString problem;

    bool isMalformed() const { return !problem.isEmpty(); }
    // How the sender is shown: the display name, else the account.
    const QString &author() const { return name.isEmpty() ? from : name; }
    QDateTime time() const { return id.time(); }

    static QByteArray typeName(Type type);
    // Unknown for names this version does not know.
    static Type typeFromName(QByteArrayView name);

    friend bool operator==(const ChatMessage &, const ChatMessage &) = default;
};

using ChatMessageList = QList<ChatMessage>;

} // namespace Confab

// Implicitly shared strings and scalars: movable as bytes (pages of thousands are copied).
Q_DECLARE_TYPEINFO(Confab::ChatMessage, Q_RELOCATABLE_TYPE);
Q_DECLARE_METATYPE(Confab::ChatMessage)
Q_DECLARE_METATYPE(Confab::ChatMessageList)
