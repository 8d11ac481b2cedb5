#pragma once

#include "chat/ChannelInfo.h"
#include "chat/ChatConfig.h"
#include "chat/ChatKeys.h"
#include "chat/ChatMessage.h"
#include "presence/AccountIndex.h"
#include "presence/Presence.h"

#include "redis/RedisConnection.h"
#include "stats/ServerStats.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QThread>
#include <QTimer>

namespace Confab {

class ChannelListModel;
class DisplayNameDirectory;
class PresenceDirectory;
class TypingTracker;
class MemberListModel;
class MessageLogModel;
class RedisWorker;

// The GUI thread's side of the chat: runs the RedisWorker in its own thread, owns the models
// the views bind to and keeps them up to date from the worker's signals (Redis -> worker ->
// models -> views). User actions come in as calls here and go to the worker as queued calls;
// nothing here waits on Redis. Qt Core only, so the models can be driven without widgets.
class ChatSession : public QObject
{
    Q_OBJECT
public:
    explicit ChatSession(const ChatConfig &config, QObject *parent = nullptr);
    ~ChatSession() override;

    void start();
    // Before start(): connect here instead of the configured server. `label` is how the status
    // bar names it ("the private server"); empty means its address. Each server has its own
    // outbox (next to the configured outbox path, named after the server).
    void setServer(const RedisOptions &options, const QString &label = {});
    // Before start(): the install secret, when it comes from somewhere slow (the keychain).
    void setInstallSecret(const QByteArray &secret);
    // After start(): leaves this server for another (the connection dialog). The channels and
    // logs of the old one are dropped (channelLeft for each); the user name is claimed there
    // and the user's channels on it are joined, as at a start.
    void switchServer(const RedisOptions &options, const QString &label = {});

    QString userName() const { return m_user; }
    bool isReady() const { return !m_user.isEmpty(); }
    RedisConnection::State connectionState() const { return m_state; }
    QString connectionDetail() const { return m_detail; }
    // When the next reconnection attempt is due, while the state is Reconnecting.
    QDeadlineTimer retryDeadline() const { return m_retryDeadline; }
    // Whether the channel's live subscription is confirmed by the server: new messages arrive
    // as they are sent. Otherwise they arrive with the catch-up after reconnecting.
    bool isLive(const QString &channel) const { return m_live.contains(channel); }
    int outboxCount() const { return m_outbox; }
    const RedisOptions &redisOptions() const { return m_config.redis; }
    // The longest message text the protocol takes, in UTF-8 bytes.
    int maxTextBytes() const { return m_config.maxTextBytes; }
    QString endpoint() const { return m_config.redis.endpoint(); }
    // The server as the status bar names it.
    QString serverLabel() const { return m_serverLabel.isEmpty() ? endpoint() : m_serverLabel; }

    // Joined channels and direct conversations, as the channel list shows them.
    ChannelListModel *channels() const { return m_channels; }
    // The log and members of a joined channel; nullptr for others.
    MessageLogModel *log(const QString &channel) const { return m_logs.value(channel); }
    // For benchmarks (a receiver stopped while a backlog arrives): the worker, which lives in
    // its own thread and may only be reached with queued calls.
    RedisWorker *workerForBenchmarks() const;
    MemberListModel *members(const QString &channel) const { return m_members.value(channel); }

    QString currentChannel() const { return m_current; }
    void setCurrentChannel(const QString &channel);
    // While the window is not active, messages in the current channel count as unread too.
    void setWindowActive(bool active);
    void markRead(const QString &channel);
    void showNewMessagesLine(const QString &channel);
    void setScrollback(int rows);

    void joinChannel(const QString &name);
    void leaveChannel(const QString &name);
    // Creates the channel with this topic if it does not exist yet; an existing one is left
    // as it is, without an error (the join dialog's topic is for a new channel).
    void createChannel(const QString &name, const QString &topic);
    // A message the server refused (its row marked "not sent"): sent again as it was, or
    // taken out of the log and given back (to edit in the input), or dropped.
    void retryFailed(const QString &channel, const QByteArray &cid);
    std::optional<ChatMessage> takeFailed(const QString &channel, const QByteArray &cid);
    void sendMessage(const QString &channel, const QString &text,
                     ChatMessage::Type type = ChatMessage::Type::Message);
    void sendDirectMessage(const QString &user, const QString &text);
    void setTopic(const QString &channel, const QString &topic);
    void changeUserName(const QString &name);
    void requestChannelList();
    // Everyone with an account on the server: usersListed, then users().
    void requestUserList();
    // Follows these people's presence too, while a list of them is shown (empty: no more).
    void browsePresence(const QStringList &accounts);
    // A bounded snapshot of the server: serverStatsRead.
    void requestServerStats();
    // The accounts of the last listing (requestUserList), with their presence as read then;
    // presenceOf() has what changed since for those followed or browsed.
    const AccountList &users() const { return m_users; }
    // The same accounts as a list model (display names and presence kept up to date), for
    // the people directory.
    MemberListModel *people() const { return m_people; }

    // "@alice bob" for the conversation between two accounts (PROTOCOL.md, "Direct
    // conversations").
    static QString directChannel(const QString &a, const QString &b);
    static bool isDirectChannel(const QString &channel)
    {
        return ChatKeys::isDirectChannel(channel);
    }
    // For a direct conversation, the other person's display name; the channel otherwise.
    QString displayName(const QString &channel) const;
    // What `account` is called now (its display name, else itself).
    QString displayNameOf(const QString &account) const;
    // In a direct conversation: whether the other person has read my newest message there
    // ("seen"); false elsewhere, or while nothing of mine is in it.
    bool seenByPeer(const QString &channel) const;
    // Everyone I share a conversation with, but me: the members of every channel I am in.
    QStringList knownPeople() const;
    // Where `account` is (offline when unknown), and where everyone followed is.
    Presence presenceOf(const QString &account) const;
    const PresenceDirectory *presence() const { return m_presence; }
    // My own presence: Away by hand (or `idle`), Online, with a status text of mine.
    void setMyPresence(Presence::State state, const QString &status);
    Presence::State myPresence() const { return m_myPresence; }
    QString myStatus() const { return m_myStatus; }
    // Who is typing in each conversation (members only, not me).
    TypingTracker *typing() const { return m_typing; }
    // I am typing in `channel`, or stopped; said to the others unless typing notices are off.
    void setTyping(const QString &channel, bool typing);
    void setTypingNoticesEnabled(bool enabled);
    // Mine; the account name when none is set.
    QString myDisplayName() const { return m_display.isEmpty() ? m_user : m_display; }
    // /nick: what others see changes, the account stays.
    void setDisplayName(const QString &name);
    // Before the account is accepted: the display name to claim it with.
    void setInitialDisplayName(const QString &name);

Q_SIGNALS:
    void ready(const QString &userName);
    void identityChanged(const QString &account, const QString &displayName);
    // The other person of a direct conversation has a new display name.
    void conversationRenamed(const QString &channel);
    // The other person of a direct conversation has read further.
    void peerReadChanged(const QString &channel);
    // Someone's presence changed (the member lists update by themselves).
    void presenceChanged(const QString &account);
    void userRejected(const QString &name, const QString &error);
    void serverChanged(const QString &label);
    void connectionStateChanged(Confab::RedisConnection::State state, const QString &detail);
    void retryScheduled(const QDeadlineTimer &deadline);
    void liveChanged(const QString &channel, bool live);
    void outboxChanged(int count);
    void channelJoined(const QString &channel);
    void channelLeft(const QString &channel);
    void currentChannelChanged(const QString &channel);
    void channelsListed(const Confab::ChannelInfoList &channels);
    // users() is new; `complete` is false if there were too many to list.
    void usersListed(bool complete);
    void serverStatsRead(const Confab::ServerStats &stats);
    // A message that mentions me, or a direct message, arrived while I was not looking.
    void attentionNeeded(const QString &channel, const Confab::ChatMessage &message);
    void errorOccurred(const QString &message);
    void sendFailed(const QString &channel, const QString &error);

private:
    void createWorker();
    QString outboxPathFor(const RedisOptions &server) const;
    void onChannelJoined(const ChannelInfo &info);
    void onChannelLeft(const QString &name);
    void onMessages(const QString &channel, const ChatMessageList &messages);
    void onHistory(const QString &channel, const ChatMessageList &messages, bool reachedStart);
    void onUnreadLoaded(const QString &channel, const ChatMessageList &messages);
    void saveReadMark(const QString &channel, const StreamId &id);
    void sendReadMarks();
    void updateFromMessages(const QString &channel, const ChatMessageList &messages);
    static void applyMembership(MemberListModel *members, const ChatMessage &message);
    void setDisplayNameOf(const QString &account, const QString &display);
    void onDisplayNameChanged(const QString &account);
    template<typename F> void toWorker(F &&f);

    ChatConfig m_config;
    QString m_serverLabel;
    AccountList m_users;
    MemberListModel *m_people = nullptr;
    QThread m_thread;
    QPointer<RedisWorker> m_worker;
    ChannelListModel *m_channels = nullptr;
    QHash<QString, MessageLogModel *> m_logs;
    QHash<QString, MemberListModel *> m_members;
    QString m_user;
    QString m_display;
    DisplayNameDirectory *m_displayNames = nullptr;
    PresenceDirectory *m_presence = nullptr;
    TypingTracker *m_typing = nullptr;
    QHash<QString, StreamId> m_peerRead; // direct conversation -> how far the other has read
    bool m_typingNotices = true;
    Presence::State m_myPresence = Presence::State::Online;
    QString m_myStatus;
    QString m_current;
    bool m_windowActive = true;
    int m_scrollback = 10000;
    RedisConnection::State m_state = RedisConnection::State::Disconnected;
    QString m_detail;
    QDeadlineTimer m_retryDeadline;
    QSet<QString> m_live;
    // Unread counting at start: the catch-up after the read mark and live delivery overlap;
    // each message is counted by one of them.
    QHash<QString, StreamId> m_unreadCountedTo;
    QHash<QString, StreamId> m_firstLiveUnread;
    // The first unread message of each conversation with unread ones: where the "new
    // messages" line goes when it is opened.
    QHash<QString, StreamId> m_firstUnread;
    QHash<QString, StreamId> m_readMarks; // not sent to the worker yet
    QTimer m_readMarkTimer;
    int m_outbox = 0;
};

} // namespace Confab
