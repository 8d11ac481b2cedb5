#include "ChannelSync.h"

#include "redis/RedisClient.h"

#include <QLoggingCategory>
#include <QTimer>

#include <algorithm>

Q_LOGGING_CATEGORY(lcSync, "confab.sync")

namespace Confab {

namespace {

// The id just before `id`: where an Expired marker goes so that it sorts before the first
// entry that survived trimming, and after everything delivered before.
StreamId predecessor(StreamId id)
{
    if (id.seq > 0)
        return {id.ms, id.seq - 1};
    return {id.ms - 1, std::numeric_limits<quint64>::max()};
}

} // namespace

ChannelSync::ChannelSync(QString channel, ChatKeys keys, RedisClient *commands, Sink sink,
                         int firstPageSize, int catchUpPageSize)
    : m_channel(std::move(channel))
    , m_keys(std::move(keys))
    , m_logKey(m_keys.log(m_channel))
    , m_commands(commands)
    , m_sink(std::move(sink))
    , m_firstPageSize(firstPageSize)
    , m_catchUpPageSize(catchUpPageSize)
{ }

ChannelSync::~ChannelSync() = default;

std::function<bool()> ChannelSync::stillCurrent()
{
    return [alive = std::weak_ptr<int>(m_alive), this, epoch = m_epoch] {
        return !alive.expired() && m_epoch == epoch;
    };
}

void ChannelSync::subscribed()
{
    ++m_epoch;
    startCatchUp();
}

void ChannelSync::subscriptionLost()
{
    ++m_epoch;
    m_readAgain = false;
    m_noticedUpTo = {};
    m_phase = Phase::WaitingForSubscription;
}

void ChannelSync::commandsReconnected()
{
    if (m_phase == Phase::WaitingForCommands)
        startCatchUp();
}

void ChannelSync::notice(const std::optional<StreamId> &id)
{
    // Delivered entries are all the log holds up to m_last, so a notice for one of them (or for
    // an id that never was) has nothing to add. Any other notice, whatever it claims, only
    // makes the log be read.
    if (id && *id <= m_last && !m_last.isNull())
        return;
    switch (m_phase) {
    case Phase::WaitingForSubscription:
        return; // cannot happen: no subscription, no notice
    case Phase::WaitingForAuthority:
        return; // the log is read again once the node is confirmed
    case Phase::Reading:
    case Phase::WaitingForCommands:
        if (id)
            m_noticedUpTo = std::max(m_noticedUpTo, *id);
        else
            m_readAgain = true;
        return;
    case Phase::Live:
        startRead(false);
        return;
    }
}

void ChannelSync::startCatchUp()
{
    // After a gap (first subscription, reconnect) the entry last delivered may have been
    // trimmed away; 0-x means "from the very start", where nothing can have expired.
    startRead(m_last.ms != 0);
}

void ChannelSync::startRead(bool checkTrimmed)
{
    if (!m_commands)
        return;
    ++m_epoch;
    m_phase = Phase::Reading;
    m_readAgain = false;
    m_noticedUpTo = {};
    if (m_last.isNull() && !m_firstPageRead)
        readFirstPage();
    else
        readSince(m_last, checkTrimmed && !m_last.isNull());
}

bool ChannelSync::handleFailure(const RedisReply &reply)
{
    if (!reply.isError())
        return false;
    if (reply.isClientError()) {
        // The command connection is down; keep buffering and resume when it is back.
        m_phase = Phase::WaitingForCommands;
        return true;
    }
    // Said once per run of failures, not at every attempt.
    if (m_retryDelayMs == 0)
        m_sink.error(
            QStringLiteral("Cannot read the history of #%1: %2").arg(m_channel, reply.toString()));
    // Try again with the next notice, or after a while: the notice that made this read may
    // have been the last one for a long time, and what it announced must not wait for it.
    m_phase = Phase::Live;
    m_readAgain = false;
    m_retryDelayMs = std::clamp(m_retryDelayMs * 2, 500, 30000);
    QTimer::singleShot(m_retryDelayMs, m_commands.data(), [this, current = stillCurrent()] {
        if (current() && m_phase == Phase::Live)
            startRead(false);
    });
    return true;
}

void ChannelSync::readFirstPage()
{
    auto current = stillCurrent();
    m_commands->command(
        {"XREVRANGE", m_logKey, "+", "-", "COUNT", QByteArray::number(m_firstPageSize)},
        [this, current](const RedisReply &reply) {
            if (!current() || handleFailure(reply))
                return;
            ChatMessageList page;
            if (const qsizetype skipped =
                    MessageCodec::appendStreamPage(m_channel, reply, true, &page))
                qCWarning(lcSync) << "skipping" << skipped << "unreadable entries in" << m_logKey;
            if (!page.isEmpty())
                m_last = page.last().id;
            remember(page);
            m_firstPageRead = true;
            m_sink.firstPage(page, reply.size() < m_firstPageSize);
            finishRead();
        },
        RedisClient::CommandOptions{.flatArrays = true});
}

void ChannelSync::readSince(StreamId after, bool checkTrimmed)
{
    auto current = stillCurrent();
    const QByteArray afterId = after.toByteArray();
    // Pipelined with the read: is the last entry we delivered still there, and which is the
    // newest entry at or before it? Trimming removes the oldest entries first, so if it is
    // gone and nothing older is left, entries after it may be gone too (Expired). If it is
    // gone but older ones are there, or the log is empty, the log is behind what we showed.
    auto check = std::make_shared<LastCheck>();
    if (checkTrimmed) {
        m_commands->command({"XRANGE", m_logKey, afterId, afterId},
                            [current, check](const RedisReply &reply) {
                                if (current() && reply.isArray())
                                    check->lastThere = reply.size() > 0;
                            });
        m_commands->command({"XREVRANGE", m_logKey, afterId, "-", "COUNT", "1"},
                            [current, check](const RedisReply &reply) {
                                if (!current() || !reply.isArray())
                                    return;
                                check->answered = true;
                                if (reply.size() > 0 && reply.at(0).size() > 0)
                                    check->newestUpToLast =
                                        StreamId::parse(reply.at(0).at(0).bytes());
                            });
    }
    m_commands->command(
        {"XRANGE", m_logKey, "(" + afterId, "+", "COUNT", QByteArray::number(m_catchUpPageSize)},
        [this, current, check](const RedisReply &reply) {
            if (!current() || handleFailure(reply))
                return;
            if (check->answered && !check->lastThere
                && (check->newestUpToLast || reply.size() == 0)) {
                // Behind: deliver nothing, skip nothing, until the node is confirmed.
                m_phase = Phase::WaitingForAuthority;
                if (m_authorityConfirmed)
                    findSurvivor();
                else
                    checkAuthority();
                return;
            }
            if (check->answered)
                m_authorityConfirmed = false;
            // Ask for the next page before decoding this one, so the server and we overlap.
            bool more = false;
            const RedisReplyView entries(reply);
            if (reply.size() >= m_catchUpPageSize) {
                if (const auto lastId =
                        StreamId::parse(entries.at(entries.size() - 1).at(0).bytes())) {
                    readSince(*lastId, false);
                    more = true;
                }
            }
            ChatMessageList page;
            page.reserve(reply.size() + 1);
            if (const qsizetype skipped =
                    MessageCodec::appendStreamPage(m_channel, entries, false, &page))
                qCWarning(lcSync) << "skipping" << skipped << "unreadable entries in" << m_logKey;
            page.removeIf([this](const ChatMessage &message) { return message.id <= m_last; });
            if (check->answered && !check->lastThere && !page.isEmpty()) {
                ChatMessage expired;
                expired.id = predecessor(page.first().id);
                expired.channel = m_channel;
                expired.type = ChatMessage::Type::Expired;
                expired.text = QStringLiteral("Older messages expired before they could be shown.");
                page.prepend(expired);
            }
            if (!page.isEmpty()) {
                m_last = page.last().id;
                remember(page);
                m_sink.messages(page);
            }
            if (!more)
                finishRead();
        },
        RedisClient::CommandOptions{.flatArrays = true});
}

void ChannelSync::checkAuthority()
{
    if (!m_commands)
        return;
    auto current = stillCurrent();
    m_commands->confirmAuthority(m_logKey, [this, current](bool confirmed, const QString &why) {
        if (!current())
            return;
        if (confirmed) {
            m_authorityDelayMs = 0;
            m_authorityConfirmed = true;
            startRead(true);
            return;
        }
        // Not the master (yet): the topology is moving. Look again, without limit: giving up
        // would mean either skipping entries or showing a stale node's log.
        m_authorityDelayMs = std::clamp(m_authorityDelayMs * 2, 100, 2000);
        qCInfo(lcSync) << m_logKey << "is behind what was delivered, on a node not confirmed"
                       << "as its master:" << why << "- reading again in" << m_authorityDelayMs
                       << "ms";
        QTimer::singleShot(m_authorityDelayMs, m_commands.data(), [this, current] {
            if (current() && m_phase == Phase::WaitingForAuthority)
                startRead(true);
        });
    });
}

void ChannelSync::findSurvivor()
{
    // The newest entry at or before the last delivered one that we did deliver: walking back
    // from it, entries we never delivered are the new master's, entries older than what we
    // remember were delivered before.
    auto current = stillCurrent();
    const qsizetype window = qsizetype(m_recent.size()) + 256;
    m_commands->command(
        {"XREVRANGE", m_logKey, m_last.toByteArray(), "-", "COUNT", QByteArray::number(window)},
        [this, current, window](const RedisReply &reply) {
            if (!current() || handleFailure(reply))
                return;
            std::optional<StreamId> survivor;
            std::optional<StreamId> oldestSeen;
            for (const RedisReply &entry : reply.elements()) {
                const std::optional<StreamId> id = StreamId::parse(entry.at(0).bytes());
                if (!id)
                    continue;
                oldestSeen = id;
                if (m_recent.empty() || *id < m_recent.front().first) {
                    survivor = id;
                    break;
                }
                const auto message = MessageCodec::fromStreamEntry(m_channel, entry);
                if (message && wasDelivered(*id, message->cid)) {
                    survivor = id;
                    break;
                }
            }
            // More entries than remembered and none of them ours: the older ones count as
            // delivered (a bounded walk rather than reading a hostile log to its start).
            if (!survivor && reply.size() >= window)
                survivor = oldestSeen;
            rollBackTo(survivor);
        });
}

void ChannelSync::remember(const ChatMessageList &delivered)
{
    for (const ChatMessage &message : delivered) {
        if (message.type == ChatMessage::Type::Expired
            || message.type == ChatMessage::Type::RolledBack)
            continue;
        m_recent.emplace_back(message.id, qHash(message.cid));
    }
    while (m_recent.size() > RecentCapacity)
        m_recent.pop_front();
}

bool ChannelSync::wasDelivered(const StreamId &id, const QByteArray &cid) const
{
    const auto it = std::lower_bound(m_recent.cbegin(), m_recent.cend(), id,
                                     [](const std::pair<StreamId, size_t> &entry,
                                        const StreamId &wanted) { return entry.first < wanted; });
    return it != m_recent.cend() && it->first == id && it->second == qHash(cid);
}

void ChannelSync::rollBackTo(const std::optional<StreamId> &survivor)
{
    m_authorityConfirmed = false;
    m_authorityDelayMs = 0;
    qCWarning(lcSync) << m_logKey << "no longer holds the entries delivered after"
                      << (survivor ? survivor->toByteArray() : QByteArray("its start")) << "up to"
                      << m_last.toByteArray() << "(lost in a failover)";
    ChatMessage marker;
    marker.id = survivor.value_or(StreamId{0, 0});
    marker.channel = m_channel;
    marker.type = ChatMessage::Type::RolledBack;
    marker.text = QStringLiteral("Messages shown after this point were lost in a server "
                                 "failover: the server no longer has them.");
    m_last = marker.id;
    while (!m_recent.empty() && m_recent.back().first > m_last)
        m_recent.pop_back();
    // From here the log is read from the survivor on, as new messages.
    m_firstPageRead = true;
    m_sink.messages({marker});
    startRead(false);
}

void ChannelSync::finishRead()
{
    m_retryDelayMs = 0;
    if (m_readAgain || m_noticedUpTo > m_last)
        startRead(false);
    else
        m_phase = Phase::Live;
}

} // namespace Confab
