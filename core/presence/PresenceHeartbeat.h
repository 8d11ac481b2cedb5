#pragma once

#include "Presence.h"
#include "chat/ChatKeys.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>

namespace Confab {

class RedisClient;

// Keeps the user's own presence on the server (PROTOCOL.md, "Presence"): UP{A}:presence with
// the state and status, expiring after ttl() unless renewed. While the client runs it renews
// the key every interval() (PEXPIRE); if the key was gone meanwhile (the connection was down
// longer than ttl, or someone deleted it) it is written again and announced. A change of
// state or status is written and announced at once: MULTI HSET, PEXPIRE, PUBLISH on the
// presence channel, so that others read it without polling. Going offline deletes the key.
//
// A client that crashes stops renewing, and others see it offline within ttl() (30 s) plus
// their own read slack.
//
// Threading: lives in the worker's thread, with the RedisClient it is given.
class PresenceHeartbeat : public QObject
{
    Q_OBJECT
public:
    static constexpr std::chrono::milliseconds DefaultTtl{30000};
    static constexpr std::chrono::milliseconds DefaultInterval{10000};

    PresenceHeartbeat(RedisClient *commands, ChatKeys keys, QObject *parent = nullptr);

    // Whose presence this is; nothing is written before it is set.
    void setAccount(const QString &account);
    // How long the key lives without renewal, and how often it is renewed (tests shorten
    // them; confab-cli presence --ttl sets a long one and no renewals).
    void setTiming(std::chrono::milliseconds ttl, std::chrono::milliseconds interval);
    std::chrono::milliseconds ttl() const { return m_ttl; }
    std::chrono::milliseconds interval() const { return m_interval; }
    // Whether PUBLISH may be sent (false: the presence of a cluster's sharded notices is the
    // same PUBLISH; kept as a switch for servers whose ACL forbids publishing).
    void setAnnounce(bool announce) { m_announce = announce; }

    Presence::State state() const { return m_state; }
    QString status() const { return m_status; }

    // Writes and announces it (Offline deletes the key). `done` hears the result.
    void setPresence(Presence::State state, const QString &status,
                     std::function<void(const QString &error)> done = {});
    // The command connection is (back) up: write the whole state again, since it may have
    // expired while we could not renew it.
    void connected();
    // Stops renewing; with `goOffline`, deletes the key and announces it first.
    void stop(bool goOffline);

private:
    void write(std::function<void(const QString &error)> done);
    void renew();
    QByteArray noticePayload() const;

    QPointer<RedisClient> m_commands;
    ChatKeys m_keys;
    QString m_account;
    Presence::State m_state = Presence::State::Offline;
    QString m_status;
    qint64 m_sinceMs = 0;
    std::chrono::milliseconds m_ttl = DefaultTtl;
    std::chrono::milliseconds m_interval = DefaultInterval;
    bool m_announce = true;
    QTimer m_renewTimer;
};

} // namespace Confab
