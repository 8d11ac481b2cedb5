#pragma once

#include "RedisOptions.h"
#include "RedisReply.h"
#include "RedisReplyReader.h"
#include "RedisSubscriptions.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

namespace Confab {

class RedisSocket;

// A pipelined, self-healing connection to one Redis server.
//
// Commands are written as soon as they are issued and their replies matched to a FIFO of
// callbacks, so N commands cost one round trip, not N. The connection reconnects by itself with
// exponential backoff and jitter, logs in again (AUTH, SELECT, CLIENT SETNAME) and restores every
// subscription. Every callback is called exactly once: with the reply, or with an error reply
// carrying the server's text or one of RedisReply's client-side codes (CONNECTION_LOST,
// NOT_CONNECTED, TIMEOUT).
//
// Threading: not thread-safe. Create it in the thread that will use it (the RedisWorker's) and
// call it only from there; its sockets live in that thread and are never touched from another.
class RedisConnection : public QObject
{
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Connected, Reconnecting };
    Q_ENUM(State)

    // What a command issued while the connection is down does.
    enum class QueuePolicy {
        WaitForConnection, // queued (bounded in count and time), sent once connected
        FailFast, // fails at once with NOT_CONNECTED
    };

    struct CommandOptions
    {
        // 0 means no timeout of its own (queued commands still expire after queueTimeout).
        std::chrono::milliseconds timeout{0};
        QueuePolicy whenDisconnected = QueuePolicy::WaitForConnection;
        // Answered only once the replicas RedisOptions::ackReplicas asks for have the write:
        // the commands of one event-loop pass share one WAIT behind them. Too few in time
        // turns a success into NOTDURABLE (the write may be lost in a failover: send it again
        // if that is harmless). Errors come at once.
        bool durable = false;
        // An array reply comes in flat form (RedisReply::flat(), read with RedisReplyView):
        // for big pages of a stream, read without an allocation per element.
        bool flatArrays = false;
    };

    using Callback = std::function<void(const RedisReply &)>;
    using Kind = RedisSubscriptions::Kind;

    explicit RedisConnection(const RedisOptions &options, QObject *parent = nullptr);
    ~RedisConnection() override;

    const RedisOptions &options() const { return m_options; }
    // Takes effect at the next connection attempt.
    void setOptions(const RedisOptions &options) { m_options = options; }
    State state() const { return m_state; }
    // Why the connection last went down or failed to come up; empty after a clean connect.
    QString lastError() const { return m_lastError; }
    // Commands written and not yet answered, and commands waiting for a connection.
    qsizetype pendingCount() const { return qsizetype(m_pending.size()); }
    qsizetype queuedCount() const { return qsizetype(m_queued.size()); }
    // Replicas a durable command waits for on this connection, decided when it connected.
    int ackReplicas() const { return m_ackReplicas; }
    // Bytes the reply reader holds allocated (RedisReplyReader::bufferCapacity). For tests: once
    // a large reply has been handled it must drop back instead of staying at its peak.
    qsizetype readerBufferCapacity() const { return m_reader.bufferCapacity(); }

    void open();
    // Disconnects for good (until open()); pending and queued commands fail with CONNECTION_LOST.
    void close();
    // Hands what is written so far to the operating system now (before a close that follows
    // at once, such as going offline on quit).
    void flushWrites();

    void command(const QList<QByteArray> &args, Callback callback = {});
    void command(const QList<QByteArray> &args, Callback callback, const CommandOptions &options);
    // MULTI, the commands and EXEC, back to back. The callback gets EXEC's reply, or, when the
    // server refused one of the commands (and so discarded the transaction), that refusal:
    // a MOVED says more than EXECABORT.
    void transaction(const QList<QList<QByteArray>> &commands, Callback callback);
    void transaction(const QList<QList<QByteArray>> &commands, Callback callback,
                     const CommandOptions &options);

    // Nodes to go through in turn, one per connection attempt, from the one in options() on:
    // for a link that any node of a cluster can serve (pub/sub, asking for the slot map).
    void setEndpoints(const QList<RedisOptions::Endpoint> &endpoints);
    // Asked for the address before every connection attempt (Sentinel: "which node is the
    // master now?"). The answer may come later; no answer means the attempt failed, why.
    using Resolved = std::function<void(std::optional<RedisOptions::Endpoint>, const QString &)>;
    void setEndpointResolver(std::function<void(Resolved)> resolver)
    {
        m_resolver = std::move(resolver);
    }
    // Drops the connection and connects again (through the resolver, if any): the node is
    // no longer the right one. Commands on the wire fail as CONNECTION_LOST.
    void reconnectNow(const QString &reason);

    // Subscriptions are remembered and restored after every reconnect. An empty list in an
    // unsubscribe call means all of that kind.
    void subscribe(const QList<QByteArray> &channels)
    {
        changeSubscriptions(Kind::Channel, channels, true);
    }
    void unsubscribe(const QList<QByteArray> &channels = {})
    {
        changeSubscriptions(Kind::Channel, channels, false);
    }
    void psubscribe(const QList<QByteArray> &patterns)
    {
        changeSubscriptions(Kind::Pattern, patterns, true);
    }
    void punsubscribe(const QList<QByteArray> &patterns = {})
    {
        changeSubscriptions(Kind::Pattern, patterns, false);
    }
    void ssubscribe(const QList<QByteArray> &channels)
    {
        changeSubscriptions(Kind::ShardChannel, channels, true);
    }
    void sunsubscribe(const QList<QByteArray> &channels = {})
    {
        changeSubscriptions(Kind::ShardChannel, channels, false);
    }
    // Stops wanting shard channels that the server dropped by itself (their slot left the
    // node): nothing is sent, since the node would only answer MOVED, and nothing is restored
    // after a reconnect.
    void forgetShardChannels(const QList<QByteArray> &channels);
    // What the server has confirmed on the current connection.
    bool isSubscribed(Kind kind, const QByteArray &name) const;

    // Encodes a command as RESP, exactly as it goes on the wire.
    static QByteArray encode(const QList<QByteArray> &args);

Q_SIGNALS:
    void stateChanged(Confab::RedisConnection::State state, const QString &reason);
    // Connected and logged in; emitted after every (re)connect, before queued commands go out.
    void connected();
    void reconnectScheduled(std::chrono::milliseconds delay, const QString &reason);
    // Something went wrong that no single command's callback hears about: a failed login,
    // a refused subscription, a dropped connection.
    void errorOccurred(const QString &message);

    void messageReceived(const QByteArray &channel, const QByteArray &payload);
    void patternMessageReceived(const QByteArray &pattern, const QByteArray &channel,
                                const QByteArray &payload);
    void shardMessageReceived(const QByteArray &channel, const QByteArray &payload);
    // The server confirmed a (re)subscription: from here on nothing published there is missed.
    void subscribed(Confab::RedisConnection::Kind kind, const QByteArray &name);
    void unsubscribed(Confab::RedisConnection::Kind kind, const QByteArray &name);
    // Everything the socket had has been dispatched: the moment to hand on what a burst of
    // replies or messages produced, without waiting for another pass of the event loop.
    void readFinished();

private:
    enum class EntryType { User, Handshake, Subscription };

    struct Pending
    {
        Callback callback;
        qint64 deadline = 0; // ms on m_clock; 0 = none
        EntryType type = EntryType::User;
        bool flatArrays = false;
        // Subscription entries: replies still expected and the names sent.
        Kind kind = Kind::Channel;
        bool subscribing = true;
        int confirmationsLeft = 0;
        QList<QByteArray> names;
    };

    struct Queued
    {
        QByteArray wire;
        Callback callback;
        bool durable = false;
        bool flatArrays = false;
        std::chrono::milliseconds timeout{0};
        qint64 issuedAt = 0; // ms on m_clock
        qint64 expiry = 0;
    };

    void setState(State state, const QString &reason = {});
    void startConnecting();
    void connectSocket();
    void failAttempt(const QString &reason);
    void onSocketConnected();
    void onSocketClosed(const QString &reason);
    void onReadyRead();
    void dispatch(RedisReply &&reply);
    void sendHandshake();
    void finishHandshake();
    void failHandshake(const RedisReply &error, const QByteArray &step);
    void restoreSubscriptions();
    void flushQueue();
    void send(const QByteArray &wire, Pending &&entry);
    void sendSubscription(Kind kind, bool subscribe, const QList<QByteArray> &names);
    void changeSubscriptions(Kind kind, const QList<QByteArray> &names, bool subscribe);
    void dropConnection(const QString &reason, bool fatal = false);
    void scheduleReconnect(const QString &reason);
    void failQueued(const RedisReply &error);
    void checkDeadlines();
    void sendHealthCheck();
    struct DurableBatch;
    void makeDurable(Pending &entry);
    void closeDurableBatch();
    qint64 now() const { return m_clock.elapsed(); }

    RedisOptions m_options;
    State m_state = State::Disconnected;
    QString m_lastError;
    RedisSocket *m_socket = nullptr;
    RedisReplyReader m_reader;
    RedisSubscriptions m_subscriptions;
    std::deque<Pending> m_pending;
    std::deque<Queued> m_queued;
    int m_handshakeLeft = 0;
    int m_ackReplicas = 0;
    std::shared_ptr<DurableBatch> m_durableBatch;
    bool m_healthCheckInFlight = false;
    int m_attempt = 0;
    QList<RedisOptions::Endpoint> m_endpoints;
    std::function<void(Resolved)> m_resolver;
    quint64 m_resolveGeneration = 0;
    qsizetype m_endpointIndex = 0;
    bool m_everConnected = false; // since open(): reconnectOnceConnected applies
    quint64 m_generation = 0;
    qint64 m_lastActivity = 0;
    QElapsedTimer m_clock;
    QTimer m_connectTimer;
    QTimer m_reconnectTimer;
    QTimer m_deadlineTimer;
    QTimer m_healthTimer;
};

} // namespace Confab
