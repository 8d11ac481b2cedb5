#pragma once

#include "RedisSlotMap.h"
#include "redis/RedisConnection.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <deque>
#include <map>
#include <memory>
#include <unordered_map>

namespace Confab {

// Runs commands on a Redis Cluster: one pipelined RedisConnection per master, each command
// sent to the master that owns its keys' slot. It follows the cluster as it changes:
//  - MOVED updates the map and resends at once (and refreshes the whole map soon after);
//  - ASK sends ASKING and the command to the importing node, once, leaving the map alone;
//  - TRYAGAIN, CLUSTERDOWN, LOADING, MASTERDOWN and READONLY are retried with jittered
//    backoff within the command's timeout (or retryBudget), then fail as CLUSTER_UNAVAILABLE;
//    while a command for a slot waits to be retried, later commands for that slot wait
//    behind it and go in the order they were issued, so that a retry cannot be overtaken
//    (what was already in flight when the first refusal came back cannot be held back);
//  - a link that drops makes it ask the cluster for a fresh map until every slot has a
//    reachable master again (a failover); links to nodes that are no longer masters are
//    retired, and what waited on them to be sent goes to the new owner.
// A command whose keys span slots fails as CROSSSLOT_REFUSED without being sent. SCRIPT LOAD
// goes to every master, and again to every new one.
//
// Threading: as RedisConnection.
class RedisClusterRouter : public QObject
{
    Q_OBJECT
public:
    using State = RedisConnection::State;
    using Callback = RedisConnection::Callback;
    using CommandOptions = RedisConnection::CommandOptions;
    using Endpoint = RedisOptions::Endpoint;

    static constexpr int MaxRedirects = 16;

    explicit RedisClusterRouter(const RedisOptions &options, QObject *parent = nullptr);
    ~RedisClusterRouter() override;

    // Starts with the map a node gave; `discovery` (any node) is asked for newer maps when no
    // master link is up.
    void open(const RedisSlotMap &map, RedisConnection *discovery);
    void close();
    void flushWrites();

    State state() const { return m_state; }
    QString lastError() const { return m_lastError; }
    const RedisSlotMap &map() const { return m_map; }
    // "Cluster · 3 shards"
    QString description() const;
    // How long a command may be retried while the cluster cannot serve it, when it has no
    // timeout of its own.
    void setRetryBudget(std::chrono::milliseconds budget) { m_retryBudget = budget; }

    void command(const QList<QByteArray> &args, Callback callback,
                 const CommandOptions &options = {});
    void transaction(const QList<QList<QByteArray>> &commands, Callback callback,
                     const CommandOptions &options = {});

    // Whether the master this router sends `key`'s commands to is the one the cluster names:
    // every connected master (two at least, when there are two) is asked for its map and all
    // must agree with ours. If they do not, the map is refreshed and the answer is no.
    using Confirmed = std::function<void(bool confirmed, const QString &why)>;
    void confirmOwner(const QByteArray &key, Confirmed done);

    // For tests: the link to a master, if there is one.
    RedisConnection *linkTo(const Endpoint &master) const;

Q_SIGNALS:
    void stateChanged(Confab::RedisConnection::State state, const QString &reason);
    void mapChanged();
    void errorOccurred(const QString &message);
    void reconnectScheduled(std::chrono::milliseconds delay, const QString &reason);
    void readFinished();

private:
    struct Request
    {
        QList<QByteArray> args; // a single command
        QList<QList<QByteArray>> commands; // a transaction's
        bool transaction = false;
        Callback callback;
        CommandOptions options;
        int redirects = 0;
        int retries = 0;
        quint64 sequence = 0; // order of issue, for the slot gates
        int slot = -1;
        qint64 startedAt = 0;
        std::optional<Endpoint> askTarget;
    };
    using RequestPtr = std::shared_ptr<Request>;

    void route(const RequestPtr &request);
    void handleReply(const RequestPtr &request, const QPointer<RedisConnection> &link,
                     const RedisReply &reply);
    void retryLater(const RequestPtr &request, const RedisReply &why);
    void finish(const RequestPtr &request, const RedisReply &reply);
    // Holds `request` behind the retried command of its slot, if there is one.
    bool heldAtGate(const RequestPtr &request);
    void openGate(int slot);
    RedisConnection *ensureLink(const Endpoint &master);
    void retire(RedisConnection *link);
    // A link still alive but no longer among the masters' (retired, closing).
    bool isRetired(const RedisConnection *link) const;
    void scheduleRefresh(std::chrono::milliseconds delay);
    void refresh();
    void onMapReply(const RedisReply &reply, const Endpoint &via, bool slotsFallback);
    void applyMap(const RedisSlotMap &map);
    void updateState();
    qint64 now() const { return m_clock.elapsed(); }

    RedisOptions m_options;
    RedisSlotMap m_map;
    std::map<QString, RedisConnection *> m_links; // masters, by "host:port"
    // Slot -> link, filled as commands are routed, emptied when the map changes: spares the
    // lookup by address on every command.
    std::vector<RedisConnection *> m_slotLinks;
    QPointer<RedisConnection> m_discovery;
    QList<QList<QByteArray>> m_scripts; // SCRIPT LOAD commands, for every new master
    State m_state = State::Disconnected;
    QString m_lastError;
    bool m_open = false;
    bool m_everConnected = false;
    bool m_refreshInFlight = false;
    std::chrono::milliseconds m_retryBudget{10000};
    QElapsedTimer m_clock;
    QTimer m_refreshTimer;
    // Slots with a command waiting to be retried (the head) and those issued after it,
    // ordered by sequence.
    struct Gate
    {
        RequestPtr head;
        std::deque<RequestPtr> waiting;
    };
    std::unordered_map<int, Gate> m_gates;
    quint64 m_nextSequence = 0;
};

} // namespace Confab
