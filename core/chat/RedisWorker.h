#pragma once

#include "ChannelInfo.h"
#include "ChatConfig.h"
#include "ChatKeys.h"
#include "ChatMessage.h"
#include "Outbox.h"

#include "presence/AccountIndex.h"
#include "presence/Presence.h"
#include "redis/RedisClient.h"
#include "stats/ServerStats.h"

#include <QHash>
#include <QObject>
#include <QSet>

#include <functional>
#include <memory>

class QTimer;

namespace Confab {

class AccountIndex;
class ChannelSync;
class LegacyUpgrade;
class MessageBatcher;
class PresenceHeartbeat;
class PresenceTracker;
class ReadReceipts;
class ServerStatsReader;
class TypingNotifier;

// The chat layer's worker: lives in its own QThread (moveToThread, then start() from that
// thread) and owns everything that talks to Redis there: a command connection, a subscriber
// connection and one ChannelSync per watched channel. The GUI reaches it only through queued
// slots and hears back only through signals, so it never waits on Redis.
class RedisWorker : public QObject
{
    Q_OBJECT
public:
    explicit RedisWorker(const ChatConfig &config, QObject *parent = nullptr);
    ~RedisWorker() override;

    // For tests and the CLI, which may run the worker in their own thread.
    RedisClient *commandConnection() const { return m_commands; }
    RedisClient *subscriberConnection() const { return m_subscriber; }
    PresenceTracker *presenceTracker() const { return m_presence; }

public Q_SLOTS:
    // Connects, claims the user name, rejoins the user's channels and sends the outbox.
    void start();
    // Saves the outbox and disconnects.
    void stop();

    // An existing channel is an error, unless `existingIsFine` (the join dialog's topic is
    // for a new channel only).
    void createChannel(const QString &name, const QString &topic, bool existingIsFine = false);
    // Creates the channel if needed (not an error), joins it and starts receiving it.
    void joinChannel(const QString &name);
    void leaveChannel(const QString &name);
    // Receives a channel without joining it (confab-cli tail); `after` resumes after that id.
    void watchChannel(const QString &name, const Confab::StreamId &after = {});
    void listChannels();
    void listMembers(const QString &channel);
    // Everyone with an account here (the people directory, PROTOCOL.md), with their presence
    // as it was when read: usersListed.
    void listUsers();
    // A bounded snapshot of the server (ServerStatsReader): serverStatsRead.
    void readServerStats();
    // `cid` identifies the message to the caller (a pending row); a new one if empty.
    void sendMessage(const QString &channel, const QString &text,
                     Confab::ChatMessage::Type type = ChatMessage::Type::Message,
                     const QByteArray &cid = {});
    void setTopic(const QString &channel, const QString &topic);
    // An older page: entries before `before` (the newest page for a null id), ascending; `count`
    // (default historyPageSize) is capped at ChatConfig::catchUpPageSize, so more takes pages.
    void loadOlder(const QString &channel, const Confab::StreamId &before, int count = 0);
    // The user has read the channel up to `id`. Kept on the server (user:NAME:read), so that
    // another start, or another install of the same user, knows what is new. Written at once:
    // callers call it sparingly (ChatSession: once a second per channel).
    void markRead(const QString &channel, const Confab::StreamId &id);
    // Before the account was accepted (the name was taken), tries this account instead; does
    // nothing afterwards: an account never changes.
    void changeUserName(const QString &name);
    // Changes what others see (/nick): stored with the account, and said with a nick entry in
    // every joined channel. Empty (or the account name) goes back to the account name.
    void setDisplayName(const QString &name);
    // Before the account is accepted: the display name it is claimed with.
    void setInitialDisplayName(const QString &name) { m_config.displayName = name; }
    // Opens (creating if needed) the direct conversation with `user`, tells them about it, and
    // sends `text` there if there is one.
    void openDirectChannel(const QString &user, const QString &text = {});
    // The user's own presence (PROTOCOL.md, "Presence"). `ttlMs` > 0: it lasts that long and
    // is not renewed (confab-cli presence, for bots); < 0: it lasts -ttlMs and is renewed
    // every third of that while this runs; 0: the configured timing.
    void setPresence(Confab::Presence::State state, const QString &status, int ttlMs = 0);
    // Follows these accounts' presence (members are followed by themselves).
    void watchPresence(const QStringList &accounts);
    // Follows these accounts too until the next call (the people directory while it is open;
    // an empty list ends it).
    void browsePresence(const QStringList &accounts);
    // The user is typing in `channel` (every keystroke may call it: TypingNotifier
    // throttles), or stopped (sent, cleared the input, left the conversation).
    void setTyping(const QString &channel, bool typing);

Q_SIGNALS:
    // Both connections together: Connected only when both are.
    void connectionStateChanged(Confab::RedisConnection::State state, const QString &detail);
    // While Reconnecting: the next attempt is due in `delayMs`. Apart from the state, so that
    // the status bar can count down rather than show a number that goes stale.
    void retryScheduled(qint64 delayMs);
    // Whether the server confirmed the channel's live subscription: true once it did, false
    // when the subscriber connection drops (and again true after the resubscription).
    void channelLiveChanged(const QString &channel, bool live);
    void userReady(const QString &name);
    // Who we are: the account (fixed) and the display name (the account if none is set).
    void identityChanged(const QString &account, const QString &displayName);
    void userRejected(const QString &name, const QString &error);
    void channelJoined(const Confab::ChannelInfo &info);
    // The server has answered the writes of a join to the user's and the public lists (on a
    // cluster, other nodes than the log's): after this, exiting loses nothing of the join.
    void joinRecorded(const QString &name);
    void channelLeft(const QString &name);
    // The server has answered everything a leave wrote; `error` is empty when all of it took.
    void leaveAnswered(const QString &name, const QString &error);
    void channelCreated(const Confab::ChannelInfo &info);
    void channelsListed(const Confab::ChannelInfoList &channels);
    // Sorted by account; `complete` is false when there were too many to list them all.
    void usersListed(const Confab::AccountList &accounts, bool complete);
    void serverStatsRead(const Confab::ServerStats &stats);
    // The channel's members as of the log entry `asOf` (null: the log was empty).
    void membersListed(const QString &channel, const QStringList &members,
                       const Confab::StreamId &asOf);
    // The display names of accounts that have one (after membersListed).
    void displayNamesLoaded(const QHash<QString, QString> &displayNames);
    // New messages of one channel, ascending, coalesced: at most once per event-loop pass.
    void messagesReceived(const QString &channel, const Confab::ChatMessageList &messages);
    void historyLoaded(const QString &channel, const Confab::ChatMessageList &messages,
                       bool reachedStart);
    // At start, for a restored channel with a read mark: what was written after it, at most
    // ChatConfig::catchUpPageSize entries, oldest first. The receiver counts what is unread.
    void unreadLoaded(const QString &channel, const Confab::ChatMessageList &messages);
    // A loadOlder() that could not be answered (the reason went to errorOccurred).
    void historyFailed(const QString &channel);
    void messageSent(const QString &channel, const QByteArray &cid, const Confab::StreamId &id);
    void sendFailed(const QString &channel, const QByteArray &cid, const QString &error);
    // Messages not yet confirmed by the server; reported only when the count has changed,
    // at most every 100 ms.
    void outboxChanged(int count);
    // Where people are: what changed, batched (PresenceTracker).
    void presenceChanged(const Confab::PresenceList &changes);
    // How far the other person of a direct conversation has read it (from the server, after a
    // notice or on opening it).
    void peerReadChanged(const QString &channel, const Confab::StreamId &id);
    // Someone says they started or stopped typing in a conversation (a notice; untrusted).
    void typingNoticed(const QString &channel, const QString &account, bool typing);
    // A setPresence() was written (empty error) or not.
    void presenceSet(const QString &error);
    // Something the user should read (status bar, stderr), already phrased for them.
    void errorOccurred(const QString &message);
    // The same, about one conversation only (its log cannot be read, it cannot be rejoined):
    // the others go on as they were.
    void channelFailed(const QString &channel, const QString &message);

private:
    void whenUserReady(std::function<void()> action);
    void goOffline();
    void onCommandsConnected();
    void onCommandsStateChanged();
    void onSubscriberStateChanged(RedisConnection::State state);
    void onSubscribed(RedisConnection::Kind kind, const QByteArray &pubsubChannel);
    void onMessage(const QByteArray &pubsubChannel, const QByteArray &payload);
    // `again`: a claim after a reconnect, while signed in.
    void claimUser(const QString &name, std::function<void()> onClaimed, bool again = false);
    void loadDisplayNames(const QStringList &accounts);
    void readDisplayName(const QString &account, std::function<void()> done);
    QString displayName() const;
    // "#dev", or "@bob" for our direct conversation with bob.
    QString shownName(const QString &channel) const;
    void becomeReady();
    void join(const QString &name, StreamId after);
    void restoreChannels();
    void restoreChannel(const QString &channel, const StreamId &readMark);
    void rejoin(const QString &channel);
    void fetchChannelInfo(const QString &name, std::function<void(const ChannelInfo &)> done);
    void post(const QString &channel, const QString &from, ChatMessage::Type type,
              const QString &text, const QByteArray &cid, RedisConnection::Callback done);
    void postOutgoing(const OutgoingMessage &message);
    void flushOutbox();
    void scheduleOutboxRetry();
    void saveOutbox();
    void saveOutboxSoon();
    void reportOutboxSoon();
    void reportOutbox();
    void unwatchChannel(const QString &name);
    bool checkChannelName(const QString &name, const QString &action);
    void emitConnectionState();

    ChatConfig m_config;
    ChatKeys m_keys;
    QString m_user; // the account
    QString m_display; // empty: the account name
    // The server may hold version-1 data (no namespace): claims also reserve the version-1
    // name, and a version-1 account is carried over (LegacyUpgrade).
    bool m_legacyData = true;
    bool m_shardedNotices = false; // SPUBLISH (a cluster of Redis 7), else PUBLISH
    std::unique_ptr<LegacyUpgrade> m_upgrade;
    bool m_userReady = false;
    std::vector<std::function<void()>> m_whenUserReady;
    RedisClient *m_commands = nullptr;
    RedisClient *m_subscriber = nullptr;
    MessageBatcher *m_batcher = nullptr;
    PresenceTracker *m_presence = nullptr;
    PresenceHeartbeat *m_heartbeat = nullptr;
    TypingNotifier *m_typing = nullptr;
    ReadReceipts *m_receipts = nullptr;
    AccountIndex *m_accounts = nullptr;
    ServerStatsReader *m_stats = nullptr;
    QTimer *m_saveTimer = nullptr;
    QTimer *m_outboxReportTimer = nullptr;
    QTimer *m_outboxRetryTimer = nullptr;
    int m_outboxRetryDelay = 0; // ms; doubles per retry, back to 0 once a post goes through
    int m_reportedOutbox = 0;
    // Whatever changes m_syncs clears m_lastNotice.
    QHash<QString, std::shared_ptr<ChannelSync>> m_syncs;
    // The pub/sub channel of the last notice delivered to a sync, and that sync: a flood
    // brings one notice per entry, nearly always for the channel of the one before, and
    // decoding its name and looking it up for each was a fifth of this thread's time.
    struct LastNotice
    {
        QByteArray pubsubChannel;
        std::shared_ptr<ChannelSync> sync;
    };
    LastNotice m_lastNotice;
    QSet<QString> m_joined;
    QSet<QString> m_left; // left in this run: a refused outbox message does not rejoin them
    Outbox m_outbox;
    QSet<QByteArray> m_inFlight;
    QSet<QByteArray> m_retriedAfterJoin; // cids refused with NOTMEMBER once already
    QString m_lastDetail;
};

} // namespace Confab
