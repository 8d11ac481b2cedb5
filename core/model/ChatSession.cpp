#include "ChatSession.h"

#include "ChannelListModel.h"
#include "DisplayNameDirectory.h"
#include "MemberListModel.h"
#include "MentionRule.h"
#include "MessageLogModel.h"
#include "NameOrder.h"
#include "PresenceDirectory.h"
#include "TypingTracker.h"

#include "chat/ChatKeys.h"
#include "chat/NameRule.h"
#include "chat/RedisWorker.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>

namespace Confab {

namespace {

bool countsAsUnread(const ChatMessage &message)
{
    return message.type == ChatMessage::Type::Message || message.type == ChatMessage::Type::Action
        || message.type == ChatMessage::Type::Unknown;
}

} // namespace

ChatSession::ChatSession(const ChatConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_channels(new ChannelListModel(this))
{
    m_displayNames = new DisplayNameDirectory(this);
    m_presence = new PresenceDirectory(this);
    m_typing = new TypingTracker(this);
    m_people = new MemberListModel(this);
    m_people->setDisplayNames(m_displayNames);
    m_people->setPresence(m_presence);
    connect(m_presence, &PresenceDirectory::changed, this, [this](const QString &account) {
        Q_EMIT presenceChanged(account);
        // A direct conversation's row shows the other person's presence.
        if (account != m_user) {
            const int row = m_channels->indexOf(ChatKeys::directChannel(m_user, account));
            if (row >= 0)
                Q_EMIT m_channels->dataChanged(m_channels->index(row), m_channels->index(row));
        }
    });
    connect(m_displayNames, &DisplayNameDirectory::changed, this,
            &ChatSession::onDisplayNameChanged);
    m_thread.setObjectName(QStringLiteral("redis-worker"));
    m_readMarkTimer.setSingleShot(true);
    m_readMarkTimer.setInterval(1000);
    connect(&m_readMarkTimer, &QTimer::timeout, this, &ChatSession::sendReadMarks);
    createWorker();
}

void ChatSession::createWorker()
{
    ChatConfig config = m_config;
    config.outboxPath = outboxPathFor(m_config.redis);
    // The desktop app is where the user is: it shows them online while it runs.
    config.announcePresence = true;
    auto *worker = new RedisWorker(config);
    m_worker = worker;
    if (m_myPresence != Presence::State::Online || !m_myStatus.isEmpty())
        QMetaObject::invokeMethod(
            worker,
            [worker, state = m_myPresence, status = m_myStatus] {
                worker->setPresence(state, status);
            },
            Qt::QueuedConnection);
    worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, worker, &QObject::deleteLater);

    // All of these cross threads, so they are queued: the worker never waits for us, nor we for it.
    connect(worker, &RedisWorker::userReady, this, [this](const QString &name) {
        m_user = name;
        m_people->setMyName(name);
        m_channels->setMyName(name);
        for (MessageLogModel *log : std::as_const(m_logs))
            log->setMyName(name);
        for (MemberListModel *members : std::as_const(m_members))
            members->setMyName(name);
        Q_EMIT ready(name);
    });
    connect(worker, &RedisWorker::identityChanged, this,
            [this](const QString &account, const QString &display) {
                m_display = display;
                setDisplayNameOf(account, display);
                Q_EMIT identityChanged(account, display);
            });
    connect(worker, &RedisWorker::displayNamesLoaded, this,
            [this](const QHash<QString, QString> &names) {
                for (auto it = names.cbegin(); it != names.cend(); ++it)
                    setDisplayNameOf(it.key(), it.value());
            });
    connect(worker, &RedisWorker::presenceChanged, m_presence, &PresenceDirectory::update);
    connect(worker, &RedisWorker::peerReadChanged, this,
            [this](const QString &channel, const StreamId &id) {
                m_peerRead.insert(channel, id);
                Q_EMIT peerReadChanged(channel);
            });
    connect(worker, &RedisWorker::typingNoticed, this,
            [this](const QString &channel, const QString &account, bool typing) {
                // Anyone may publish there; only the conversation's members are shown.
                const MemberListModel *members = m_members.value(channel);
                if (!m_typingNotices || account == m_user || !members
                    || members->indexOf(account) < 0)
                    return;
                m_typing->noticed(channel, account, typing);
            });
    connect(worker, &RedisWorker::userRejected, this, &ChatSession::userRejected);
    connect(worker, &RedisWorker::connectionStateChanged, this,
            [this](RedisConnection::State state, const QString &detail) {
                m_state = state;
                m_detail = detail;
                Q_EMIT connectionStateChanged(state, detail);
            });
    connect(worker, &RedisWorker::retryScheduled, this, [this](qint64 delayMs) {
        m_retryDeadline = QDeadlineTimer(delayMs);
        Q_EMIT retryScheduled(m_retryDeadline);
    });
    connect(worker, &RedisWorker::channelLiveChanged, this,
            [this](const QString &channel, bool live) {
                if (live == m_live.contains(channel))
                    return;
                if (live)
                    m_live.insert(channel);
                else
                    m_live.remove(channel);
                Q_EMIT liveChanged(channel, live);
            });
    connect(worker, &RedisWorker::outboxChanged, this, [this](int count) {
        m_outbox = count;
        Q_EMIT outboxChanged(count);
    });
    connect(worker, &RedisWorker::channelJoined, this, &ChatSession::onChannelJoined);
    connect(worker, &RedisWorker::channelLeft, this, &ChatSession::onChannelLeft);
    connect(worker, &RedisWorker::channelsListed, this, &ChatSession::channelsListed);
    connect(worker, &RedisWorker::usersListed, this,
            [this](const AccountList &accounts, bool complete) {
                m_users = accounts;
                PresenceList unknown;
                for (const AccountEntry &entry : accounts) {
                    if (!entry.displayName.isEmpty())
                        setDisplayNameOf(entry.account, entry.displayName);
                    // What the listing read, for those nobody followed yet: a tracker's
                    // report is newer and wins.
                    if (!m_presence->contains(entry.account))
                        unknown << entry.presence;
                }
                if (!unknown.isEmpty())
                    m_presence->update(unknown);
                QStringList names;
                names.reserve(accounts.size());
                for (const AccountEntry &entry : accounts)
                    names << entry.account;
                m_people->setMembers(names);
                Q_EMIT usersListed(complete);
            });
    connect(worker, &RedisWorker::serverStatsRead, this, &ChatSession::serverStatsRead);
    connect(worker, &RedisWorker::membersListed, this,
            [this](const QString &channel, const QStringList &names, const StreamId &asOf) {
                MemberListModel *members = m_members.value(channel);
                if (!members)
                    return;
                members->setMembers(names);
                // Joins and leaves already shown that the list predates go on top of it again.
                const MessageLogModel *log = m_logs.value(channel);
                int row = log ? log->rowCount() : 0;
                while (row > 0 && asOf < log->messageAt(row - 1).id)
                    --row;
                for (; log && row < log->rowCount(); ++row)
                    applyMembership(members, log->messageAt(row));
            });
    connect(worker, &RedisWorker::messagesReceived, this, &ChatSession::onMessages);
    connect(worker, &RedisWorker::historyLoaded, this, &ChatSession::onHistory);
    connect(worker, &RedisWorker::unreadLoaded, this, &ChatSession::onUnreadLoaded);
    connect(worker, &RedisWorker::historyFailed, this, [this](const QString &channel) {
        if (MessageLogModel *log = m_logs.value(channel))
            log->historyRequestFailed();
    });
    connect(worker, &RedisWorker::errorOccurred, this, &ChatSession::errorOccurred);
    connect(worker, &RedisWorker::channelFailed, this,
            [this](const QString &, const QString &message) { Q_EMIT errorOccurred(message); });
    connect(worker, &RedisWorker::sendFailed, this,
            [this](const QString &channel, const QByteArray &cid, const QString &error) {
                if (MessageLogModel *log = m_logs.value(channel))
                    log->setPendingFailed(
                        cid, tr("not sent: %1 (right-click to retry, edit or discard)").arg(error));
                Q_EMIT sendFailed(channel, error);
            });
}

void ChatSession::retryFailed(const QString &channel, const QByteArray &cid)
{
    if (const std::optional<ChatMessage> message = takeFailed(channel, cid))
        sendMessage(channel, message->text, message->type);
}

std::optional<ChatMessage> ChatSession::takeFailed(const QString &channel, const QByteArray &cid)
{
    MessageLogModel *log = m_logs.value(channel);
    return log ? log->takePending(cid) : std::nullopt;
}

ChatSession::~ChatSession()
{
    // What was read in the last second still goes out, before the worker's thread ends.
    if (!m_readMarks.isEmpty())
        sendReadMarks();
    m_thread.quit();
    m_thread.wait();
}

template<typename F> void ChatSession::toWorker(F &&f)
{
    if (m_worker)
        QMetaObject::invokeMethod(m_worker, std::forward<F>(f), Qt::QueuedConnection);
}

void ChatSession::start()
{
    if (m_thread.isRunning())
        return;
    m_thread.start();
    toWorker([w = m_worker] { w->start(); });
}

void ChatSession::setServer(const RedisOptions &options, const QString &label)
{
    if (m_thread.isRunning())
        return;
    m_config.redis = options;
    m_serverLabel = label;
    // Its thread has not started, so the worker handles no events: it can go, and the one
    // made for this server (with that server's outbox) takes its place.
    delete m_worker.data();
    createWorker();
    Q_EMIT serverChanged(serverLabel());
}

void ChatSession::setInstallSecret(const QByteArray &secret)
{
    if (m_thread.isRunning())
        return;
    m_config.installSecret = secret;
    // As in setServer(): the worker has handled nothing yet.
    delete m_worker.data();
    createWorker();
}

QString ChatSession::outboxPathFor(const RedisOptions &server) const
{
    // One outbox per server (and database and user): what was written for one server must
    // never go out on another after a switch, and waits there for the way back.
    if (m_config.outboxPath.isEmpty())
        return {};
    const QString identity =
        server.endpoint() + u'/' + QString::number(server.db) + u'/' + server.username;
    const QByteArray tag =
        QCryptographicHash::hash(identity.toUtf8(), QCryptographicHash::Sha1).toHex().left(12);
    const QFileInfo base(m_config.outboxPath);
    return base.dir().filePath(base.completeBaseName() + u'-' + QString::fromLatin1(tag) + u'.'
                               + base.suffix());
}

void ChatSession::switchServer(const RedisOptions &options, const QString &label)
{
    if (!m_thread.isRunning()) {
        setServer(options, label);
        return;
    }
    // Nothing learnt from the old server holds on the new one: its channels and logs go as if
    // left, so that the views let go of them first.
    if (!m_readMarks.isEmpty())
        sendReadMarks(); // to the old server, whose channels they are
    const QStringList joined = m_logs.keys();
    for (const QString &channel : joined)
        onChannelLeft(channel);
    // The old worker ends before the new one starts: it saves the outbox the new one reads.
    // Waiting here is for that thread to finish the event it is handling, never for Redis.
    disconnect(m_worker, nullptr, this, nullptr);
    m_thread.quit();
    m_thread.wait();
    // What it said before it was disconnected, and has not been delivered yet, is stale.
    QCoreApplication::removePostedEvents(this, QEvent::MetaCall);

    if (!m_user.isEmpty())
        m_config.userName = m_user; // the name in use (after a /nick), claimed again there
    m_user.clear();
    m_live.clear();
    m_presence->clear(); // another server, other people
    m_typing->clear();
    m_retryDeadline = QDeadlineTimer();
    m_config.redis = options;
    m_serverLabel = label;
    m_state = RedisConnection::State::Connecting;
    m_detail.clear();
    // The new server's outbox is another one; its worker reports it if it holds anything.
    m_outbox = 0;
    Q_EMIT serverChanged(serverLabel());
    Q_EMIT connectionStateChanged(m_state, m_detail);
    Q_EMIT outboxChanged(m_outbox);

    createWorker();
    m_thread.start();
    toWorker([w = m_worker] { w->start(); });
}

QString ChatSession::directChannel(const QString &a, const QString &b)
{
    return ChatKeys::directChannel(a, b);
}

QString ChatSession::displayName(const QString &channel) const
{
    const QString peer = ChatKeys::directPeer(channel, m_user);
    if (!peer.isEmpty())
        return displayNameOf(peer);
    return channel;
}

void ChatSession::setTyping(const QString &channel, bool typing)
{
    if (!m_typingNotices && typing)
        return;
    toWorker([w = m_worker, channel, typing] { w->setTyping(channel, typing); });
}

void ChatSession::setTypingNoticesEnabled(bool enabled)
{
    m_typingNotices = enabled;
    if (!enabled)
        m_typing->clear();
}

bool ChatSession::seenByPeer(const QString &channel) const
{
    const auto read = m_peerRead.constFind(channel);
    const MessageLogModel *log = m_logs.value(channel);
    if (read == m_peerRead.cend() || read->isNull() || !log)
        return false;
    for (int row = log->rowCount() - 1; row >= 0; --row) {
        const ChatMessage message = log->messageAt(row);
        if (message.from != m_user)
            continue;
        // Still on its way (a pending row): not seen yet, whatever came before it.
        return !message.id.isNull() && !(*read < message.id);
    }
    return false;
}

QStringList ChatSession::knownPeople() const
{
    QSet<QString> people;
    for (const MemberListModel *members : std::as_const(m_members)) {
        for (const QString &account : members->members())
            people.insert(account);
    }
    people.remove(m_user);
    QStringList sorted(people.cbegin(), people.cend());
    std::sort(sorted.begin(), sorted.end(),
              [](const QString &a, const QString &b) { return NameOrder::lessThan(a, b); });
    return sorted;
}

Presence ChatSession::presenceOf(const QString &account) const
{
    return m_presence->presenceOf(account);
}

void ChatSession::setMyPresence(Presence::State state, const QString &status)
{
    if (state == m_myPresence && status == m_myStatus)
        return;
    m_myPresence = state;
    m_myStatus = status;
    toWorker([w = m_worker, state, status] { w->setPresence(state, status); });
}

QString ChatSession::displayNameOf(const QString &account) const
{
    return m_displayNames->displayName(account);
}

void ChatSession::setDisplayNameOf(const QString &account, const QString &display)
{
    m_displayNames->setDisplayName(account, display);
}

void ChatSession::onDisplayNameChanged(const QString &account)
{
    // A direct conversation is named after the other person.
    if (account == m_user)
        return;
    const QString channel = ChatKeys::directChannel(m_user, account);
    if (m_channels->indexOf(channel) >= 0)
        Q_EMIT conversationRenamed(channel);
}

void ChatSession::setCurrentChannel(const QString &channel)
{
    if (channel == m_current)
        return;
    // The line is for the visit it was shown in.
    if (MessageLogModel *old = m_logs.value(m_current))
        old->setNewMessagesLine({});
    m_current = channel;
    if (m_windowActive) {
        showNewMessagesLine(channel);
        markRead(channel);
    }
    Q_EMIT currentChannelChanged(channel);
}

void ChatSession::setWindowActive(bool active)
{
    m_windowActive = active;
    if (active && !m_current.isEmpty()) {
        showNewMessagesLine(m_current);
        markRead(m_current);
    }
}

void ChatSession::showNewMessagesLine(const QString &channel)
{
    const StreamId first = m_firstUnread.value(channel);
    MessageLogModel *log = m_logs.value(channel);
    if (first.isNull() || !log)
        return;
    log->setNewMessagesLine(first);
}

void ChatSession::markRead(const QString &channel)
{
    m_firstUnread.remove(channel);
    m_channels->markRead(channel);
    if (const MessageLogModel *log = m_logs.value(channel))
        saveReadMark(channel, log->lastId());
}

void ChatSession::saveReadMark(const QString &channel, const StreamId &id)
{
    if (id.isNull())
        return;
    StreamId &mark = m_readMarks[channel];
    if (mark < id)
        mark = id;
    // Reading a busy channel moves the mark with every batch: once a second is enough, and
    // spares the worker's thread a wake-up per batch.
    if (!m_readMarkTimer.isActive())
        m_readMarkTimer.start();
}

void ChatSession::sendReadMarks()
{
    const QHash<QString, StreamId> marks = std::exchange(m_readMarks, {});
    toWorker([w = m_worker, marks] {
        for (auto it = marks.cbegin(); it != marks.cend(); ++it)
            w->markRead(it.key(), it.value());
    });
}

void ChatSession::setScrollback(int rows)
{
    m_scrollback = rows;
    for (MessageLogModel *log : std::as_const(m_logs))
        log->setMaxRows(rows);
}

void ChatSession::joinChannel(const QString &name)
{
    toWorker([w = m_worker, name] { w->joinChannel(name); });
}

void ChatSession::leaveChannel(const QString &name)
{
    toWorker([w = m_worker, name] { w->leaveChannel(name); });
}

void ChatSession::createChannel(const QString &name, const QString &topic)
{
    toWorker([w = m_worker, name, topic] { w->createChannel(name, topic, true); });
}

void ChatSession::sendMessage(const QString &channel, const QString &text, ChatMessage::Type type)
{
    const QByteArray cid = ChatKeys::newCid();
    // Shown at once, greyed, and replaced by the server's copy when it comes back; offline,
    // it waits there with the outbox.
    MessageLogModel *log = m_logs.value(channel);
    if (log && !m_user.isEmpty() && !text.trimmed().isEmpty()) {
        ChatMessage pending;
        pending.channel = channel;
        pending.type = type;
        pending.from = m_user;
        pending.name = m_display == m_user ? QString() : m_display;
        pending.text = text;
        pending.cid = cid;
        log->addPending(pending);
    }
    toWorker(
        [w = m_worker, channel, text, type, cid] { w->sendMessage(channel, text, type, cid); });
}

void ChatSession::sendDirectMessage(const QString &user, const QString &text)
{
    toWorker([w = m_worker, user, text] { w->openDirectChannel(user, text); });
}

void ChatSession::setTopic(const QString &channel, const QString &topic)
{
    toWorker([w = m_worker, channel, topic] { w->setTopic(channel, topic); });
}

void ChatSession::changeUserName(const QString &name)
{
    toWorker([w = m_worker, name] { w->changeUserName(name); });
}

void ChatSession::setInitialDisplayName(const QString &name)
{
    m_config.displayName = name;
    toWorker([w = m_worker, name] { w->setInitialDisplayName(name); });
}

void ChatSession::setDisplayName(const QString &name)
{
    toWorker([w = m_worker, name] { w->setDisplayName(name); });
}

RedisWorker *ChatSession::workerForBenchmarks() const
{
    return m_worker;
}

void ChatSession::requestChannelList()
{
    toWorker([w = m_worker] { w->listChannels(); });
}

void ChatSession::requestUserList()
{
    toWorker([w = m_worker] { w->listUsers(); });
}

void ChatSession::browsePresence(const QStringList &accounts)
{
    toWorker([w = m_worker, accounts] { w->browsePresence(accounts); });
}

void ChatSession::requestServerStats()
{
    toWorker([w = m_worker] { w->readServerStats(); });
}

void ChatSession::onChannelJoined(const ChannelInfo &info)
{
    m_channels->upsertChannel(info);
    if (!m_logs.contains(info.name)) {
        auto *log = new MessageLogModel(info.name, this);
        log->setMyName(m_user);
        log->setMaxRows(m_scrollback);
        connect(log, &MessageLogModel::olderHistoryRequested, this,
                [this](const QString &channel, const StreamId &before) {
                    // The first page comes by itself with the subscription; only page back from
                    // rows.
                    if (before.isNull()) {
                        if (MessageLogModel *log = m_logs.value(channel))
                            log->historyRequestFailed();
                        return;
                    }
                    toWorker([w = m_worker, channel, before] { w->loadOlder(channel, before); });
                });
        m_logs.insert(info.name, log);
        auto *members = new MemberListModel(this);
        members->setMyName(m_user);
        members->setDisplayNames(m_displayNames);
        members->setPresence(m_presence);
        m_members.insert(info.name, members);
    }
    toWorker([w = m_worker, name = info.name] { w->listMembers(name); });
    Q_EMIT channelJoined(info.name);
}

void ChatSession::onChannelLeft(const QString &name)
{
    m_channels->removeChannel(name);
    m_live.remove(name);
    m_unreadCountedTo.remove(name);
    m_firstLiveUnread.remove(name);
    m_firstUnread.remove(name);
    m_peerRead.remove(name);
    if (m_current == name)
        setCurrentChannel(QString());
    Q_EMIT channelLeft(name);
    // Views may still point at them until they hear channelLeft.
    if (MessageLogModel *log = m_logs.take(name))
        log->deleteLater();
    if (MemberListModel *members = m_members.take(name))
        members->deleteLater();
}

void ChatSession::onMessages(const QString &channel, const ChatMessageList &messages)
{
    MessageLogModel *log = m_logs.value(channel);
    if (!log)
        return;
    log->appendMessages(messages);
    updateFromMessages(channel, messages);
    // What someone sent ends their typing.
    for (const ChatMessage &message : messages)
        m_typing->stopped(channel, message.from);

    const bool looking = m_windowActive && channel == m_current;
    if (looking) {
        saveReadMark(channel, messages.constLast().id);
        return;
    }
    int unread = 0;
    int mentions = 0;
    const bool direct = ChatKeys::isDirectChannel(channel);
    // What the start's catch-up (onUnreadLoaded) has counted already is not counted again.
    const StreamId counted = m_unreadCountedTo.value(channel);
    for (const ChatMessage &message : messages) {
        if (!countsAsUnread(message) || message.from == m_user || message.id <= counted)
            continue;
        if (!m_firstLiveUnread.contains(channel))
            m_firstLiveUnread.insert(channel, message.id);
        if (!m_firstUnread.contains(channel))
            m_firstUnread.insert(channel, message.id);
        ++unread;
        if (direct || MentionRule::messageMentions(message, m_user)) {
            ++mentions;
            Q_EMIT attentionNeeded(channel, message);
        }
    }
    if (unread > 0)
        m_channels->addUnread(channel, unread, mentions);
}

void ChatSession::onUnreadLoaded(const QString &channel, const ChatMessageList &messages)
{
    if (m_windowActive && channel == m_current) {
        saveReadMark(channel, messages.constLast().id);
        return;
    }
    // Written while this client was away: counted as unread, with mentions marked, but no
    // notification (they are not news of this moment). What live delivery counted already,
    // it counted from its first message on.
    const StreamId firstLive = m_firstLiveUnread.value(channel);
    int unread = 0;
    int mentions = 0;
    for (const ChatMessage &message : messages) {
        if (!firstLive.isNull() && message.id >= firstLive)
            break;
        if (!countsAsUnread(message) || message.from == m_user)
            continue;
        ++unread;
        // Written before anything live: the earliest unread one.
        const auto first = m_firstUnread.constFind(channel);
        if (first == m_firstUnread.cend() || message.id < *first)
            m_firstUnread.insert(channel, message.id);
        if (ChatKeys::isDirectChannel(channel) || MentionRule::messageMentions(message, m_user))
            ++mentions;
    }
    m_unreadCountedTo.insert(channel, messages.constLast().id);
    if (unread > 0)
        m_channels->addUnread(channel, unread, mentions);
}

void ChatSession::onHistory(const QString &channel, const ChatMessageList &messages,
                            bool reachedStart)
{
    MessageLogModel *log = m_logs.value(channel);
    if (!log)
        return;
    log->prependHistory(messages, reachedStart);
    // The first page of the channel in front of the user is read as it is shown.
    if (m_windowActive && channel == m_current)
        saveReadMark(channel, log->lastId());
}

void ChatSession::applyMembership(MemberListModel *members, const ChatMessage &message)
{
    switch (message.type) {
    case ChatMessage::Type::Join:
        members->addMember(message.from);
        break;
    case ChatMessage::Type::Leave:
        members->removeMember(message.from);
        break;
    case ChatMessage::Type::Nick:
        // A new display name; the account, and so the membership, stays.
        break;
    default:
        break;
    }
}

void ChatSession::updateFromMessages(const QString &channel, const ChatMessageList &messages)
{
    MemberListModel *members = m_members.value(channel);
    for (const ChatMessage &message : messages) {
        if (members)
            applyMembership(members, message);
        // Live entries carry the sender's display name of the moment.
        if (message.type == ChatMessage::Type::Nick)
            setDisplayNameOf(message.from, NameRule::displayable(message.text));
        else if (!message.isMalformed() && message.type != ChatMessage::Type::Expired
                 && message.type != ChatMessage::Type::RolledBack
                 && message.type != ChatMessage::Type::NewMessages)
            setDisplayNameOf(message.from, message.author());
        switch (message.type) {
        case ChatMessage::Type::Topic: {
            const int row = m_channels->indexOf(channel);
            if (row >= 0) {
                ChannelInfo info =
                    m_channels->index(row).data(ChannelListModel::InfoRole).value<ChannelInfo>();
                info.topic = message.text.trimmed();
                m_channels->upsertChannel(info);
            }
            break;
        }
        default:
            break;
        }
    }
    if (!messages.isEmpty()) {
        const int row = m_channels->indexOf(channel);
        if (row >= 0) {
            ChannelInfo info =
                m_channels->index(row).data(ChannelListModel::InfoRole).value<ChannelInfo>();
            info.lastId = messages.last().id;
            info.memberCount = members ? members->rowCount() : info.memberCount;
            m_channels->upsertChannel(info);
        }
    }
}

} // namespace Confab
