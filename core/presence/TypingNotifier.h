#pragma once

#include "chat/ChatKeys.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>

#include <chrono>
#include <optional>

namespace Confab {

class RedisClient;

// Tells the others in a conversation that the user is typing (PROTOCOL.md, "Typing"): an
// ephemeral notice on the conversation's pub/sub channel, never stored. While the user keeps
// typing, at most one "start" every Interval; a "stop" when they send, clear the input or leave
// the conversation, only if a "start" went out recently. Readers let a "start" lapse after
// Expiry without a new one, so a client that vanishes leaves no one "typing" for long.
//
// Threading: lives in the worker's thread, with the RedisClient it is given.
class TypingNotifier : public QObject
{
    Q_OBJECT
public:
    static constexpr std::chrono::milliseconds Interval{3000};
    static constexpr std::chrono::milliseconds Expiry{6000};

    TypingNotifier(RedisClient *commands, ChatKeys keys, QObject *parent = nullptr);

    void setAccount(const QString &account) { m_account = account; }
    // SPUBLISH (a Redis 7 cluster: the channel's shard) or PUBLISH.
    void setSharded(bool sharded) { m_sharded = sharded; }

    void typed(const QString &channel);
    void stopped(const QString &channel);
    // Notices sent so far (tests count them).
    int sent() const { return m_sent; }

    // {"v":2,"typing":"ACCOUNT","state":"start"} or "stop".
    static QByteArray payload(const QString &account, bool typing);
    // Who a typing notice says is typing (and whether they started or stopped), if the payload
    // is one; untrusted input, read strictly.
    struct Notice
    {
        QString account;
        bool typing = false;
    };
    static std::optional<Notice> parse(const QByteArray &payload);

private:
    void publish(const QString &channel, bool typing);

    QPointer<RedisClient> m_commands;
    ChatKeys m_keys;
    QString m_account;
    bool m_sharded = false;
    QElapsedTimer m_clock;
    QHash<QString, qint64> m_lastStart; // channel -> when the last "start" went out
    int m_sent = 0;
};

} // namespace Confab
