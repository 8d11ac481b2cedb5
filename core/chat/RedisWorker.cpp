#include "RedisWorker.h"

#include "ChannelSync.h"
#include "ChatScripts.h"
#include "LegacyUpgrade.h"
#include "MessageBatcher.h"
#include "MessageCodec.h"
#include "NameRule.h"
#include "presence/AccountIndex.h"
#include "presence/PresenceHeartbeat.h"
#include "presence/PresenceTracker.h"
#include "presence/ReadReceipts.h"
#include "presence/TypingNotifier.h"
#include "stats/ServerStatsReader.h"

#include <QLocale>
#include <QLoggingCategory>
#include <QThread>
#include <QTimer>

#include <algorithm>

Q_LOGGING_CATEGORY(lcWorker, "confab.worker")

namespace Confab {

namespace {

QString describe(RedisConnection::State state)
{
    switch (state) {
    case RedisConnection::State::Disconnected:
        return QStringLiteral("disconnected");
    case RedisConnection::State::Connecting:
        return QStringLiteral("connecting");
    case RedisConnection::State::Connected:
        return QStringLiteral("connected");
    case RedisConnection::State::Reconnecting:
        return QStringLiteral("reconnecting");
    }
    return {};
}

ChatMessageList parseEntries(const QString &channel, const RedisReply &reply, bool reversed)
{
    ChatMessageList out;
    if (const qsizetype skipped = MessageCodec::appendStreamPage(channel, reply, reversed, &out))
        qCWarning(lcWorker) << "skipping" << skipped << "unreadable stream entries in" << channel;
    return out;
}

} // namespace

RedisWorker::RedisWorker(const ChatConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_keys(config.channelPrefix, config.messagePrefix, config.keyNamespace)
    , m_user(config.userName)
    , m_display(config.displayName)
    , m_legacyData(config.keyNamespace.isEmpty())
    , m_outbox(config.outboxPath)
{
    qRegisterMetaType<Confab::ChatMessage>();
    qRegisterMetaType<Confab::ChatMessageList>();
    qRegisterMetaType<Confab::Presence>();
    qRegisterMetaType<Confab::PresenceList>();
    qRegisterMetaType<Confab::Presence::State>();
    qRegisterMetaType<Confab::ChannelInfo>();
    qRegisterMetaType<Confab::ChannelInfoList>();
    qRegisterMetaType<Confab::AccountList>();
    qRegisterMetaType<Confab::ServerStats>();
    qRegisterMetaType<Confab::StreamId>();
    qRegisterMetaType<Confab::RedisConnection::State>();
    qRegisterMetaType<Confab::ChatMessage::Type>();
}

RedisWorker::~RedisWorker()
{
    saveOutbox();
    goOffline();
    m_upgrade.reset();
    // Syncs hold callbacks into this object; drop them before the connections go.
    m_lastNotice = {};
    m_syncs.clear();
}

void RedisWorker::start()
{
    Q_ASSERT(thread() == QThread::currentThread());
    if (m_commands)
        return;
    QString error;
    if (!m_outbox.load(&error))
        Q_EMIT errorOccurred(error);

    RedisOptions commandOptions = m_config.redis;
    RedisOptions subscriberOptions = m_config.redis;
    if (commandOptions.clientName.isEmpty()) {
        // CLIENT SETNAME takes printable ASCII without spaces only; any account name must work.
        const QString account = QString::fromLatin1(m_user.toUtf8().toPercentEncoding(":@"));
        commandOptions.clientName = QStringLiteral("confab:") + account;
        subscriberOptions.clientName = QStringLiteral("confab:") + account + QStringLiteral(":sub");
    }
    commandOptions.clientName.replace(u' ', u'_');
    subscriberOptions.clientName.replace(u' ', u'_');

    m_commands = new RedisClient(commandOptions, this);
    m_subscriber = new RedisClient(subscriberOptions, this);
    m_subscriber->setPubSubOnly(true);
    m_batcher = new MessageBatcher(this);
    m_presence = new PresenceTracker(m_commands, m_keys, this);
    connect(m_presence, &PresenceTracker::presenceChanged, this, &RedisWorker::presenceChanged);
    m_typing = new TypingNotifier(m_commands, m_keys, this);
    m_receipts = new ReadReceipts(m_commands, m_keys, this);
    connect(m_receipts, &ReadReceipts::peerReadChanged, this, &RedisWorker::peerReadChanged);
    m_heartbeat = new PresenceHeartbeat(m_commands, m_keys, this);
    m_accounts = new AccountIndex(m_commands, m_keys, this);
    m_stats = new ServerStatsReader(m_commands, m_keys, this);
    m_heartbeat->setTiming(std::chrono::milliseconds(m_config.presenceTtlMs),
                           std::chrono::milliseconds(m_config.presenceIntervalMs));
    // Writing the outbox after every message of a burst typed offline would be quadratic.
    m_saveTimer = new QTimer(this);
    m_saveTimer->setSingleShot(true);
    m_saveTimer->setInterval(250);
    connect(m_saveTimer, &QTimer::timeout, this, &RedisWorker::saveOutbox);

    // A message sent while connected leaves the outbox within a round trip; telling the GUI
    // thread twice per message would wake it for a count nobody sees change.
    m_outboxReportTimer = new QTimer(this);
    m_outboxReportTimer->setSingleShot(true);
    m_outboxReportTimer->setInterval(100);
    connect(m_outboxReportTimer, &QTimer::timeout, this, &RedisWorker::reportOutbox);
    m_outboxRetryTimer = new QTimer(this);
    m_outboxRetryTimer->setSingleShot(true);
    connect(m_outboxRetryTimer, &QTimer::timeout, this, [this] {
        // Only while connected: a reconnect flushes the outbox by itself.
        if (m_userReady && m_commands->state() == RedisConnection::State::Connected)
            flushOutbox();
    });
    reportOutbox(); // what a previous run left unsent
    connect(m_batcher, &MessageBatcher::ready, this, &RedisWorker::messagesReceived);
    // Whatever a read produced goes out as soon as the read is handled.
    connect(m_subscriber, &RedisClient::readFinished, m_batcher, &MessageBatcher::flush);
    connect(m_commands, &RedisClient::readFinished, m_batcher, &MessageBatcher::flush);

    connect(m_commands, &RedisClient::connected, this, &RedisWorker::onCommandsConnected);
    connect(m_commands, &RedisClient::stateChanged, this, &RedisWorker::onCommandsStateChanged);
    connect(m_commands, &RedisClient::errorOccurred, this, &RedisWorker::errorOccurred);
    connect(m_subscriber, &RedisClient::stateChanged, this,
            [this](RedisConnection::State state) { onSubscriberStateChanged(state); });
    connect(m_subscriber, &RedisClient::errorOccurred, this, [this](const QString &message) {
        // Both connections log in the same way; one report of a login failure is enough.
        if (m_commands->state() != RedisConnection::State::Disconnected)
            Q_EMIT errorOccurred(message);
    });
    connect(m_subscriber, &RedisClient::subscribed, this, &RedisWorker::onSubscribed);
    connect(m_subscriber, &RedisClient::shardMessageReceived, this, &RedisWorker::onMessage);
    connect(m_subscriber, &RedisClient::unsubscribed, this,
            [this](RedisConnection::Kind kind, const QByteArray &pubsubChannel) {
                // A shard let go of the channel (a migration, a failover): until it is
                // subscribed at the new owner, nothing there is heard.
                if (kind != RedisConnection::Kind::ShardChannel)
                    return;
                const auto channel = m_keys.channelOfPubsub(pubsubChannel);
                if (!channel)
                    return;
                if (const auto sync = m_syncs.value(*channel)) {
                    sync->subscriptionLost();
                    Q_EMIT channelLiveChanged(*channel, false);
                }
            });
    connect(m_subscriber, &RedisClient::topologyChanged, this, [this] {
        // Channels watched before the subscriber knew it was on a cluster.
        if (!m_subscriber->hasShardedPubSub())
            return;
        QList<QByteArray> channels;
        for (auto it = m_syncs.cbegin(); it != m_syncs.cend(); ++it)
            channels << m_keys.pubsub(it.key());
        if (!channels.isEmpty())
            m_subscriber->ssubscribe(channels);
    });
    for (RedisClient *connection : {m_commands, m_subscriber}) {
        connect(connection, &RedisClient::reconnectScheduled, this,
                [this](std::chrono::milliseconds delay) { Q_EMIT retryScheduled(delay.count()); });
    }
    connect(m_subscriber, &RedisClient::messageReceived, this, &RedisWorker::onMessage);
    connect(m_subscriber, &RedisClient::patternMessageReceived, this,
            [this](const QByteArray &, const QByteArray &channel, const QByteArray &payload) {
                onMessage(channel, payload);
            });

    m_commands->open();
    m_subscriber->open();
    m_subscriber->subscribe({m_keys.presenceChannel()});
}

void RedisWorker::stop()
{
    saveOutbox();
    goOffline();
    if (m_commands)
        m_commands->close();
    if (m_subscriber)
        m_subscriber->close();
}

void RedisWorker::goOffline()
{
    // Others see us offline now rather than when the key expires; written out before the
    // connection closes right after.
    if (!m_heartbeat || !m_config.announcePresence)
        return;
    m_heartbeat->stop(true);
    m_commands->flushWrites();
}

void RedisWorker::setPresence(Presence::State state, const QString &status, int ttlMs)
{
    if (ttlMs > 0)
        m_heartbeat->setTiming(std::chrono::milliseconds(ttlMs), std::chrono::milliseconds(0));
    else if (ttlMs < 0)
        m_heartbeat->setTiming(std::chrono::milliseconds(-ttlMs),
                               std::chrono::milliseconds(-ttlMs / 3));
    whenUserReady([this, state, status] {
        m_heartbeat->setPresence(state, status,
                                 [this](const QString &error) { Q_EMIT presenceSet(error); });
    });
}

void RedisWorker::setTyping(const QString &channel, bool typing)
{
    if (!m_userReady || !m_joined.contains(channel))
        return;
    if (typing)
        m_typing->typed(channel);
    else
        m_typing->stopped(channel);
}

void RedisWorker::watchPresence(const QStringList &accounts)
{
    m_presence->watch(accounts);
}

void RedisWorker::browsePresence(const QStringList &accounts)
{
    m_presence->browse(accounts);
}

void RedisWorker::whenUserReady(std::function<void()> action)
{
    if (m_userReady)
        action();
    else
        m_whenUserReady.push_back(std::move(action));
}

void RedisWorker::onCommandsConnected()
{
    // Protocol 1 never ran on a cluster; its unprefixed keys would sit in other slots than
    // the ones a script names next to them.
    if (m_commands->topology() == RedisClient::Topology::Cluster)
        m_legacyData = false;
    // On a cluster, a channel's notice stays on its shard.
    m_shardedNotices = m_commands->hasShardedPubSub();
    m_typing->setSharded(m_shardedNotices);
    m_receipts->setSharded(m_shardedNotices);
    for (const RedisScript *script :
         {&ChatScripts::post(), &ChatScripts::createChannel(), &ChatScripts::claimUser(),
          &ChatScripts::markRead(), &ChatScripts::setDisplay(), &ChatScripts::importEntries()})
        script->load(*m_commands);
    for (const auto &sync : std::as_const(m_syncs))
        sync->commandsReconnected();
    if (m_userReady) {
        // A server that came back without its data (no persistence, a failover that lost
        // writes) no longer knows us: claim the account and rejoin, ahead of the outbox in
        // the pipeline, so that what waited goes out. For a server that kept its data these
        // write nothing.
        claimUser(
            m_user, [] {}, true);
        for (const QString &channel : std::as_const(m_joined))
            rejoin(channel);
        flushOutbox();
        // Our presence may have expired while we could not renew it, and reads of others'
        // that the drop cut off are owed.
        m_heartbeat->connected();
        m_presence->resync();
        return;
    }
    claimUser(m_user, [this] { becomeReady(); });
}

void RedisWorker::becomeReady()
{
    m_userReady = true;
    // Every direct conversation of ours, including ones opened while we are running.
    m_subscriber->psubscribe(m_keys.directPatterns(m_user));
    m_heartbeat->setAccount(m_user);
    m_typing->setAccount(m_user);
    m_receipts->setAccount(m_user);
    m_presence->watch({m_user});
    if (m_config.announcePresence)
        m_heartbeat->setPresence(Presence::State::Online, QString());
    Q_EMIT identityChanged(m_user, displayName());
    Q_EMIT userReady(m_user);
    restoreChannels();
    for (auto &action : std::exchange(m_whenUserReady, {}))
        action();
    flushOutbox();
}

QString RedisWorker::displayName() const
{
    return m_display.isEmpty() ? m_user : m_display;
}

void RedisWorker::claimUser(const QString &name, std::function<void()> onClaimed, bool again)
{
    const QString problem = NameRule::check(name, QStringLiteral("user name"));
    if (!problem.isEmpty()) {
        Q_EMIT userRejected(name, problem);
        return;
    }
    QList<QByteArray> keys{m_keys.user(name)};
    if (m_legacyData)
        keys << ChatKeys::Legacy::user(name);
    const QString wantedDisplay = m_config.displayName;
    ChatScripts::claimUser().run(
        *m_commands, keys, {m_config.installSecret, name.toUtf8(), wantedDisplay.toUtf8()},
        [this, name, again, onClaimed = std::move(onClaimed)](const RedisReply &reply) {
            if (reply.isError()) {
                if (reply.isClientError())
                    return; // retried on the next connect
                if (again) {
                    // Signed in already: the window stays signed in and says what happened.
                    Q_EMIT errorOccurred(
                        QStringLiteral("The server no longer accepts the account \"%1\": %2")
                            .arg(name, reply.toString()));
                    return;
                }
                const QString why = reply.errorCode() == "TAKEN"
                    ? QStringLiteral("The user name \"%1\" already exists; choose another one.")
                          .arg(name)
                    : reply.toString();
                Q_EMIT userRejected(name, why);
                return;
            }
            m_accounts->add(name);
            const bool upgrade = reply.size() == 2 && reply.at(1).toInteger() == 1;
            auto afterUpgrade = [this, name, again, onClaimed] {
                if (again)
                    onClaimed();
                else
                    readDisplayName(name, onClaimed);
            };
            if (!upgrade) {
                afterUpgrade();
                return;
            }
            m_upgrade = std::make_unique<LegacyUpgrade>(m_commands, m_keys, name,
                                                        m_config.retention, QByteArray());
            m_upgrade->run([this, afterUpgrade](const QString &error) {
                if (!error.isEmpty())
                    Q_EMIT errorOccurred(
                        QStringLiteral("Could not carry everything over from the older protocol "
                                       "(tried again at the next start): %1")
                            .arg(error));
                afterUpgrade();
            });
        });
}

void RedisWorker::readDisplayName(const QString &account, std::function<void()> done)
{
    m_commands->command(
        {"HGET", m_keys.user(account), "display"},
        [this, account, done = std::move(done)](const RedisReply &reply) {
            const QString stored = reply.isString()
                ? NameRule::displayable(QString::fromUtf8(reply.bytes()))
                : QString();
            const QString wanted = m_config.displayName;
            if (!wanted.isEmpty() && wanted != stored) {
                // Given on the command line (or CONFAB_DISPLAY_NAME): it wins over the stored one.
                ChatScripts::setDisplay().run(
                    *m_commands, {m_keys.user(account)}, {m_config.installSecret, wanted.toUtf8()},
                    [this](const RedisReply &result) {
                        if (result.isError())
                            Q_EMIT errorOccurred(QStringLiteral("Cannot set the display "
                                                                "name: %1")
                                                     .arg(result.toString()));
                    });
                m_display = wanted;
                // Once: a later change (here or from another install) is not undone.
                m_config.displayName.clear();
            } else {
                m_display = stored;
            }
            done();
        });
}

void RedisWorker::restoreChannels()
{
    // The read marks first (pipelined, so no extra round trip): each restored channel counts
    // what came after its mark.
    auto marks = std::make_shared<QHash<QString, StreamId>>();
    m_commands->command({"HGETALL", m_keys.userReadMarks(m_user)},
                        [marks](const RedisReply &reply) {
                            for (qsizetype i = 0; i + 1 < reply.size(); i += 2) {
                                if (auto id = StreamId::parse(reply.at(i + 1).bytes()))
                                    marks->insert(QString::fromUtf8(reply.at(i).bytes()), *id);
                            }
                        });
    // Conversations others opened with us while we were away.
    auto opened = std::make_shared<QStringList>();
    m_commands->command({"SMEMBERS", m_keys.userDirect(m_user)},
                        [this, opened](const RedisReply &reply) {
                            for (const RedisReply &name : reply.elements()) {
                                const QString channel = QString::fromUtf8(name.bytes());
                                if (!ChatKeys::directPeer(channel, m_user).isEmpty())
                                    *opened << channel;
                            }
                        });
    m_commands->command(
        {"SMEMBERS", m_keys.userChannels(m_user)}, [this, marks, opened](const RedisReply &reply) {
            QStringList channels;
            for (const RedisReply &name : reply.elements())
                channels << QString::fromUtf8(name.bytes());
            for (const QString &channel : std::as_const(*opened)) {
                if (!channels.contains(channel)) {
                    m_commands->command({"SADD", m_keys.userChannels(m_user), channel.toUtf8()});
                    channels << channel;
                }
                m_commands->command({"SREM", m_keys.userDirect(m_user), channel.toUtf8()});
            }
            QStringList direct;
            for (const QString &channel : std::as_const(channels)) {
                const bool isDirect = ChatKeys::isDirectChannel(channel);
                if (isDirect ? ChatKeys::directPeer(channel, m_user).isEmpty()
                             : !NameRule::isValid(channel))
                    continue;
                // Joined meanwhile, or left meanwhile (a leave asked for before the account was
                // ready runs before this list comes back, and must not be undone by it).
                if (m_joined.contains(channel) || m_left.contains(channel))
                    continue;
                if (isDirect)
                    direct << channel;
                // A conversation not seen before is new from its start.
                const bool unseen = opened->contains(channel) && !marks->contains(channel);
                restoreChannel(channel, unseen ? StreamId{0, 1} : marks->value(channel));
            }
            if (m_legacyData && !direct.isEmpty()) {
                if (!m_upgrade)
                    m_upgrade = std::make_unique<LegacyUpgrade>(m_commands, m_keys, m_user,
                                                                m_config.retention, QByteArray());
                m_upgrade->importLegacyConversations(direct);
            }
        });
}

void RedisWorker::rejoin(const QString &channel)
{
    post(channel, m_user, ChatMessage::Type::Join, QString(), ChatKeys::newCid(),
         [this, channel](const RedisReply &reply) {
             if (reply.isError() && !reply.isClientError())
                 Q_EMIT channelFailed(channel,
                                      QStringLiteral("Cannot rejoin %1: %2")
                                          .arg(shownName(channel), reply.toString()));
         });
}

void RedisWorker::restoreChannel(const QString &channel, const StreamId &readMark)
{
    m_joined.insert(channel);
    // Membership follows the channel list: a member set that lost us (version 1's /nick did
    // that) takes us back; for a member this writes nothing.
    rejoin(channel);
    if (readMark == StreamId{0, 1})
        watchChannel(channel, readMark);
    else
        watchChannel(channel);
    fetchChannelInfo(channel, [this](const ChannelInfo &info) { Q_EMIT channelJoined(info); });
    if (readMark == StreamId{0, 1})
        return;
    // A direct conversation never read: all of it is for us, and unread. A channel never read
    // (joined elsewhere, say) starts read.
    if (readMark.isNull() && !ChatKeys::isDirectChannel(channel))
        return;
    const QByteArray after = readMark.isNull() ? QByteArray("-") : "(" + readMark.toByteArray();
    // After channelJoined (same connection, replies in order), so the channel has its row.
    m_commands->command(
        {"XRANGE", m_keys.log(channel), after, "+", "COUNT",
         QByteArray::number(m_config.catchUpPageSize)},
        [this, channel](const RedisReply &reply) {
            if (reply.isError())
                return;
            const ChatMessageList newer = parseEntries(channel, reply, false);
            if (!newer.isEmpty())
                Q_EMIT unreadLoaded(channel, newer);
        },
        RedisClient::CommandOptions{.flatArrays = true});
}

QString RedisWorker::shownName(const QString &channel) const
{
    const QString peer = ChatKeys::directPeer(channel, m_user);
    return peer.isEmpty() ? u'#' + channel : u'@' + peer;
}

void RedisWorker::markRead(const QString &channel, const StreamId &id)
{
    // Joined implies the user is ready: the mark can be written at once. Only ids that came
    // from the log (delivered, so at most the last delivered one) can be marks.
    const auto sync = m_syncs.value(channel);
    if (id.isNull() || !m_joined.contains(channel) || !sync || id > sync->lastDelivered())
        return;
    ChatScripts::markRead().run(*m_commands, {m_keys.userReadMarks(m_user)},
                                {channel.toUtf8(), id.toByteArray()}, [](const RedisReply &reply) {
                                    if (reply.isError())
                                        qCWarning(lcWorker)
                                            << "cannot save a read mark:" << reply.toString();
                                });
    // In a direct conversation the other person sees it too ("seen").
    m_receipts->markRead(channel, id);
}

void RedisWorker::onCommandsStateChanged()
{
    if (m_commands->state() != RedisConnection::State::Connected && !m_outbox.isEmpty())
        saveOutboxSoon();
    emitConnectionState();
}

void RedisWorker::onSubscriberStateChanged(RedisConnection::State state)
{
    if (state != RedisConnection::State::Connected) {
        for (auto it = m_syncs.cbegin(); it != m_syncs.cend(); ++it) {
            it.value()->subscriptionLost();
            Q_EMIT channelLiveChanged(it.key(), false);
        }
    }
    emitConnectionState();
}

void RedisWorker::emitConnectionState()
{
    const RedisConnection::State a = m_commands->state();
    const RedisConnection::State b = m_subscriber->state();
    using State = RedisConnection::State;
    // A connection not opened yet (start() opens one after the other) is not a failure; one
    // that gave up (a wrong password) is.
    const bool failed = (a == State::Disconnected && !m_commands->lastError().isEmpty())
        || (b == State::Disconnected && !m_subscriber->lastError().isEmpty());
    State state;
    if (failed || (a == State::Disconnected && b == State::Disconnected))
        state = State::Disconnected;
    else if (a == State::Connected && b == State::Connected)
        state = State::Connected;
    else if (a == State::Reconnecting || b == State::Reconnecting)
        state = State::Reconnecting;
    else
        state = State::Connecting;
    // "127.0.0.1:6379", "Cluster · 3 shards", "Sentinel mymaster · 10.0.0.2:6379".
    QString detail = m_commands->description();
    if (state != State::Connected) {
        const QString error = !m_commands->lastError().isEmpty() ? m_commands->lastError()
                                                                 : m_subscriber->lastError();
        if (!error.isEmpty())
            detail = error;
    }
    const QString key = describe(state) + detail;
    if (key == m_lastDetail)
        return;
    m_lastDetail = key;
    Q_EMIT connectionStateChanged(state, detail);
}

void RedisWorker::onSubscribed(RedisConnection::Kind kind, const QByteArray &pubsubChannel)
{
    if (kind == RedisConnection::Kind::Pattern)
        return;
    if (pubsubChannel == m_keys.presenceChannel()) {
        // Changes announced while we were not subscribed went unheard.
        m_presence->resync();
        return;
    }
    const auto channel = m_keys.channelOfPubsub(pubsubChannel);
    if (!channel)
        return;
    // Either subscription coming (back) is a moment to catch up from the log (and, in a direct
    // conversation, with the other person's read mark).
    if (const auto sync = m_syncs.value(*channel)) {
        sync->subscribed();
        m_receipts->refresh(*channel);
    }
    const bool sharded = m_subscriber->hasShardedPubSub();
    if (m_subscriber->isSubscribed(RedisConnection::Kind::Channel, pubsubChannel)
        && (!sharded
            || m_subscriber->isSubscribed(RedisConnection::Kind::ShardChannel, pubsubChannel)))
        Q_EMIT channelLiveChanged(*channel, true);
}

void RedisWorker::onMessage(const QByteArray &pubsubChannel, const QByteArray &payload)
{
    // A plain notice can be nothing else (no receipt, no typing): straight to its sync.
    if (m_lastNotice.sync && pubsubChannel == m_lastNotice.pubsubChannel) {
        if (const auto id = MessageCodec::plainNoticeId(payload)) {
            m_lastNotice.sync->notice(id);
            return;
        }
    }
    if (pubsubChannel == m_keys.presenceChannel()) {
        m_presence->notice(payload);
        return;
    }
    const auto channel = m_keys.channelOfPubsub(pubsubChannel);
    if (!channel)
        return;
    // A read receipt is not in the log either: it makes the other person's mark be read.
    if (const auto reader = ReadReceipts::parse(payload)) {
        if (m_syncs.contains(*channel) && *reader == ChatKeys::directPeer(*channel, m_user))
            m_receipts->refresh(*channel);
        return;
    }
    // Typing is not in the log: it is said, never read.
    if (const auto typing = TypingNotifier::parse(payload)) {
        if (m_syncs.contains(*channel) && typing->account != m_user)
            Q_EMIT typingNoticed(*channel, typing->account, typing->typing);
        return;
    }
    if (const auto sync = m_syncs.value(*channel)) {
        m_lastNotice = {pubsubChannel, sync};
        sync->notice(MessageCodec::noticeId(payload));
        return;
    }
    // Heard through our direct-conversation patterns: someone wrote to us in a conversation
    // we do not show (new, or closed on our side). Everything in it is new to us.
    if (m_userReady && !ChatKeys::directPeer(*channel, m_user).isEmpty()
        && !m_joined.contains(*channel)) {
        const QString name = *channel;
        m_commands->command({"SADD", m_keys.userChannels(m_user), name.toUtf8()});
        m_commands->command({"SREM", m_keys.userDirect(m_user), name.toUtf8()});
        m_joined.insert(name);
        // A conversation closed here kept its read mark: only what came after it is new.
        m_commands->command(
            {"HGET", m_keys.userReadMarks(m_user), name.toUtf8()},
            [this, name](const RedisReply &reply) {
                const StreamId mark = StreamId::parse(reply.bytes()).value_or(StreamId{0, 1});
                if (m_joined.contains(name))
                    watchChannel(name, mark.isNull() ? StreamId{0, 1} : mark);
            });
        fetchChannelInfo(name, [this](const ChannelInfo &info) { Q_EMIT channelJoined(info); });
    }
}

void RedisWorker::watchChannel(const QString &name, const StreamId &after)
{
    if (m_syncs.contains(name) || !checkChannelName(name, QStringLiteral("watch")))
        return;
    if (const QString peer = ChatKeys::directPeer(name, m_user); !peer.isEmpty()) {
        m_presence->watch({peer});
        m_receipts->refresh(name);
    }
    ChannelSync::Sink sink;
    sink.messages = [this, name](const ChatMessageList &messages) {
        // Someone who joins now is a member the list read before did not have.
        for (const ChatMessage &message : messages) {
            if (message.type == ChatMessage::Type::Join && !message.isMalformed())
                m_presence->watch({message.from});
        }
        m_batcher->add(name, messages);
    };
    sink.firstPage = [this, name](const ChatMessageList &messages, bool reachedStart) {
        m_batcher->flush();
        Q_EMIT historyLoaded(name, messages, reachedStart);
    };
    sink.error = [this, name](const QString &message) {
        Q_EMIT channelFailed(name, message);
    };
    auto sync = std::make_shared<ChannelSync>(name, m_keys, m_commands, std::move(sink),
                                              m_config.firstPageSize, m_config.catchUpPageSize);
    if (!after.isNull())
        sync->setLastDelivered(after);
    m_lastNotice = {};
    m_syncs.insert(name, sync);
    // Classic notices (other writers' PUBLISH) on the subscriber's node, and on a cluster the
    // shard's own (SPUBLISH) at the channel's master.
    m_subscriber->subscribe({m_keys.pubsub(name)});
    if (m_subscriber->hasShardedPubSub())
        m_subscriber->ssubscribe({m_keys.pubsub(name)});
}

void RedisWorker::unwatchChannel(const QString &name)
{
    m_lastNotice = {};
    if (!m_syncs.remove(name))
        return;
    m_subscriber->unsubscribe({m_keys.pubsub(name)});
    if (m_subscriber->hasShardedPubSub())
        m_subscriber->sunsubscribe({m_keys.pubsub(name)});
}

bool RedisWorker::checkChannelName(const QString &name, const QString &action)
{
    if (ChatKeys::isDirectChannel(name) && ChatKeys::directParticipants(name).size() == 2)
        return true;
    const QString problem = NameRule::check(name, QStringLiteral("channel name"));
    if (problem.isEmpty())
        return true;
    Q_EMIT errorOccurred(QStringLiteral("Cannot %1 \"%2\": %3").arg(action, name, problem));
    return false;
}

void RedisWorker::fetchChannelInfo(const QString &name,
                                   std::function<void(const ChannelInfo &)> done)
{
    auto info = std::make_shared<ChannelInfo>();
    info->name = name;
    info->joined = m_joined.contains(name);
    m_commands->command({"HGETALL", m_keys.info(name)}, [info](const RedisReply &reply) {
        for (qsizetype i = 0; i + 1 < reply.size(); i += 2) {
            const QByteArray &field = reply.at(i).bytes();
            const QByteArray &value = reply.at(i + 1).bytes();
            if (field == "topic")
                info->topic = QString::fromUtf8(value);
            else if (field == "created_by")
                info->createdBy = QString::fromUtf8(value);
            else if (field == "created_at")
                info->createdAt = QDateTime::fromMSecsSinceEpoch(value.toLongLong());
        }
    });
    m_commands->command({"SCARD", m_keys.members(name)},
                        [info](const RedisReply &reply) { info->memberCount = reply.toInteger(); });
    m_commands->command({"XREVRANGE", m_keys.log(name), "+", "-", "COUNT", "1"},
                        [info, done = std::move(done)](const RedisReply &reply) {
                            if (reply.size() > 0 && reply.at(0).size() > 0)
                                info->lastId =
                                    StreamId::parse(reply.at(0).at(0).bytes()).value_or(StreamId());
                            done(*info);
                        });
}

void RedisWorker::createChannel(const QString &typed, const QString &topic, bool existingIsFine)
{
    const QString name = NameRule::normalizedChannel(typed);
    if (!checkChannelName(name, QStringLiteral("create")))
        return;
    whenUserReady([this, name, topic, existingIsFine] {
        ChatScripts::createChannel().run(
            *m_commands, {m_keys.info(name)},
            {name.toUtf8(), m_user.toUtf8(), topic.toUtf8(),
             QByteArray::number(ChatScripts::ProtocolVersion)},
            [this, name, existingIsFine](const RedisReply &reply) {
                if (reply.isError()) {
                    Q_EMIT errorOccurred(
                        QStringLiteral("Cannot create #%1: %2").arg(name, reply.toString()));
                    return;
                }
                if (reply.toInteger() == 0) {
                    if (existingIsFine)
                        return;
                    Q_EMIT errorOccurred(
                        QStringLiteral("The channel #%1 already exists.").arg(name));
                    return;
                }
                fetchChannelInfo(name,
                                 [this](const ChannelInfo &info) { Q_EMIT channelCreated(info); });
            });
        m_commands->command({"SADD", m_keys.index(), name.toUtf8()});
    });
}

void RedisWorker::joinChannel(const QString &typed)
{
    join(NameRule::normalizedChannel(typed), {});
}

void RedisWorker::join(const QString &name, StreamId after)
{
    if (!checkChannelName(name, QStringLiteral("join")))
        return;
    whenUserReady([this, name, after] {
        // The join entry first: when it is refused, nothing else is written.
        post(name, m_user, ChatMessage::Type::Join, QString(), ChatKeys::newCid(),
             [this, name, after](const RedisReply &reply) {
                 if (reply.isError()) {
                     Q_EMIT errorOccurred(QStringLiteral("Cannot join %1: %2")
                                              .arg(shownName(name), reply.toString()));
                     return;
                 }
                 m_left.remove(name);
                 const bool direct = ChatKeys::isDirectChannel(name);
                 auto writesLeft = std::make_shared<int>(direct ? 1 : 2);
                 const auto written = [this, name, writesLeft](const RedisReply &) {
                     if (--*writesLeft == 0)
                         Q_EMIT joinRecorded(name);
                 };
                 m_commands->command({"SADD", m_keys.userChannels(m_user), name.toUtf8()}, written);
                 // Direct conversations stay out of the public index.
                 if (!direct)
                     m_commands->command({"SADD", m_keys.index(), name.toUtf8()}, written);
                 if (m_joined.contains(name))
                     return;
                 m_joined.insert(name);
                 watchChannel(name, after);
                 fetchChannelInfo(name,
                                  [this](const ChannelInfo &info) { Q_EMIT channelJoined(info); });
             });
    });
}

void RedisWorker::leaveChannel(const QString &typed)
{
    const QString name = NameRule::normalizedChannel(typed);
    if (!checkChannelName(name, QStringLiteral("leave")))
        return;
    whenUserReady([this, name] {
        m_left.insert(name);
        m_joined.remove(name);
        unwatchChannel(name);
        // The set and the log entry live in different slots (on a cluster, maybe on different
        // nodes): the leave is answered when both are.
        const bool direct = ChatKeys::isDirectChannel(name);
        auto answers = std::make_shared<int>(direct ? 1 : 2);
        auto error = std::make_shared<QString>();
        auto answered = [this, name, answers, error](const RedisReply &reply) {
            if (reply.isError() && error->isEmpty())
                *error = reply.toString();
            if (--*answers == 0)
                Q_EMIT leaveAnswered(name, *error);
        };
        m_commands->command({"SREM", m_keys.userChannels(m_user), name.toUtf8()}, answered);
        // Closing a direct conversation hides it here; it comes back with the next message,
        // and its read mark says from where that is new.
        if (!direct) {
            m_commands->command({"HDEL", m_keys.userReadMarks(m_user), name.toUtf8()});
            post(name, m_user, ChatMessage::Type::Leave, QString(), ChatKeys::newCid(),
                 [this, name, answered](const RedisReply &reply) {
                     if (reply.isError() && !reply.isClientError())
                         Q_EMIT errorOccurred(QStringLiteral("Cannot leave %1: %2")
                                                  .arg(shownName(name), reply.toString()));
                     answered(reply);
                 });
        }
        Q_EMIT channelLeft(name);
    });
}

void RedisWorker::listChannels()
{
    m_commands->command({"SMEMBERS", m_keys.index()}, [this](const RedisReply &reply) {
        if (reply.isError()) {
            Q_EMIT errorOccurred(QStringLiteral("Cannot list channels: %1").arg(reply.toString()));
            return;
        }
        QStringList names;
        for (const RedisReply &name : reply.elements()) {
            const QString channel = QString::fromUtf8(name.bytes());
            if (NameRule::isValid(channel))
                names << channel;
        }
        if (names.isEmpty()) {
            Q_EMIT channelsListed({});
            return;
        }
        auto collected = std::make_shared<ChannelInfoList>();
        const qsizetype expected = names.size();
        for (const QString &channel : std::as_const(names)) {
            fetchChannelInfo(channel, [this, collected, expected](const ChannelInfo &info) {
                *collected << info;
                if (collected->size() == expected) {
                    std::sort(collected->begin(), collected->end(),
                              [](const ChannelInfo &a, const ChannelInfo &b) {
                                  return a.name.compare(b.name, Qt::CaseInsensitive) < 0;
                              });
                    Q_EMIT channelsListed(*collected);
                }
            });
        }
    });
}

void RedisWorker::listUsers()
{
    m_accounts->list(
        AccountIndex::DefaultLimit,
        [this](const AccountList &accounts, bool complete, const QString &error) {
            if (!error.isEmpty()) {
                Q_EMIT errorOccurred(
                    QStringLiteral("Cannot list the people on this server: %1").arg(error));
                return;
            }
            Q_EMIT usersListed(accounts, complete);
        });
}

void RedisWorker::readServerStats()
{
    m_stats->read([this](const ServerStats &stats) { Q_EMIT serverStatsRead(stats); });
}

void RedisWorker::listMembers(const QString &channel)
{
    // The set and the newest log id in one transaction: joins and leaves logged after that id
    // are newer than the list, and the receiver applies them on top of it. Without the id a
    // list read just before someone joined, but heard just after their join entry, would drop
    // them again.
    m_commands->transaction(
        {{"SMEMBERS", m_keys.members(channel)},
         {"XREVRANGE", m_keys.log(channel), "+", "-", "COUNT", "1"}},
        [this, channel](const RedisReply &reply) {
            if (reply.isError() || reply.size() != 2) {
                qCWarning(lcWorker) << "cannot list the members of" << channel << reply.toString();
                return;
            }
            QStringList members;
            for (const RedisReply &name : reply.at(0).elements())
                members << QString::fromUtf8(name.bytes());
            members.sort(Qt::CaseInsensitive);
            const RedisReply &newest = reply.at(1);
            const StreamId asOf = newest.size() > 0 && newest.at(0).size() > 0
                ? StreamId::parse(newest.at(0).at(0).bytes()).value_or(StreamId())
                : StreamId();
            Q_EMIT membersListed(channel, members, asOf);
            m_presence->watch(members);
            loadDisplayNames(members);
        });
}

void RedisWorker::loadDisplayNames(const QStringList &accounts)
{
    if (accounts.isEmpty())
        return;
    auto names = std::make_shared<QHash<QString, QString>>();
    auto left = std::make_shared<qsizetype>(accounts.size());
    // One pipelined HGET each: a round trip for the whole list.
    for (const QString &account : accounts) {
        m_commands->command({"HGET", m_keys.user(account), "display"},
                            [this, account, names, left](const RedisReply &reply) {
                                if (reply.isString()) {
                                    const QString shown =
                                        NameRule::displayable(QString::fromUtf8(reply.bytes()));
                                    if (!shown.isEmpty())
                                        names->insert(account, shown);
                                }
                                if (--*left == 0 && !names->isEmpty())
                                    Q_EMIT displayNamesLoaded(*names);
                            });
    }
}

void RedisWorker::post(const QString &channel, const QString &from, ChatMessage::Type type,
                       const QString &text, const QByteArray &cid, RedisConnection::Callback done)
{
    ChatScripts::post().run(
        *m_commands,
        {m_keys.log(channel), m_keys.sent(channel, cid), m_keys.info(channel),
         m_keys.members(channel)},
        {m_keys.pubsub(channel), QByteArray::number(m_config.retention),
         QByteArray::number(m_config.maxTextBytes), QByteArray::number(m_config.dedupeSeconds),
         ChatMessage::typeName(type), from.toUtf8(), text.toUtf8(), cid,
         QByteArray::number(ChatScripts::ProtocolVersion), channel.toUtf8(),
         m_display == from ? QByteArray() : m_display.toUtf8(),
         // The pattern subscriptions that discover direct conversations hear only PUBLISH:
         // those get both.
         !m_shardedNotices                        ? QByteArray("publish")
             : ChatKeys::isDirectChannel(channel) ? QByteArray("both")
                                                  : QByteArray("spublish")},
        std::move(done),
        // Sent means it survives a failover: its replicas have it.
        {std::chrono::milliseconds(0), RedisConnection::QueuePolicy::WaitForConnection, true});
}

void RedisWorker::sendMessage(const QString &typedChannel, const QString &text,
                              ChatMessage::Type type, const QByteArray &givenCid)
{
    const QString channel = NameRule::normalizedChannel(typedChannel);
    if (!checkChannelName(channel, QStringLiteral("send to")))
        return;
    // Sent: whatever was being typed is done.
    if (m_typing)
        m_typing->stopped(channel);
    const QByteArray cid = givenCid.isEmpty() ? ChatKeys::newCid() : givenCid;
    const qsizetype bytes = text.toUtf8().size();
    if (text.trimmed().isEmpty() && type != ChatMessage::Type::Topic) {
        Q_EMIT sendFailed(channel, cid, QStringLiteral("The message is empty."));
        return;
    }
    if (bytes > m_config.maxTextBytes) {
        Q_EMIT sendFailed(channel, cid,
                          QStringLiteral("The message is too long (%1; at most %2).")
                              .arg(QLocale::c().formattedDataSize(bytes),
                                   QLocale::c().formattedDataSize(m_config.maxTextBytes)));
        return;
    }
    OutgoingMessage message{
        cid, channel, type, text, QDateTime::currentDateTimeUtc(), m_joined.contains(channel)};
    m_outbox.add(message);
    reportOutboxSoon();
    if (m_userReady && m_commands && m_commands->state() == RedisConnection::State::Connected)
        postOutgoing(message);
    else
        saveOutboxSoon();
}

void RedisWorker::setTopic(const QString &typedChannel, const QString &topic)
{
    const QString channel = NameRule::normalizedChannel(typedChannel);
    if (!checkChannelName(channel, QStringLiteral("set the topic of")))
        return;
    sendMessage(channel, topic.trimmed(), ChatMessage::Type::Topic);
}

void RedisWorker::postOutgoing(const OutgoingMessage &message)
{
    m_inFlight.insert(message.cid);
    post(message.channel, m_user, message.type, message.text, message.cid,
         [this, message](const RedisReply &reply) {
             m_inFlight.remove(message.cid);
             if (reply.isClientError()) {
                 // Still in the outbox; goes out again once connected, or, while connected
                 // (a replica that did not confirm it, a cluster in the middle of a
                 // failover), after a while. The cid keeps a second post harmless.
                 saveOutboxSoon();
                 scheduleOutboxRetry();
                 return;
             }
             m_outboxRetryDelay = 0;
             if (reply.errorCode() == "NOTMEMBER" && message.joined
                 && !m_left.contains(message.channel)
                 && !m_retriedAfterJoin.contains(message.cid)) {
                 // Written while we were in the channel, refused because the server no longer
                 // knows that (it lost its data, or the join is gone): join and try once more,
                 // in this order on the one connection.
                 m_retriedAfterJoin.insert(message.cid);
                 join(message.channel, {});
                 postOutgoing(message);
                 return;
             }
             m_retriedAfterJoin.remove(message.cid);
             m_outbox.remove(message.cid);
             if (m_outbox.hasSavedMessages())
                 saveOutboxSoon();
             reportOutboxSoon();
             if (reply.isError()) {
                 const QString why = reply.errorCode() == "NOTMEMBER"
                     ? QStringLiteral("you have not joined %1; join it first")
                           .arg(shownName(message.channel))
                     : reply.toString();
                 Q_EMIT sendFailed(message.channel, message.cid, why);
                 return;
             }
             Q_EMIT messageSent(message.channel, message.cid,
                                StreamId::parse(reply.at(0).bytes()).value_or(StreamId()));
         });
}

void RedisWorker::scheduleOutboxRetry()
{
    if (!m_outboxRetryTimer || m_outboxRetryTimer->isActive())
        return;
    m_outboxRetryDelay = std::clamp(m_outboxRetryDelay * 2, 250, 5000);
    m_outboxRetryTimer->start(m_outboxRetryDelay);
}

void RedisWorker::flushOutbox()
{
    for (const OutgoingMessage &message : m_outbox.messages()) {
        if (!m_inFlight.contains(message.cid))
            postOutgoing(message);
    }
}

void RedisWorker::reportOutboxSoon()
{
    // Like saveOutboxSoon(): sendMessage() may come before start() made the timer.
    if (!m_outboxReportTimer)
        return;
    if (!m_outboxReportTimer->isActive())
        m_outboxReportTimer->start();
}

void RedisWorker::reportOutbox()
{
    const int count = int(m_outbox.size());
    if (count == m_reportedOutbox)
        return;
    m_reportedOutbox = count;
    Q_EMIT outboxChanged(count);
}

void RedisWorker::saveOutboxSoon()
{
    if (m_saveTimer && !m_saveTimer->isActive())
        m_saveTimer->start();
}

void RedisWorker::saveOutbox()
{
    if (m_saveTimer)
        m_saveTimer->stop();
    QString error;
    if (!m_outbox.save(&error))
        Q_EMIT errorOccurred(error);
}

void RedisWorker::loadOlder(const QString &channel, const StreamId &before, int count)
{
    if (count <= 0)
        count = m_config.historyPageSize;
    // One reply of a caller's choosing could be the whole stream (100k entries and more by
    // default), parsed in one go in this thread; larger requests are paged by the caller.
    count = std::min(count, std::max(1, m_config.catchUpPageSize));
    const QByteArray end = before.isNull() ? QByteArray("+") : "(" + before.toByteArray();
    m_commands->command(
        {"XREVRANGE", m_keys.log(channel), end, "-", "COUNT", QByteArray::number(count)},
        [this, channel, count](const RedisReply &reply) {
            if (reply.isError()) {
                Q_EMIT errorOccurred(QStringLiteral("Cannot load the history of #%1: %2")
                                         .arg(channel, reply.toString()));
                Q_EMIT historyFailed(channel);
                return;
            }
            Q_EMIT historyLoaded(channel, parseEntries(channel, reply, true), reply.size() < count);
        },
        RedisClient::CommandOptions{.flatArrays = true});
}

void RedisWorker::openDirectChannel(const QString &user, const QString &text)
{
    const QString problem = NameRule::check(user, QStringLiteral("user name"));
    if (!problem.isEmpty()) {
        Q_EMIT errorOccurred(QStringLiteral("Cannot message \"%1\": %2").arg(user, problem));
        return;
    }
    whenUserReady([this, user, text] {
        auto legacyOnly = std::make_shared<bool>(false);
        if (m_legacyData) {
            m_commands->command({"HMGET", ChatKeys::Legacy::user(user), "owner", "protocol"},
                                [legacyOnly](const RedisReply &reply) {
                                    *legacyOnly = reply.size() == 2 && reply.at(0).isString()
                                        && !reply.at(1).isString();
                                });
        }
        m_commands->command(
            {"EXISTS", m_keys.user(user)}, [this, user, text, legacyOnly](const RedisReply &reply) {
                if (reply.toInteger() != 1) {
                    Q_EMIT errorOccurred(
                        *legacyOnly
                            ? QStringLiteral("\"%1\" still uses an older Confab (protocol 1) and "
                                             "would not see a direct message; ask them to upgrade.")
                                  .arg(user)
                            : QStringLiteral("There is no user \"%1\".").arg(user));
                    return;
                }
                const QString channel = ChatKeys::directChannel(m_user, user);
                // Tells them even while they are away; their patterns hear the join at once.
                m_commands->command({"SADD", m_keys.userDirect(user), channel.toUtf8()});
                join(channel, {});
                if (!text.isEmpty())
                    sendMessage(channel, text);
            });
    });
}

void RedisWorker::changeUserName(const QString &name)
{
    // The account asked for at start was refused (taken): try this one instead. Afterwards
    // the account never changes; /nick changes the display name (setDisplayName).
    if (m_userReady)
        return;
    m_user = name;
    if (m_commands && m_commands->state() == RedisConnection::State::Connected)
        claimUser(name, [this] { becomeReady(); });
}

void RedisWorker::setDisplayName(const QString &typed)
{
    const QString name = typed.trimmed();
    const QString problem = name.isEmpty() ? QString() : NameRule::checkDisplayName(name);
    if (!problem.isEmpty()) {
        Q_EMIT errorOccurred(QStringLiteral("Cannot change the display name: %1").arg(problem));
        return;
    }
    whenUserReady([this, name] {
        const QString wanted = name == m_user ? QString() : name;
        ChatScripts::setDisplay().run(
            *m_commands, {m_keys.user(m_user)}, {m_config.installSecret, wanted.toUtf8()},
            [this, wanted](const RedisReply &reply) {
                if (reply.isError()) {
                    Q_EMIT errorOccurred(
                        QStringLiteral("Cannot change the display name: %1").arg(reply.toString()));
                    return;
                }
                if (reply.toInteger() == 0 && wanted == m_display)
                    return;
                // Said in every channel, so that everyone's member list and log follow; the
                // entry carries the name it replaces ("Alice is now known as Al").
                const QString shown = wanted.isEmpty() ? m_user : wanted;
                for (const QString &channel : std::as_const(m_joined))
                    post(channel, m_user, ChatMessage::Type::Nick, shown, ChatKeys::newCid(), {});
                m_display = wanted;
                m_config.displayName = wanted;
                Q_EMIT identityChanged(m_user, displayName());
            });
    });
}

} // namespace Confab
