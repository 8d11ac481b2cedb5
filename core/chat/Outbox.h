#pragma once

#include "ChatMessage.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace Confab {

// A message on its way out, from the moment the user sends it until the server has it.
struct OutgoingMessage
{
    QByteArray cid;
    QString channel;
    ChatMessage::Type type = ChatMessage::Type::Message;
    QString text;
    QDateTime created;
    // Written in a channel the sender had joined: if the server has forgotten the membership
    // by the time it goes out, rejoining is what the sender meant (RedisWorker).
    bool joined = false;
};

// Messages not yet acknowledged by the server, in the order they were sent, kept in a file so
// quitting while offline loses nothing. Resending one that did reach the server is harmless:
// the post script drops a repeated cid.
class Outbox
{
public:
    // An empty path keeps the outbox in memory only.
    explicit Outbox(QString path = {});

    QString path() const { return m_path; }
    // False with *error set when the file could not be read as it is. A damaged file still
    // gives every intact message, and is moved aside (FILE.damaged-TIME), never overwritten;
    // *error says so, for the user.
    bool load(QString *error = nullptr);
    // Writes the file only when it would differ from what is on disk; atomic (QSaveFile).
    bool save(QString *error = nullptr);

    void add(const OutgoingMessage &message);
    bool remove(const QByteArray &cid);
    const QList<OutgoingMessage> &messages() const { return m_messages; }
    qsizetype size() const { return m_messages.size(); }
    bool isEmpty() const { return m_messages.isEmpty(); }
    // True if the file still lists messages (so removals must be written too).
    bool hasSavedMessages() const { return m_savedCount > 0; }

    // The file format, apart from the file: what a file's bytes hold, and the bytes that hold
    // a list. parse(serialize(list)) gives the list back; parse() of any bytes never fails
    // outright, it recovers what is intact.
    struct Contents
    {
        QList<OutgoingMessage> messages;
        bool intact = true;
        QString problem; // why it is not intact
    };
    static Contents parse(const QByteArray &bytes);
    static QByteArray serialize(const QList<OutgoingMessage> &messages);

private:
    QString damagedCopyPath() const;

    QString m_path;
    QList<OutgoingMessage> m_messages;
    qsizetype m_savedCount = 0;
    bool m_dirty = false;
};

} // namespace Confab
