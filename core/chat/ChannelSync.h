#pragma once

#include "ChatKeys.h"
#include "ChatMessage.h"
#include "MessageCodec.h"

#include <QPointer>

#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace Confab {

class RedisClient;

// The delivery rule for one conversation (PROTOCOL.md, "Reading"): the log is the truth.
//  1. the subscription is confirmed first; from then on a notice only says "read the log";
//  2. the stream is read after the last delivered id (or its newest page, the first time),
//     page by page, and exactly what it holds is delivered, in its order, once;
//  3. a notice that arrived during a read makes one more read when it is done, unless it
//     names an id already delivered.
// This runs on the first subscription and again after every reconnect. If the last delivered
// entry was trimmed away meanwhile, an Expired marker says that messages may be missing.
// If instead the log is behind it (the entry is gone but older ones are still there, or the
// log is empty), the node may be the wrong one (a replica being promoted, an old master back
// before it learns that it was replaced): nothing is delivered or skipped until the client
// confirms that this node is the master for the log. If it is and the log is still behind,
// what was shown after the newest surviving entry was lost in a failover: a RolledBack marker
// says so, and reading goes on from that entry, so that whatever the new master wrote in
// between is delivered, not skipped.
// Nothing a notice says is delivered, so a wrong or hostile one costs a read, nothing more.
class ChannelSync
{
public:
    struct Sink
    {
        // New messages, ascending, all newer than anything delivered before.
        std::function<void(const ChatMessageList &)> messages;
        // The newest page when the channel is first read (ascending), and whether it is all.
        std::function<void(const ChatMessageList &, bool reachedStart)> firstPage;
        std::function<void(const QString &)> error;
    };

    ChannelSync(QString channel, ChatKeys keys, RedisClient *commands, Sink sink, int firstPageSize,
                int catchUpPageSize);
    ~ChannelSync();

    const QString &channel() const { return m_channel; }
    StreamId lastDelivered() const { return m_last; }
    // Resumes after the given id instead of reading the newest page (a restored session);
    // an id with ms 0 (such as 0-1) delivers the whole stream as new messages.
    void setLastDelivered(StreamId id) { m_last = id; }
    bool isLive() const { return m_phase == Phase::Live; }

    // The subscriber connection confirmed the subscription (first time or after a reconnect).
    void subscribed();
    // The subscriber connection went down: what is published meanwhile is missed until the
    // next subscribed().
    void subscriptionLost();
    // A pub/sub notice for this conversation, with the id it names if it names one.
    void notice(const std::optional<StreamId> &id);
    // The command connection is back: resume a catch-up that it interrupted.
    void commandsReconnected();

private:
    enum class Phase {
        WaitingForSubscription,
        Reading,
        WaitingForCommands,
        WaitingForAuthority,
        Live
    };
    // What the entries at and before the last delivered id say about the log.
    struct LastCheck
    {
        bool lastThere = true;
        std::optional<StreamId> newestUpToLast; // unset: none at or before it
        bool answered = false;
    };

    void startCatchUp();
    void startRead(bool checkTrimmed);
    void readFirstPage();
    void readSince(StreamId after, bool checkTrimmed);
    void finishRead();
    void checkAuthority();
    void findSurvivor();
    void rollBackTo(const std::optional<StreamId> &survivor);
    void remember(const ChatMessageList &delivered);
    bool wasDelivered(const StreamId &id, const QByteArray &cid) const;
    bool handleFailure(const RedisReply &reply);
    std::function<bool()> stillCurrent();

    QString m_channel;
    ChatKeys m_keys;
    QByteArray m_logKey;
    QPointer<RedisClient> m_commands;
    Sink m_sink;
    int m_firstPageSize;
    int m_catchUpPageSize;
    Phase m_phase = Phase::WaitingForSubscription;
    StreamId m_last;
    // Notices that came while reading: read once more when done, unless all of them named
    // ids that the read delivered. Reset with each read, so a notice that lies costs one read.
    bool m_readAgain = false;
    StreamId m_noticedUpTo;
    // The newest page was shown (an empty log has no id to go on from): later reads are new
    // messages, from the start of the log.
    bool m_firstPageRead = false;
    quint64 m_epoch = 0;
    // The newest delivered entries (id, hash of cid): after a failover they tell which of the
    // entries at or before the last delivered one are those we showed (they survived) and
    // which a new master wrote since with an older id (its clock behind), to be shown.
    static constexpr std::size_t RecentCapacity = 2048;
    std::deque<std::pair<StreamId, size_t>> m_recent;
    // Backoff while reads of the log fail (0: the last one succeeded).
    int m_retryDelayMs = 0;
    // Backoff while the node holding the log is not confirmed to be its master.
    int m_authorityDelayMs = 0;
    // The log was found behind once and the client has confirmed the node since: the next
    // read that finds it behind again rolls back.
    bool m_authorityConfirmed = false;
    // Lets callbacks that outlive this object (it is deleted on /leave) notice that it is gone.
    std::shared_ptr<int> m_alive = std::make_shared<int>(0);
};

} // namespace Confab
