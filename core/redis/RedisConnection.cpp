#include "RedisConnection.h"

#include "RedisFlatReply.h"
#include "RedisSocket.h"
#include "cluster/RedisClusterSlot.h"

#include <hiredis/hiredis.h>

#include <QMap>
#include <QRandomGenerator>
#include <QThread>
#include <QVarLengthArray>

#include <algorithm>
#include <memory>
#include <vector>

namespace Confab {

using namespace std::chrono_literals;

namespace {

// A reply read flat for a command that did not ask for that form (see onReadyRead).
RedisReply asTree(const RedisReply &reply)
{
    return reply.flat() ? reply.flat()->toReply() : reply;
}

// Channels per SUBSCRIBE when restoring many at once, to keep single commands reasonable.
constexpr qsizetype SubscribeChunk = 1000;

// Handshake errors that pass by themselves (a server still loading its data, a busy script):
// worth retrying, unlike a wrong password or database.
bool isTransientServerError(const RedisReply &reply)
{
    const QByteArray code = reply.errorCode();
    return code == "LOADING" || code == "BUSY" || code == "MASTERDOWN" || code == "TRYAGAIN";
}

} // namespace

RedisConnection::RedisConnection(const RedisOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
    qRegisterMetaType<Confab::RedisConnection::State>();
    qRegisterMetaType<Confab::RedisConnection::Kind>();
    m_clock.start();
    m_connectTimer.setSingleShot(true);
    m_reconnectTimer.setSingleShot(true);
    m_deadlineTimer.setSingleShot(true);
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        dropConnection(QStringLiteral("%1: no answer within %2 ms")
                           .arg(m_options.endpoint())
                           .arg(m_options.connectTimeout.count()));
    });
    connect(&m_reconnectTimer, &QTimer::timeout, this, &RedisConnection::startConnecting);
    connect(&m_deadlineTimer, &QTimer::timeout, this, &RedisConnection::checkDeadlines);
    connect(&m_healthTimer, &QTimer::timeout, this, &RedisConnection::sendHealthCheck);
}

RedisConnection::~RedisConnection()
{
    // Callbacks are not called from here: their owners may already be half gone.
    ++m_generation;
    if (m_socket)
        m_socket->disconnect(this);
}

QByteArray RedisConnection::encode(const QList<QByteArray> &args)
{
    QVarLengthArray<const char *, 16> argv;
    QVarLengthArray<size_t, 16> lengths;
    for (const QByteArray &arg : args) {
        argv.append(arg.constData());
        lengths.append(size_t(arg.size()));
    }
    char *out = nullptr;
    const auto length = redisFormatCommandArgv(&out, int(argv.size()), argv.data(), lengths.data());
    if (length < 0 || !out)
        return {};
    QByteArray wire(out, qsizetype(length));
    redisFreeCommand(out);
    return wire;
}

void RedisConnection::setState(State state, const QString &reason)
{
    if (m_state == state && reason.isEmpty())
        return;
    m_state = state;
    Q_EMIT stateChanged(state, reason);
}

void RedisConnection::open()
{
    Q_ASSERT(thread() == QThread::currentThread());
    if (m_state != State::Disconnected)
        return;
    m_attempt = 0;
    m_everConnected = false;
    startConnecting();
}

void RedisConnection::close()
{
    m_reconnectTimer.stop();
    ++m_resolveGeneration;
    m_attempt = 0;
    const QString reason = QStringLiteral("connection closed");
    if (m_socket) {
        dropConnection(reason, true);
        return;
    }
    failQueued(RedisReply::clientError(RedisReply::NotConnected, reason));
    setState(State::Disconnected, reason);
}

void RedisConnection::flushWrites()
{
    if (m_socket)
        m_socket->flush();
}

void RedisConnection::startConnecting()
{
    Q_ASSERT(!m_socket);
    if (!m_resolver) {
        connectSocket();
        return;
    }
    setState(State::Connecting, QStringLiteral("looking up the address"));
    const quint64 generation = ++m_resolveGeneration;
    QPointer<RedisConnection> self(this);
    m_resolver(
        [self, generation](std::optional<RedisOptions::Endpoint> endpoint, const QString &error) {
            if (!self || generation != self->m_resolveGeneration || self->m_socket
                || self->m_state != State::Connecting)
                return;
            if (!endpoint) {
                self->failAttempt(error);
                return;
            }
            self->m_options.host = endpoint->host;
            self->m_options.port = endpoint->port;
            self->connectSocket();
        });
}

void RedisConnection::failAttempt(const QString &reason)
{
    // As dropConnection() decides, for an attempt that never got a socket.
    m_lastError = reason;
    const bool reconnect =
        m_options.autoReconnect || (m_options.reconnectOnceConnected && m_everConnected);
    if (!reconnect) {
        m_attempt = 0;
        failQueued(RedisReply::clientError(RedisReply::NotConnected, reason));
        setState(State::Disconnected, reason);
        return;
    }
    scheduleReconnect(reason);
}

void RedisConnection::reconnectNow(const QString &reason)
{
    if (m_socket) {
        m_attempt = 0;
        dropConnection(reason);
    }
}

void RedisConnection::connectSocket()
{
    setState(State::Connecting, m_options.endpoint());
    m_reader.reset();
    m_socket = new RedisSocket(m_options, this);
    connect(m_socket, &RedisSocket::connected, this, &RedisConnection::onSocketConnected);
    connect(m_socket, &RedisSocket::readyRead, this, &RedisConnection::onReadyRead);
    connect(m_socket, &RedisSocket::closed, this, &RedisConnection::onSocketClosed);
    m_connectTimer.start(m_options.connectTimeout);
    m_socket->connectToServer();
}

void RedisConnection::onSocketConnected()
{
    m_lastActivity = now();
    sendHandshake();
}

void RedisConnection::sendHandshake()
{
    // Each step is pipelined; the connection counts as up only once every reply is in, so
    // user commands never run unauthenticated or against the wrong database.
    auto step = [this](QList<QByteArray> args, bool mustSucceed) {
        const QByteArray name = args.first();
        ++m_handshakeLeft;
        Pending entry;
        entry.type = EntryType::Handshake;
        entry.callback = [this, name, mustSucceed](const RedisReply &reply) {
            if (reply.isError()) {
                if (mustSucceed) {
                    failHandshake(reply, name);
                    return;
                }
                Q_EMIT errorOccurred(QStringLiteral("%1 failed: %2")
                                         .arg(QString::fromLatin1(name), reply.toString()));
            }
            if (--m_handshakeLeft == 0)
                finishHandshake();
        };
        send(encode(args), std::move(entry));
    };

    if (!m_options.password.isEmpty()) {
        if (m_options.username.isEmpty())
            step({"AUTH", m_options.password.toUtf8()}, true);
        else
            step({"AUTH", m_options.username.toUtf8(), m_options.password.toUtf8()}, true);
    }
    if (m_options.db != 0)
        step({"SELECT", QByteArray::number(m_options.db)}, true);
    if (!m_options.clientName.isEmpty())
        step({"CLIENT", "SETNAME", m_options.clientName.toUtf8()}, false);
    // Always at least one round trip: a server that accepts TCP but does not answer (paused,
    // overloaded) must not count as connected.
    step({"PING"}, true);
    m_ackReplicas = std::max(0, m_options.ackReplicas);
    if (m_options.requireMaster || m_options.ackReplicas < 0) {
        // What the node is: a replica, or an old master the others have moved on from, must
        // never be written to or read as if it were the master (it may be the master at the
        // next attempt); and how many replicas a durable write waits for.
        ++m_handshakeLeft;
        Pending entry;
        entry.type = EntryType::Handshake;
        entry.callback = [this](const RedisReply &reply) {
            const bool known = !reply.isError() && reply.isArray() && reply.size() > 0;
            if (m_options.requireMaster && reply.isError() && reply.errorCode() != "NOPERM") {
                failHandshake(reply, "ROLE");
                return;
            }
            if (m_options.requireMaster && !reply.isError()
                && (!known || reply.at(0).bytes() != "master")) {
                const QString role =
                    known ? QString::fromUtf8(reply.at(0).bytes().left(40)) : QStringLiteral("?");
                dropConnection(
                    QStringLiteral("%1 is a %2, not the master").arg(m_options.endpoint(), role));
                return;
            }
            // Not allowed to ask (ACL) or not a server that knows ROLE: nothing to wait for.
            if (m_options.ackReplicas < 0)
                m_ackReplicas = known && reply.at(0).bytes() == "master" && reply.size() >= 3
                        && reply.at(2).size() > 0
                    ? 1
                    : 0;
            if (--m_handshakeLeft == 0)
                finishHandshake();
        };
        send(encode({"ROLE"}), std::move(entry));
    }
}

void RedisConnection::failHandshake(const RedisReply &error, const QByteArray &step)
{
    QString reason = QStringLiteral("%1: %2 failed: %3")
                         .arg(m_options.endpoint(), QString::fromLatin1(step), error.toString());
    if (step == "SELECT" && error.toString().contains(QLatin1String("cluster mode")))
        reason = QStringLiteral("%1 is part of a Redis Cluster, which has only database 0: "
                                "remove /%2 from the URL")
                     .arg(m_options.endpoint())
                     .arg(m_options.db);
    if (isTransientServerError(error)) {
        dropConnection(reason);
        return;
    }
    Q_EMIT errorOccurred(reason);
    dropConnection(reason, true);
}

void RedisConnection::finishHandshake()
{
    m_connectTimer.stop();
    m_attempt = 0;
    m_lastError.clear();
    m_state = State::Connected;
    m_everConnected = true;
    // Subscriptions and commands queued while down go out before anything issued in reaction to
    // connected(), so they keep their order.
    restoreSubscriptions();
    flushQueue();
    if (m_options.healthCheckInterval > 0ms)
        m_healthTimer.start(m_options.healthCheckInterval);
    Q_EMIT stateChanged(State::Connected, m_options.endpoint());
    Q_EMIT connected();
}

void RedisConnection::restoreSubscriptions()
{
    for (Kind kind : {Kind::Channel, Kind::Pattern, Kind::ShardChannel}) {
        const QList<QByteArray> names = m_subscriptions.wanted(kind).values();
        for (qsizetype i = 0; i < names.size(); i += SubscribeChunk)
            sendSubscription(kind, true, names.mid(i, SubscribeChunk));
    }
}

void RedisConnection::flushQueue()
{
    std::deque<Queued> queued;
    queued.swap(m_queued);
    for (Queued &q : queued) {
        Pending entry;
        entry.callback = std::move(q.callback);
        entry.flatArrays = q.flatArrays;
        if (q.timeout > 0ms)
            entry.deadline = q.issuedAt + q.timeout.count();
        if (q.durable)
            makeDurable(entry);
        send(q.wire, std::move(entry));
    }
}

void RedisConnection::send(const QByteArray &wire, Pending &&entry)
{
    // An idle connection writes at once, saving a pass of the event loop on every lone round
    // trip; while replies are outstanding, writes gather in the socket's buffer and go out
    // together, which is what makes pipelining cheap.
    const bool idle = m_pending.empty();
    m_socket->write(wire);
    if (idle)
        m_socket->flush();
    if (entry.deadline > 0) {
        const qint64 remaining = std::max<qint64>(1, entry.deadline - now());
        if (!m_deadlineTimer.isActive() || m_deadlineTimer.remainingTime() > remaining)
            m_deadlineTimer.start(int(remaining));
    }
    m_pending.push_back(std::move(entry));
}

void RedisConnection::command(const QList<QByteArray> &args, Callback callback)
{
    command(args, std::move(callback), CommandOptions());
}

void RedisConnection::command(const QList<QByteArray> &args, Callback callback,
                              const CommandOptions &options)
{
    Q_ASSERT_X(thread() == QThread::currentThread(), "RedisConnection::command",
               "a RedisConnection is used only from the thread it lives in");

    auto failLater = [this](Callback cb, RedisReply reply) {
        if (cb) {
            QMetaObject::invokeMethod(
                this, [cb = std::move(cb), reply = std::move(reply)] { cb(reply); },
                Qt::QueuedConnection);
        }
    };
    if (args.isEmpty()) {
        failLater(std::move(callback), RedisReply::error("ERR empty command"));
        return;
    }
    if (m_state == State::Connected) {
        Pending entry;
        entry.callback = std::move(callback);
        entry.flatArrays = options.flatArrays;
        if (options.timeout > 0ms)
            entry.deadline = now() + options.timeout.count();
        if (options.durable)
            makeDurable(entry);
        send(encode(args), std::move(entry));
        return;
    }
    if (m_state == State::Disconnected || options.whenDisconnected == QueuePolicy::FailFast) {
        const QString why = m_lastError.isEmpty()
            ? QStringLiteral("not connected to %1").arg(m_options.endpoint())
            : m_lastError;
        failLater(std::move(callback), RedisReply::clientError(RedisReply::NotConnected, why));
        return;
    }
    if (qsizetype(m_queued.size()) >= m_options.maxQueuedCommands) {
        failLater(
            std::move(callback),
            RedisReply::clientError(
                RedisReply::NotConnected,
                QStringLiteral("%1 commands already wait for a connection").arg(m_queued.size())));
        return;
    }
    Queued q;
    q.wire = encode(args);
    q.callback = std::move(callback);
    q.durable = options.durable;
    q.flatArrays = options.flatArrays;
    q.timeout = options.timeout;
    std::chrono::milliseconds wait = m_options.queueTimeout;
    if (options.timeout > 0ms)
        wait = std::min(wait, options.timeout);
    q.issuedAt = now();
    q.expiry = q.issuedAt + wait.count();
    if (!m_deadlineTimer.isActive() || m_deadlineTimer.remainingTime() > wait.count())
        m_deadlineTimer.start(std::max<int>(1, int(wait.count())));
    m_queued.push_back(std::move(q));
}

void RedisConnection::transaction(const QList<QList<QByteArray>> &commands, Callback callback)
{
    transaction(commands, std::move(callback), CommandOptions());
}

void RedisConnection::transaction(const QList<QList<QByteArray>> &commands, Callback callback,
                                  const CommandOptions &commandOptions)
{
    // The first refusal is kept: EXEC then only says the transaction was discarded. EXEC's
    // reply holds each command's: read as a tree.
    CommandOptions options = commandOptions;
    options.flatArrays = false;
    auto refusal = std::make_shared<RedisReply>();
    command({"MULTI"}, {}, options);
    for (const QList<QByteArray> &args : commands) {
        command(
            args,
            [refusal](const RedisReply &reply) {
                if (reply.isError() && !refusal->isError())
                    *refusal = reply;
            },
            options);
    }
    command(
        {"EXEC"},
        [refusal, callback = std::move(callback)](const RedisReply &reply) {
            if (!callback)
                return;
            if (reply.isError() && refusal->isError() && !reply.isClientError())
                callback(*refusal);
            else
                callback(reply);
        },
        options);
}

void RedisConnection::setEndpoints(const QList<RedisOptions::Endpoint> &endpoints)
{
    m_endpoints = endpoints;
    m_endpointIndex = 0;
    const RedisOptions::Endpoint current{m_options.host, m_options.port};
    for (qsizetype i = 0; i < m_endpoints.size(); ++i) {
        if (m_endpoints.at(i) == current)
            m_endpointIndex = i;
    }
}

void RedisConnection::changeSubscriptions(Kind kind, const QList<QByteArray> &names, bool subscribe)
{
    if (subscribe) {
        const QList<QByteArray> added = m_subscriptions.want(kind, names);
        if (m_state == State::Connected && !added.isEmpty())
            sendSubscription(kind, true, added);
        return;
    }
    QList<QByteArray> targets = names;
    if (targets.isEmpty())
        targets = (m_subscriptions.wanted(kind) | m_subscriptions.active(kind)).values();
    m_subscriptions.unwant(kind, names);
    if (m_state == State::Connected && !targets.isEmpty())
        sendSubscription(kind, false, targets);
}

void RedisConnection::sendSubscription(Kind kind, bool subscribe, const QList<QByteArray> &names)
{
    if (kind == Kind::ShardChannel && names.size() > 1) {
        // One SSUBSCRIBE may only name channels of one slot (else CROSSSLOT refuses them
        // all); a link restoring what it had after a reconnect often holds several.
        QMap<quint16, QList<QByteArray>> bySlot;
        for (const QByteArray &name : names)
            bySlot[RedisClusterSlot::of(name)] << name;
        if (bySlot.size() > 1) {
            for (const QList<QByteArray> &group : std::as_const(bySlot))
                sendSubscription(kind, subscribe, group);
            return;
        }
    }
    QList<QByteArray> args;
    args.reserve(names.size() + 1);
    args << (subscribe ? RedisSubscriptions::subscribeVerb(kind)
                       : RedisSubscriptions::unsubscribeVerb(kind));
    args << names;
    Pending entry;
    entry.type = EntryType::Subscription;
    entry.kind = kind;
    entry.subscribing = subscribe;
    entry.confirmationsLeft = int(names.size());
    entry.names = names;
    send(encode(args), std::move(entry));
}

void RedisConnection::forgetShardChannels(const QList<QByteArray> &channels)
{
    if (!channels.isEmpty())
        m_subscriptions.unwant(Kind::ShardChannel, channels);
}

bool RedisConnection::isSubscribed(Kind kind, const QByteArray &name) const
{
    return m_subscriptions.active(kind).contains(name);
}

void RedisConnection::onReadyRead()
{
    if (!m_socket)
        return;
    const quint64 generation = m_generation;
    m_lastActivity = now();
    // Read and fed in slices, each drained before the next: hiredis moves its unread bytes to
    // the front of its buffer every kilobyte it consumes, so handing it megabytes at once (a
    // subscriber that fell behind) would cost time quadratic in the backlog; and one slice on
    // the stack spares a fresh block as big as all that arrived (faulted in page by page) for
    // every read. Reading goes on while the socket has more (as readAll() would), up to a
    // budget: a flood must not keep this loop from returning to the event loop.
    constexpr qint64 Slice = 16 * 1024;
    constexpr qint64 Budget = 8 * 1024 * 1024;
    char slice[Slice];
    for (qint64 left = Budget; left > 0;) {
        const qint64 got = m_socket->read(slice, Slice);
        if (got <= 0)
            break;
        left -= got;
        m_reader.feed(slice, got);
        for (;;) {
            // Read flat: the reply to a command that asked for it, and whatever comes while the
            // server holds the connection subscribed (a flood of pushes, each read without an
            // allocation per element; dispatch() makes a tree of what turns out to be a reply
            // to a command that did not ask).
            const bool flat = m_subscriptions.serverSubscribed()
                || (!m_pending.empty() && m_pending.front().flatArrays);
            RedisReply reply;
            const RedisReplyReader::Result result = m_reader.next(
                &reply, flat ? RedisReplyReader::Form::Flat : RedisReplyReader::Form::Tree);
            if (result == RedisReplyReader::Result::NeedMoreData)
                break;
            if (result == RedisReplyReader::Result::ProtocolError) {
                dropConnection(QStringLiteral("%1: protocol error: %2")
                                   .arg(m_options.endpoint(), m_reader.errorString()));
                return;
            }
            dispatch(std::move(reply));
            // A slot or callback may have closed or dropped the connection.
            if (generation != m_generation)
                return;
        }
        if (left <= 0 && m_socket->bytesAvailable() > 0) {
            // Out of budget with bytes already taken off the network: no new readyRead will
            // say so, so come back for them after the events that waited.
            QMetaObject::invokeMethod(this, &RedisConnection::onReadyRead, Qt::QueuedConnection);
        }
    }
    Q_EMIT readFinished();
}

void RedisConnection::dispatch(RedisReply &&reply)
{
    if (const auto push = m_subscriptions.message(reply)) {
        switch (push->kind) {
        case Kind::Channel:
            Q_EMIT messageReceived(push->channel, push->payload);
            break;
        case Kind::Pattern:
            Q_EMIT patternMessageReceived(push->pattern, push->channel, push->payload);
            break;
        case Kind::ShardChannel:
            Q_EMIT shardMessageReceived(push->channel, push->payload);
            break;
        }
        return;
    }

    const bool headIsSubscription =
        !m_pending.empty() && m_pending.front().type == EntryType::Subscription;
    if (m_subscriptions.serverSubscribed()
        && !m_subscriptions.active(Kind::ShardChannel).isEmpty()) {
        // A cluster node drops shard subscriptions by itself when their slot leaves it (a
        // migration, a failover). That push can come at any time, also while another command
        // heads the queue; it must not be taken for that command's reply.
        const auto confirmation = RedisSubscriptions::confirmation(reply);
        if (confirmation && confirmation->kind == Kind::ShardChannel
            && confirmation->type == RedisSubscriptions::Push::Type::Unsubscribed
            && !(headIsSubscription && m_pending.front().kind == Kind::ShardChannel
                 && m_pending.front().names.contains(confirmation->channel))) {
            m_subscriptions.apply(*confirmation);
            Q_EMIT unsubscribed(confirmation->kind, confirmation->channel);
            return;
        }
    }
    if (headIsSubscription || (m_pending.empty() && m_subscriptions.serverSubscribed())) {
        if (const auto confirmation = RedisSubscriptions::confirmation(reply)) {
            m_subscriptions.apply(*confirmation);
            Callback done;
            if (headIsSubscription && --m_pending.front().confirmationsLeft <= 0) {
                done = std::move(m_pending.front().callback);
                m_pending.pop_front();
            }
            if (confirmation->type == RedisSubscriptions::Push::Type::Subscribed)
                Q_EMIT subscribed(confirmation->kind, confirmation->channel);
            else
                Q_EMIT unsubscribed(confirmation->kind, confirmation->channel);
            if (done)
                done(asTree(reply));
            return;
        }
    }

    if (m_pending.empty()) {
        dropConnection(QStringLiteral("%1: unexpected reply: %2")
                           .arg(m_options.endpoint(), reply.toDebugString().left(200)));
        return;
    }
    Pending head = std::move(m_pending.front());
    m_pending.pop_front();
    if (head.type == EntryType::Subscription && reply.isError()) {
        // Refused as a whole (ACL, cross-slot...): stop asking for it at every reconnect. A
        // refused unsubscribe (MOVED from a node that no longer serves the slot) leaves
        // nothing to undo: the name is no longer wanted already.
        if (head.subscribing)
            m_subscriptions.unwant(head.kind, head.names);
        const QByteArray verb = head.subscribing ? RedisSubscriptions::subscribeVerb(head.kind)
                                                 : RedisSubscriptions::unsubscribeVerb(head.kind);
        Q_EMIT errorOccurred(QStringLiteral("%1 %2 refused: %3")
                                 .arg(QString::fromLatin1(verb),
                                      QString::fromUtf8(head.names.join(' ')), reply.toString()));
    }
    if (head.callback)
        head.callback(head.flatArrays ? reply : asTree(reply));
}

void RedisConnection::onSocketClosed(const QString &reason)
{
    dropConnection(reason);
}

void RedisConnection::dropConnection(const QString &reason, bool fatal)
{
    if (!m_socket)
        return;
    ++m_generation;
    RedisSocket *socket = m_socket;
    m_socket = nullptr;
    socket->disconnect(this);
    socket->abort(reason);
    socket->deleteLater();

    m_reader.reset();
    m_subscriptions.resetServerState();
    m_connectTimer.stop();
    m_healthTimer.stop();
    m_healthCheckInFlight = false;
    m_handshakeLeft = 0;
    m_lastError = reason;

    std::deque<Pending> pending;
    pending.swap(m_pending);

    const bool reconnect =
        m_options.autoReconnect || (m_options.reconnectOnceConnected && m_everConnected);
    if (fatal || !reconnect) {
        m_attempt = 0;
        failQueued(RedisReply::clientError(RedisReply::NotConnected, reason));
        setState(State::Disconnected, reason);
    } else {
        scheduleReconnect(reason);
    }

    const RedisReply lost = RedisReply::clientError(RedisReply::ConnectionLost, reason);
    for (Pending &p : pending) {
        if (p.type != EntryType::Handshake && p.callback)
            p.callback(lost);
    }
}

void RedisConnection::scheduleReconnect(const QString &reason)
{
    // Exponential backoff with "equal jitter": half the delay fixed, half random, so a server
    // coming back is not hit by every client at the same instant.
    const qint64 minDelay = std::max<qint64>(1, m_options.reconnectMinDelay.count());
    const qint64 maxDelay = std::max<qint64>(minDelay, m_options.reconnectMaxDelay.count());
    const qint64 base = std::min(maxDelay, minDelay << std::min(m_attempt, 20));
    const qint64 delay =
        base / 2 + qint64(QRandomGenerator::global()->bounded(double(base / 2 + 1)));
    ++m_attempt;
    if (m_endpoints.size() > 1) {
        // Another node may be up where this one is not: the next try goes there, at once
        // for a fresh list, with backoff once every node has failed in turn.
        m_endpointIndex = (m_endpointIndex + 1) % m_endpoints.size();
        m_options.host = m_endpoints.at(m_endpointIndex).host;
        m_options.port = m_endpoints.at(m_endpointIndex).port;
    }
    setState(State::Reconnecting, reason);
    Q_EMIT reconnectScheduled(std::chrono::milliseconds(delay), reason);
    m_reconnectTimer.start(std::chrono::milliseconds(delay));
}

void RedisConnection::failQueued(const RedisReply &error)
{
    std::deque<Queued> queued;
    queued.swap(m_queued);
    for (Queued &q : queued) {
        if (q.callback)
            q.callback(error);
    }
}

void RedisConnection::checkDeadlines()
{
    const qint64 t = now();
    qint64 next = 0;
    auto consider = [&next](qint64 deadline) {
        next = next == 0 ? deadline : std::min(next, deadline);
    };

    std::vector<std::pair<Callback, RedisReply>> due;
    for (Pending &p : m_pending) {
        if (p.deadline == 0)
            continue;
        if (p.deadline <= t) {
            // The reply may still come; it will be matched to this entry and dropped.
            if (p.callback) {
                due.emplace_back(
                    std::move(p.callback),
                    RedisReply::clientError(
                        RedisReply::Timeout,
                        QStringLiteral("no reply from %1 in time").arg(m_options.endpoint())));
                p.callback = nullptr;
            }
            p.deadline = 0;
        } else {
            consider(p.deadline);
        }
    }
    for (auto it = m_queued.begin(); it != m_queued.end();) {
        if (it->expiry <= t) {
            QString why = QStringLiteral("no connection to %1 within %2 ms")
                              .arg(m_options.endpoint())
                              .arg(t - it->issuedAt);
            if (!m_lastError.isEmpty())
                why += QStringLiteral(" (") + m_lastError + u')';
            due.emplace_back(std::move(it->callback),
                             RedisReply::clientError(RedisReply::NotConnected, why));
            it = m_queued.erase(it);
        } else {
            consider(it->expiry);
            ++it;
        }
    }
    if (next > 0)
        m_deadlineTimer.start(int(std::max<qint64>(1, next - t)));

    for (auto &[callback, reply] : due) {
        if (callback)
            callback(reply);
    }
}

struct RedisConnection::DurableBatch
{
    int replicas = 0;
    std::vector<std::pair<Callback, RedisReply>> held;
};

void RedisConnection::makeDurable(Pending &entry)
{
    if (m_ackReplicas <= 0)
        return;
    if (!m_durableBatch) {
        // Group commit: every durable command of this pass of the event loop shares the WAIT
        // that goes out behind them.
        m_durableBatch = std::make_shared<DurableBatch>();
        m_durableBatch->replicas = m_ackReplicas;
        QMetaObject::invokeMethod(this, &RedisConnection::closeDurableBatch, Qt::QueuedConnection);
    }
    entry.callback = [batch = m_durableBatch,
                      callback = std::move(entry.callback)](const RedisReply &reply) {
        // Nothing was written (a script's refusal) or nothing is known (a lost connection):
        // no replica can change that.
        if (reply.isError()) {
            if (callback)
                callback(reply);
            return;
        }
        batch->held.emplace_back(callback, reply);
    };
}

void RedisConnection::closeDurableBatch()
{
    const std::shared_ptr<DurableBatch> batch = std::exchange(m_durableBatch, nullptr);
    if (!batch)
        return;
    const int replicas = batch->replicas;
    const qint64 timeout = std::max<qint64>(1, m_options.ackTimeout.count());
    const QString endpoint = m_options.endpoint();
    auto settle = [batch, replicas, timeout, endpoint](const RedisReply &reply) {
        const qint64 acked = reply.isInteger() ? reply.toInteger() : 0;
        const RedisReply notDurable = RedisReply::clientError(
            RedisReply::NotDurable,
            reply.isError()
                ? QStringLiteral("WAIT on %1 failed: %2").arg(endpoint, reply.toString())
                : QStringLiteral("%1 acknowledged by %2 of %3 replicas within %4 ms")
                      .arg(endpoint)
                      .arg(acked)
                      .arg(replicas)
                      .arg(timeout));
        const bool durable = !reply.isError() && acked >= replicas;
        for (auto &[callback, held] : batch->held) {
            if (callback)
                callback(durable ? held : notDurable);
        }
    };
    if (!m_socket || m_state != State::Connected) {
        // Gone before the WAIT could be sent: what was held is not known to be durable.
        settle(RedisReply::clientError(RedisReply::ConnectionLost, m_lastError));
        return;
    }
    Pending wait;
    // WAIT itself returns after `timeout`; a server that does not is not answering at all.
    wait.deadline = now() + timeout + m_options.healthCheckTimeout.count();
    wait.callback = std::move(settle);
    send(encode({"WAIT", QByteArray::number(replicas), QByteArray::number(timeout)}),
         std::move(wait));
}

void RedisConnection::sendHealthCheck()
{
    if (m_state != State::Connected || m_healthCheckInFlight)
        return;
    if (now() - m_lastActivity < m_options.healthCheckInterval.count())
        return;
    m_healthCheckInFlight = true;
    const quint64 generation = m_generation;
    Pending entry;
    entry.deadline = now() + m_options.healthCheckTimeout.count();
    entry.callback = [this, generation](const RedisReply &reply) {
        if (generation != m_generation)
            return;
        m_healthCheckInFlight = false;
        if (reply.errorCode() == RedisReply::Timeout) {
            dropConnection(QStringLiteral("%1: no answer to PING within %2 ms")
                               .arg(m_options.endpoint())
                               .arg(m_options.healthCheckTimeout.count()));
        }
    };
    send(encode({"PING"}), std::move(entry));
}

} // namespace Confab
