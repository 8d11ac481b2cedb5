#include "ChannelSync.h"

#include "redis/RedisClient.h"

#include <QLoggingCategory>

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
    m_sink.error(
        QStringLiteral("Cannot read the history of #%1: %2").arg(m_channel, reply.toString()));
    // Try again with the next notice.
    m_phase = Phase::Live;
    m_readAgain = false;
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
            page.reserve(reply.size());
            for (qsizetype i = reply.size() - 1; i >= 0; --i) {
                if (auto message = MessageCodec::fromStreamEntry(m_channel, reply.at(i)))
                    page << *message;
                else
                    qCWarning(lcSync) << "skipping an unreadable entry in" << m_logKey;
            }
            if (!page.isEmpty())
                m_last = page.last().id;
            m_firstPageRead = true;
            m_sink.firstPage(page, reply.size() < m_firstPageSize);
            finishRead();
        });
}

void ChannelSync::readSince(StreamId after, bool checkTrimmed)
{
    auto current = stillCurrent();
    const QByteArray afterId = after.toByteArray();
    // Pipelined with the read: does the last entry we delivered still exist? Trimming removes
    // the oldest entries first, so if it is gone, entries after it may be gone too.
    auto lastStillThere = std::make_shared<bool>(true);
    if (checkTrimmed) {
        m_commands->command({"XRANGE", m_logKey, afterId, afterId},
                            [current, lastStillThere](const RedisReply &reply) {
                                if (current() && reply.isArray())
                                    *lastStillThere = reply.size() > 0;
                            });
    }
    m_commands->command(
        {"XRANGE", m_logKey, "(" + afterId, "+", "COUNT", QByteArray::number(m_catchUpPageSize)},
        [this, current, lastStillThere](const RedisReply &reply) {
            if (!current() || handleFailure(reply))
                return;
            // Ask for the next page before decoding this one, so the server and we overlap.
            bool more = false;
            if (reply.size() >= m_catchUpPageSize) {
                if (const auto lastId = StreamId::parse(reply.at(reply.size() - 1).at(0).bytes())) {
                    readSince(*lastId, false);
                    more = true;
                }
            }
            ChatMessageList page;
            page.reserve(reply.size() + 1);
            for (const RedisReply &entry : reply.elements()) {
                auto message = MessageCodec::fromStreamEntry(m_channel, entry);
                if (!message) {
                    qCWarning(lcSync) << "skipping an unreadable entry in" << m_logKey;
                    continue;
                }
                if (message->id <= m_last)
                    continue;
                if (!*lastStillThere && page.isEmpty()) {
                    ChatMessage expired;
                    expired.id = predecessor(message->id);
                    expired.channel = m_channel;
                    expired.type = ChatMessage::Type::Expired;
                    expired.text =
                        QStringLiteral("Older messages expired before they could be shown.");
                    page << expired;
                }
                page << *message;
            }
            if (!page.isEmpty()) {
                m_last = page.last().id;
                m_sink.messages(page);
            }
            if (!more)
                finishRead();
        });
}

void ChannelSync::finishRead()
{
    if (m_readAgain || m_noticedUpTo > m_last)
        startRead(false);
    else
        m_phase = Phase::Live;
}

} // namespace Confab
