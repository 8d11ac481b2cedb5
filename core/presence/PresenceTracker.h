#pragma once

#include "Presence.h"
#include "chat/ChatKeys.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <map>

namespace Confab {

class RedisClient;

// Knows where the people this client shows are (PROTOCOL.md, "Presence"), without scanning:
//  - watch() reads each new account once: HMGET UP{A}:presence state status since, and PTTL
//    beside it, pipelined (5,000 accounts are one round trip);
//  - a notice on the presence channel names one account: only that one is read again. What a
//    notice says is never believed, so a forged one costs a read;
//  - a key's PTTL says when it expires unless its owner's client renews it; the account is
//    read again then (batched, one timer for all), so a crashed client shows offline within
//    the heartbeat bound without anyone announcing it;
//  - after the subscription comes back (notices may have been missed), everyone is read again.
// Changes come out in batches, at most once per event-loop pass.
//
// Threading: lives in the worker's thread, with the RedisClient it is given.
class PresenceTracker : public QObject
{
    Q_OBJECT
public:
    PresenceTracker(RedisClient *commands, ChatKeys keys, QObject *parent = nullptr);

    // Starts following these accounts (those already followed are not read again).
    void watch(const QStringList &accounts);
    void unwatchAll();
    // Also follows these accounts, until the next browse() (the people directory while it is
    // open): those no longer browsed, and not watched, are forgotten. browse({}) ends it.
    void browse(const QStringList &accounts);
    // A message on the presence channel.
    void notice(const QByteArray &payload);
    // The subscription was (re)confirmed: read everyone again.
    void resync();

    Presence presenceOf(const QString &account) const;
    qsizetype watchedCount() const { return (m_watched | m_browsed).size(); }
    // Reads sent so far (HMGET + PTTL count as one): for tests and the benchmark.
    quint64 readsSent() const { return m_readsSent; }

    // The account a presence notice names, if the payload is one ({"v":2,"user":"NAME"}
    // with a valid name). For tests and fuzzing: it is untrusted input.
    static std::optional<QString> noticeAccount(const QByteArray &payload);

Q_SIGNALS:
    // What changed since the last report, one entry per account.
    void presenceChanged(const Confab::PresenceList &changes);
    // All reads asked for so far have been answered (tests, the benchmark).
    void settled();

private:
    bool isFollowed(const QString &account) const
    {
        return m_watched.contains(account) || m_browsed.contains(account);
    }
    void forget(const QString &account);
    void dropDeadline(const QString &account);
    void readSoon(const QString &account);
    void flushReads();
    void onRead(const QString &account, const Presence &presence, qint64 pttl);
    void scheduleExpiry();
    void onExpiryTimer();
    void report();

    QPointer<RedisClient> m_commands;
    ChatKeys m_keys;
    QSet<QString> m_watched;
    QSet<QString> m_browsed;
    QHash<QString, Presence> m_known;
    // When each key expires unless renewed (ms on m_clock), and whose it is.
    std::multimap<qint64, QString> m_deadlines;
    QHash<QString, qint64> m_deadlineOf;
    QSet<QString> m_due; // to read in the next pass
    QSet<QString> m_inFlight;
    PresenceList m_changes;
    QTimer m_flushTimer;
    QTimer m_reportTimer;
    QTimer m_expiryTimer;
    QElapsedTimer m_clock;
    quint64 m_readsSent = 0;
    int m_outstanding = 0;
};

} // namespace Confab
