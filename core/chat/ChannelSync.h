#pragma once

#include "ChatKeys.h"
#include "ChatMessage.h"
#include "MessageCodec.h"

#include <QPointer>

#include <functional>
#include <memory>
#include <vector>

namespace Confab {

class RedisConnection;

// The no-loss, no-duplicate rule for one channel (PROTOCOL.md, "Catch-up"):
//  1. the subscription is confirmed first; live notices from then on are buffered;
//  2. the stream is read from the last delivered id (or its newest page, the first time);
//  3. stream entries and buffered notices are merged in id order, dropping every id at or
//     below the last delivered one.
// This runs on the first subscription and again after every reconnect. If the last delivered
// entry was trimmed away meanwhile, an Expired marker says that messages may be missing.
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

    ChannelSync(QString channel, ChatKeys keys, RedisConnection *commands, Sink sink,
                int firstPageSize, int catchUpPageSize);
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
    // A pub/sub message for this channel.
    void notice(const MessageCodec::Notice &notice);
    // The command connection is back: resume a catch-up that it interrupted.
    void commandsReconnected();

private:
    enum class Phase { WaitingForSubscription, CatchingUp, WaitingForCommands, Live };

    void startCatchUp();
    void readFirstPage();
    void readSince(StreamId after, bool checkTrimmed);
    void finishCatchUp();
    bool handleFailure(const RedisReply &reply);
    std::function<bool()> stillCurrent();

    QString m_channel;
    ChatKeys m_keys;
    QByteArray m_logKey;
    QPointer<RedisConnection> m_commands;
    Sink m_sink;
    int m_firstPageSize;
    int m_catchUpPageSize;
    Phase m_phase = Phase::WaitingForSubscription;
    StreamId m_last;
    std::vector<MessageCodec::Notice> m_buffer;
    quint64 m_epoch = 0;
    // Lets callbacks that outlive this object (it is deleted on /leave) notice that it is gone.
    std::shared_ptr<int> m_alive = std::make_shared<int>(0);
};

} // namespace Confab
