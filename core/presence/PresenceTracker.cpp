#include "PresenceTracker.h"

#include "chat/NameRule.h"
#include "redis/RedisClient.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace Confab {

namespace {

// A key without an expiry (written by another program) is read again this often.
constexpr qint64 NoExpiryRecheckMs = 60000;
// Renewals are read a little after the key would have expired, so that one read settles it.
constexpr qint64 ExpirySlackMs = 250;

} // namespace

PresenceTracker::PresenceTracker(RedisClient *commands, ChatKeys keys, QObject *parent)
    : QObject(parent)
    , m_commands(commands)
    , m_keys(std::move(keys))
{
    m_clock.start();
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(0);
    connect(&m_flushTimer, &QTimer::timeout, this, &PresenceTracker::flushReads);
    m_reportTimer.setSingleShot(true);
    m_reportTimer.setInterval(0);
    connect(&m_reportTimer, &QTimer::timeout, this, &PresenceTracker::report);
    m_expiryTimer.setSingleShot(true);
    m_expiryTimer.setTimerType(Qt::CoarseTimer);
    connect(&m_expiryTimer, &QTimer::timeout, this, &PresenceTracker::onExpiryTimer);
}

void PresenceTracker::watch(const QStringList &accounts)
{
    for (const QString &account : accounts) {
        if (account.isEmpty() || m_watched.contains(account))
            continue;
        const bool known = m_browsed.contains(account);
        m_watched.insert(account);
        if (!known)
            readSoon(account);
    }
}

void PresenceTracker::browse(const QStringList &accounts)
{
    QSet<QString> wanted;
    for (const QString &account : accounts) {
        if (!account.isEmpty())
            wanted.insert(account);
    }
    for (const QString &account : std::as_const(m_browsed)) {
        if (!wanted.contains(account) && !m_watched.contains(account))
            forget(account);
    }
    for (const QString &account : std::as_const(wanted)) {
        if (!isFollowed(account))
            readSoon(account);
    }
    m_browsed = std::move(wanted);
    scheduleExpiry();
}

void PresenceTracker::dropDeadline(const QString &account)
{
    if (const auto old = m_deadlineOf.find(account); old != m_deadlineOf.end()) {
        for (auto [it, end] = m_deadlines.equal_range(*old); it != end; ++it) {
            if (it->second == account) {
                m_deadlines.erase(it);
                break;
            }
        }
        m_deadlineOf.erase(old);
    }
}

void PresenceTracker::forget(const QString &account)
{
    m_known.remove(account);
    m_due.remove(account);
    dropDeadline(account);
}

void PresenceTracker::unwatchAll()
{
    m_watched.clear();
    m_browsed.clear();
    m_known.clear();
    m_deadlines.clear();
    m_deadlineOf.clear();
    m_due.clear();
    m_expiryTimer.stop();
}

std::optional<QString> PresenceTracker::noticeAccount(const QByteArray &payload)
{
    if (payload.size() > 4096)
        return std::nullopt;
    const QJsonDocument document = QJsonDocument::fromJson(payload);
    if (!document.isObject())
        return std::nullopt;
    const QJsonValue user = document.object().value(QLatin1String("user"));
    if (!user.isString())
        return std::nullopt;
    const QString account = user.toString();
    if (!NameRule::check(account, QStringLiteral("user name")).isEmpty())
        return std::nullopt;
    return account;
}

void PresenceTracker::notice(const QByteArray &payload)
{
    const std::optional<QString> account = noticeAccount(payload);
    if (account && isFollowed(*account))
        readSoon(*account);
}

void PresenceTracker::resync()
{
    for (const QString &account : std::as_const(m_watched))
        readSoon(account);
    for (const QString &account : std::as_const(m_browsed))
        readSoon(account);
}

Presence PresenceTracker::presenceOf(const QString &account) const
{
    Presence presence = m_known.value(account);
    presence.account = account;
    return presence;
}

void PresenceTracker::readSoon(const QString &account)
{
    m_due.insert(account);
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void PresenceTracker::flushReads()
{
    if (!m_commands)
        return;
    const QSet<QString> due = std::exchange(m_due, {});
    for (const QString &account : due) {
        // One read at a time per account: a notice during a read asks for one more after it.
        if (m_inFlight.contains(account)) {
            m_due.insert(account);
            continue;
        }
        m_inFlight.insert(account);
        ++m_readsSent;
        m_outstanding += 1;
        const QByteArray key = m_keys.userPresence(account);
        auto fields = std::make_shared<RedisReply>();
        QPointer<PresenceTracker> self(this);
        m_commands->command({"HMGET", key, "state", "status", "since"},
                            [fields](const RedisReply &reply) { *fields = reply; });
        m_commands->command({"PTTL", key}, [self, account, fields](const RedisReply &reply) {
            if (!self)
                return;
            self->m_inFlight.remove(account);
            --self->m_outstanding;
            if (fields->isError() || reply.isError()) {
                // Not connected or refused: read it again with the next resync.
                if (self->m_outstanding == 0 && self->m_due.isEmpty())
                    Q_EMIT self->settled();
                return;
            }
            Presence presence;
            presence.account = account;
            if (fields->isArray() && fields->size() == 3 && !fields->at(0).isNil()) {
                bool known = false;
                presence.state = Presence::stateFromName(fields->at(0).bytes(), &known);
                // A state this version does not know still means a client keeps it alive.
                if (!known)
                    presence.state = Presence::State::Online;
                presence.status = Presence::cleanStatus(QString::fromUtf8(fields->at(1).bytes()));
                presence.sinceMs = fields->at(2).bytes().toLongLong();
            }
            self->onRead(account, presence, reply.isInteger() ? reply.toInteger() : -2);
            if (self->m_outstanding == 0 && self->m_due.isEmpty())
                Q_EMIT self->settled();
        });
    }
    if (!m_due.isEmpty() && !m_flushTimer.isActive())
        m_flushTimer.start(50);
}

void PresenceTracker::onRead(const QString &account, const Presence &read, qint64 pttl)
{
    if (!isFollowed(account))
        return;
    Presence presence = read;
    // -2: no key (offline). -1: a key without expiry; >= 0: it expires then.
    if (pttl == -2)
        presence = Presence{account};
    dropDeadline(account);
    if (presence.isOnline()) {
        const qint64 due =
            m_clock.elapsed() + (pttl >= 0 ? pttl + ExpirySlackMs : NoExpiryRecheckMs);
        m_deadlines.emplace(due, account);
        m_deadlineOf.insert(account, due);
    }
    scheduleExpiry();

    const auto known = m_known.constFind(account);
    const Presence before = known == m_known.cend() ? Presence{account} : *known;
    if (known != m_known.cend() && before == presence)
        return;
    m_known.insert(account, presence);
    m_changes.append(presence);
    if (!m_reportTimer.isActive())
        m_reportTimer.start();
}

void PresenceTracker::scheduleExpiry()
{
    if (m_deadlines.empty()) {
        m_expiryTimer.stop();
        return;
    }
    const qint64 wait = std::max<qint64>(0, m_deadlines.begin()->first - m_clock.elapsed());
    if (!m_expiryTimer.isActive() || m_expiryTimer.remainingTime() > wait)
        m_expiryTimer.start(int(std::min<qint64>(wait, 24 * 3600 * 1000)));
}

void PresenceTracker::onExpiryTimer()
{
    const qint64 now = m_clock.elapsed();
    while (!m_deadlines.empty() && m_deadlines.begin()->first <= now) {
        const QString account = m_deadlines.begin()->second;
        m_deadlines.erase(m_deadlines.begin());
        m_deadlineOf.remove(account);
        readSoon(account);
    }
    scheduleExpiry();
}

void PresenceTracker::report()
{
    if (m_changes.isEmpty())
        return;
    Q_EMIT presenceChanged(std::exchange(m_changes, {}));
}

} // namespace Confab
