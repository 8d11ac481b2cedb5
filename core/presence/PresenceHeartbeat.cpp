#include "PresenceHeartbeat.h"

#include "redis/RedisClient.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

namespace Confab {

PresenceHeartbeat::PresenceHeartbeat(RedisClient *commands, ChatKeys keys, QObject *parent)
    : QObject(parent)
    , m_commands(commands)
    , m_keys(std::move(keys))
{
    m_renewTimer.setTimerType(Qt::CoarseTimer);
    connect(&m_renewTimer, &QTimer::timeout, this, &PresenceHeartbeat::renew);
}

void PresenceHeartbeat::setAccount(const QString &account)
{
    m_account = account;
}

void PresenceHeartbeat::setTiming(std::chrono::milliseconds ttl, std::chrono::milliseconds interval)
{
    m_ttl = ttl;
    m_interval = interval;
    if (m_renewTimer.isActive()) {
        if (m_interval.count() > 0)
            m_renewTimer.start(m_interval);
        else
            m_renewTimer.stop();
    }
}

QByteArray PresenceHeartbeat::noticePayload() const
{
    return QJsonDocument(QJsonObject{{QStringLiteral("v"), 2}, {QStringLiteral("user"), m_account}})
        .toJson(QJsonDocument::Compact);
}

void PresenceHeartbeat::setPresence(Presence::State state, const QString &status,
                                    std::function<void(const QString &error)> done)
{
    const QString cleaned = Presence::cleanStatus(status);
    if (state != m_state)
        m_sinceMs = QDateTime::currentMSecsSinceEpoch();
    m_state = state;
    m_status = cleaned;
    write(std::move(done));
}

void PresenceHeartbeat::connected()
{
    if (m_state != Presence::State::Offline)
        write({});
}

void PresenceHeartbeat::stop(bool goOffline)
{
    m_renewTimer.stop();
    if (goOffline && m_state != Presence::State::Offline) {
        m_state = Presence::State::Offline;
        write({});
    }
}

void PresenceHeartbeat::write(std::function<void(const QString &error)> done)
{
    if (!m_commands || m_account.isEmpty()) {
        if (done)
            done(QStringLiteral("not signed in"));
        return;
    }
    const QByteArray key = m_keys.userPresence(m_account);
    QList<QList<QByteArray>> commands;
    if (m_state == Presence::State::Offline) {
        commands << QList<QByteArray>{"DEL", key};
        m_renewTimer.stop();
    } else {
        // HSET replaces the fields it names; the status is always named, so clearing works.
        commands << QList<QByteArray>{"HSET",   key,
                                      "state",  Presence::stateName(m_state),
                                      "status", m_status.toUtf8(),
                                      "since",  QByteArray::number(m_sinceMs)};
        commands << QList<QByteArray>{"PEXPIRE", key, QByteArray::number(qint64(m_ttl.count()))};
        if (m_interval.count() > 0)
            m_renewTimer.start(m_interval);
    }
    if (m_announce)
        commands << QList<QByteArray>{"PUBLISH", m_keys.presenceChannel(), noticePayload()};
    m_commands->transaction(commands, [done = std::move(done)](const RedisReply &reply) {
        if (done)
            done(reply.isError() ? reply.toString() : QString());
    });
}

void PresenceHeartbeat::renew()
{
    if (!m_commands || m_account.isEmpty() || m_state == Presence::State::Offline)
        return;
    QPointer<PresenceHeartbeat> self(this);
    m_commands->command(
        {"PEXPIRE", m_keys.userPresence(m_account), QByteArray::number(qint64(m_ttl.count()))},
        [self](const RedisReply &reply) {
            // 0: the key is gone (expired while we were cut off, or deleted): write it again,
            // and tell the others, who may have seen us go offline.
            if (self && reply.isInteger() && reply.toInteger() == 0
                && self->m_state != Presence::State::Offline)
                self->write({});
        },
        {std::chrono::milliseconds(5000), RedisConnection::QueuePolicy::FailFast});
}

} // namespace Confab
