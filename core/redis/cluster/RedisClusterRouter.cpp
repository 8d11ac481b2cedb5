#include "RedisClusterRouter.h"

#include "RedisClusterSlot.h"
#include "RedisCommandKeys.h"
#include "RedisRedirect.h"

#include <QRandomGenerator>

namespace Confab {

using namespace std::chrono_literals;

namespace {

// Errors a node gives while the cluster moves under it: worth asking again shortly.
bool isPassing(const RedisReply &reply)
{
    const QByteArray code = reply.errorCode();
    return code == "LOADING" || code == "MASTERDOWN" || code == "READONLY" || code == "BUSY";
}

bool isScriptLoad(const QList<QByteArray> &args)
{
    return args.size() >= 3 && args.at(0).toUpper() == "SCRIPT" && args.at(1).toUpper() == "LOAD";
}

} // namespace

RedisClusterRouter::RedisClusterRouter(const RedisOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
    // The map decides where a link goes; a link never gives up by itself.
    m_options.autoReconnect = true;
    m_options.moreSeeds.clear();
    m_slotLinks.assign(std::size_t(RedisClusterSlot::Count), nullptr);
    m_clock.start();
    m_refreshTimer.setSingleShot(true);
    connect(&m_refreshTimer, &QTimer::timeout, this, &RedisClusterRouter::refresh);
}

RedisClusterRouter::~RedisClusterRouter()
{
    // Links are children; their destructors call no callbacks.
}

QString RedisClusterRouter::description() const
{
    return QStringLiteral("Cluster \u00b7 %1 shards").arg(m_map.shardCount());
}

void RedisClusterRouter::open(const RedisSlotMap &map, RedisConnection *discovery)
{
    m_open = true;
    m_discovery = discovery;
    applyMap(map);
    updateState();
}

void RedisClusterRouter::close()
{
    m_open = false;
    m_refreshTimer.stop();
    // Held commands fail as their heads will (route() refuses once closed).
    auto gates = std::exchange(m_gates, {});
    for (auto &[slot, gate] : gates) {
        for (const RequestPtr &request : gate.waiting)
            route(request);
    }
    const auto links = std::exchange(m_links, {});
    for (const auto &[name, link] : links) {
        link->close();
        link->deleteLater();
    }
    updateState();
}

void RedisClusterRouter::flushWrites()
{
    for (const auto &[name, link] : m_links)
        link->flushWrites();
}

RedisConnection *RedisClusterRouter::linkTo(const Endpoint &master) const
{
    const auto it = m_links.find(master.toString());
    return it == m_links.end() ? nullptr : it->second;
}

RedisConnection *RedisClusterRouter::ensureLink(const Endpoint &master)
{
    if (RedisConnection *link = linkTo(master))
        return link;
    auto *link = new RedisConnection(m_options.forEndpoint(master), this);
    m_links[master.toString()] = link;
    connect(link, &RedisConnection::connected, this, [this, link] {
        for (const QList<QByteArray> &script : std::as_const(m_scripts))
            link->command(script);
        updateState();
    });
    connect(link, &RedisConnection::stateChanged, this, [this](State state) {
        if (state != State::Connected)
            scheduleRefresh(100ms);
        updateState();
    });
    connect(link, &RedisConnection::errorOccurred, this, &RedisClusterRouter::errorOccurred);
    connect(link, &RedisConnection::readFinished, this, &RedisClusterRouter::readFinished);
    connect(link, &RedisConnection::reconnectScheduled, this,
            &RedisClusterRouter::reconnectScheduled);
    if (m_open)
        link->open();
    return link;
}

bool RedisClusterRouter::isRetired(const RedisConnection *link) const
{
    return std::none_of(m_links.begin(), m_links.end(),
                        [link](const auto &entry) { return entry.second == link; });
}

void RedisClusterRouter::retire(RedisConnection *link)
{
    std::fill(m_slotLinks.begin(), m_slotLinks.end(), nullptr);
    link->disconnect(this);
    // Commands still waiting to be sent fail as NOT_CONNECTED and are routed again (see
    // handleReply); ones on the wire get their answer first (a MOVED, most likely) when the
    // node is still up.
    auto closeNow = [link] {
        link->close();
        link->deleteLater();
    };
    if (link->state() != State::Connected || link->pendingCount() == 0) {
        closeNow();
        return;
    }
    QTimer::singleShot(m_options.healthCheckTimeout, link, closeNow);
}

void RedisClusterRouter::command(const QList<QByteArray> &args, Callback callback,
                                 const CommandOptions &options)
{
    auto request = std::make_shared<Request>();
    request->args = args;
    request->callback = std::move(callback);
    request->options = options;
    request->startedAt = now();
    request->sequence = ++m_nextSequence;
    route(request);
}

void RedisClusterRouter::transaction(const QList<QList<QByteArray>> &commands, Callback callback,
                                     const CommandOptions &options)
{
    auto request = std::make_shared<Request>();
    request->commands = commands;
    request->transaction = true;
    request->callback = std::move(callback);
    request->options = options;
    request->startedAt = now();
    request->sequence = ++m_nextSequence;
    route(request);
}

void RedisClusterRouter::route(const RequestPtr &request)
{
    const RedisCommandKeys::Route where = request->transaction
        ? RedisCommandKeys::routeOf(request->commands)
        : RedisCommandKeys::routeOf(request->args);
    if (!where.error.isEmpty()) {
        finish(request, RedisReply::clientError(RedisReply::CrossSlotRefused, where.error));
        return;
    }
    if (!m_open) {
        finish(request,
               RedisReply::clientError(RedisReply::NotConnected,
                                       m_lastError.isEmpty() ? QStringLiteral("not connected")
                                                             : m_lastError));
        return;
    }

    if (!where.keyless) {
        request->slot = where.slot;
        if (heldAtGate(request))
            return;
    }

    RedisConnection *link = nullptr;
    if (where.keyless) {
        const QList<QByteArray> &args = request->args;
        if (!request->transaction && isScriptLoad(args)) {
            if (!m_scripts.contains(args))
                m_scripts.append(args);
            // Every master needs it; the caller hears from one.
            bool first = true;
            for (const auto &[name, master] : m_links) {
                if (first)
                    link = master;
                else
                    master->command(args);
                first = false;
            }
        } else {
            // Any master will do; one that is up, if there is one.
            for (const auto &[name, master] : m_links) {
                if (!link || master->state() == State::Connected)
                    link = master;
                if (link->state() == State::Connected)
                    break;
            }
        }
        if (!link) {
            retryLater(request, RedisReply::error("CLUSTERDOWN no master is known"));
            return;
        }
    } else {
        std::optional<Endpoint> owner = std::exchange(request->askTarget, std::nullopt);
        const bool asking = owner.has_value();
        RedisConnection *&cached = m_slotLinks[where.slot];
        if (!asking && cached) {
            link = cached;
        } else {
            if (!owner)
                owner = m_map.ownerOf(where.slot);
            if (!owner) {
                scheduleRefresh(0ms);
                retryLater(request,
                           RedisReply::error(QStringLiteral("CLUSTERDOWN no node serves slot %1")
                                                 .arg(where.slot)
                                                 .toUtf8()));
                return;
            }
            link = ensureLink(*owner);
            if (asking)
                link->command({"ASKING"}, {}, request->options);
            else
                cached = link;
        }
    }

    QPointer<RedisConnection> guard(link);
    auto onReply = [this, request, guard](const RedisReply &reply) {
        handleReply(request, guard, reply);
    };
    if (request->transaction)
        link->transaction(request->commands, onReply, request->options);
    else
        link->command(request->args, onReply, request->options);
}

void RedisClusterRouter::handleReply(const RequestPtr &request,
                                     const QPointer<RedisConnection> &link, const RedisReply &reply)
{
    if (!reply.isError()) {
        finish(request, reply);
        return;
    }
    if (reply.errorCode() == RedisReply::NotConnected && link && isRetired(link.data())) {
        // Never sent: the node it waited for is no longer a master.
        route(request);
        return;
    }
    if (const std::optional<RedisRedirect> redirect = RedisRedirect::parse(reply)) {
        switch (redirect->kind) {
        case RedisRedirect::Kind::Moved:
        case RedisRedirect::Kind::Ask: {
            if (++request->redirects > MaxRedirects) {
                finish(request,
                       RedisReply::clientError(RedisReply::ClusterUnavailable,
                                               QStringLiteral("more than %1 redirects, last: %2")
                                                   .arg(MaxRedirects)
                                                   .arg(reply.toString())));
                return;
            }
            Endpoint target{redirect->host, redirect->port};
            if (target.host.isEmpty() && link)
                target.host = link->options().host;
            if (redirect->kind == RedisRedirect::Kind::Moved) {
                m_map.applyMoved(redirect->slot, target);
                m_slotLinks[redirect->slot] = nullptr;
                scheduleRefresh(100ms);
            } else if (request->transaction) {
                // A transaction cannot follow ASK; the migration ends soon.
                retryLater(request, reply);
                return;
            } else {
                request->askTarget = target;
            }
            route(request);
            return;
        }
        case RedisRedirect::Kind::ClusterDown:
            scheduleRefresh(100ms);
            [[fallthrough]];
        case RedisRedirect::Kind::TryAgain:
            retryLater(request, reply);
            return;
        }
    }
    if (isPassing(reply)) {
        if (reply.errorCode() == "READONLY")
            scheduleRefresh(0ms);
        retryLater(request, reply);
        return;
    }
    finish(request, reply);
}

void RedisClusterRouter::retryLater(const RequestPtr &request, const RedisReply &why)
{
    const qint64 budget =
        request->options.timeout > 0ms ? request->options.timeout.count() : m_retryBudget.count();
    const qint64 spent = now() - request->startedAt;
    if (spent >= budget) {
        finish(request,
               RedisReply::clientError(
                   RedisReply::ClusterUnavailable,
                   QStringLiteral("%1 (still after %2 ms)").arg(why.toString()).arg(spent)));
        return;
    }
    if (request->slot >= 0) {
        Gate &gate = m_gates[request->slot];
        if (!gate.head)
            gate.head = request;
        if (gate.head != request) {
            // Refused after the head: it goes again after the head, in its place.
            const auto at = std::upper_bound(
                gate.waiting.begin(), gate.waiting.end(), request->sequence,
                [](quint64 sequence, const RequestPtr &r) { return sequence < r->sequence; });
            gate.waiting.insert(at, request);
            return;
        }
    }
    // 10 ms doubling to 500 ms, half of it random, and never past the budget.
    const qint64 base = std::min<qint64>(500, 10LL << std::min(request->retries, 6));
    ++request->retries;
    qint64 delay = base / 2 + qint64(QRandomGenerator::global()->bounded(int(base / 2) + 1));
    delay = std::max<qint64>(1, std::min(delay, budget - spent));
    QTimer::singleShot(std::chrono::milliseconds(delay), this, [this, request] { route(request); });
}

void RedisClusterRouter::finish(const RequestPtr &request, const RedisReply &reply)
{
    if (request->slot >= 0) {
        const auto it = m_gates.find(request->slot);
        if (it != m_gates.end() && it->second.head == request)
            openGate(request->slot);
    }
    if (request->callback)
        std::exchange(request->callback, nullptr)(reply);
}

bool RedisClusterRouter::heldAtGate(const RequestPtr &request)
{
    const auto it = m_gates.find(request->slot);
    if (it == m_gates.end() || it->second.head == request)
        return false;
    std::deque<RequestPtr> &waiting = it->second.waiting;
    if (std::find(waiting.begin(), waiting.end(), request) == waiting.end()) {
        const auto at = std::upper_bound(
            waiting.begin(), waiting.end(), request->sequence,
            [](quint64 sequence, const RequestPtr &r) { return sequence < r->sequence; });
        waiting.insert(at, request);
    }
    return true;
}

void RedisClusterRouter::openGate(int slot)
{
    // Sent back to back in their order; if the first is refused again it becomes the head of
    // a new gate and the rest queue behind it once more.
    std::deque<RequestPtr> waiting = std::move(m_gates[slot].waiting);
    m_gates.erase(slot);
    QPointer<RedisClusterRouter> self(this);
    for (const RequestPtr &request : waiting) {
        if (!self)
            return;
        route(request);
    }
}

void RedisClusterRouter::scheduleRefresh(std::chrono::milliseconds delay)
{
    if (!m_open || m_refreshInFlight)
        return;
    if (m_refreshTimer.isActive() && m_refreshTimer.remainingTime() <= delay.count())
        return;
    m_refreshTimer.start(delay);
}

void RedisClusterRouter::refresh()
{
    if (!m_open || m_refreshInFlight)
        return;
    // A master that is up knows the cluster best; the discovery link (any node) otherwise.
    RedisConnection *ask = nullptr;
    for (const auto &[name, link] : m_links) {
        if (link->state() == State::Connected) {
            ask = link;
            break;
        }
    }
    if (!ask && m_discovery && m_discovery->state() == State::Connected)
        ask = m_discovery;
    if (!ask) {
        scheduleRefresh(500ms);
        return;
    }
    m_refreshInFlight = true;
    const Endpoint via{ask->options().host, ask->options().port};
    QPointer<RedisClusterRouter> self(this);
    ask->command({"CLUSTER", "SHARDS"},
                 [self, ask = QPointer<RedisConnection>(ask), via](const RedisReply &reply) {
                     if (!self)
                         return;
                     if (reply.isError()
                         && reply.toString().contains(QLatin1String("nknown subcommand")) && ask) {
                         ask->command({"CLUSTER", "SLOTS"},
                                      [self, via](const RedisReply &slotsReply) {
                                          if (self)
                                              self->onMapReply(slotsReply, via, true);
                                      });
                         return;
                     }
                     self->onMapReply(reply, via, false);
                 },
                 {std::chrono::milliseconds(5000), RedisConnection::QueuePolicy::FailFast});
}

void RedisClusterRouter::confirmOwner(const QByteArray &key, Confirmed done)
{
    const quint16 slot = RedisClusterSlot::of(key);
    const std::optional<Endpoint> ours = m_map.ownerOf(slot);
    if (!ours) {
        scheduleRefresh(0ms);
        done(false, QStringLiteral("no master known for slot %1").arg(slot));
        return;
    }
    QList<RedisConnection *> asked;
    for (const auto &[name, link] : m_links) {
        if (link->state() == State::Connected && !isRetired(link))
            asked << link;
    }
    if (asked.isEmpty() || (asked.size() < 2 && m_map.masters().size() >= 2)) {
        scheduleRefresh(0ms);
        done(false, QStringLiteral("too few masters reachable to agree on slot %1").arg(slot));
        return;
    }
    struct Tally
    {
        qsizetype waiting = 0;
        QString disagreement;
    };
    auto tally = std::make_shared<Tally>();
    tally->waiting = asked.size();
    QPointer<RedisClusterRouter> self(this);
    for (RedisConnection *link : asked) {
        const Endpoint via{link->options().host, link->options().port};
        link->command({"CLUSTER", "SLOTS"},
                      [self, tally, done, via, slot, ours = *ours](const RedisReply &reply) {
                          if (!self)
                              return;
                          const std::optional<RedisSlotMap> map =
                              RedisSlotMap::fromSlots(reply, via);
                          const std::optional<Endpoint> owner =
                              map ? map->ownerOf(slot) : std::nullopt;
                          if (tally->disagreement.isEmpty() && !(owner && *owner == ours))
                              tally->disagreement =
                                  QStringLiteral("%1 says slot %2 is at %3, not %4")
                                      .arg(via.toString())
                                      .arg(slot)
                                      .arg(owner ? owner->toString() : QStringLiteral("no master"),
                                           ours.toString());
                          if (--tally->waiting > 0)
                              return;
                          if (!tally->disagreement.isEmpty()) {
                              self->scheduleRefresh(0ms);
                              done(false, tally->disagreement);
                              return;
                          }
                          done(true, QString());
                      },
                      {std::chrono::milliseconds(5000), RedisConnection::QueuePolicy::FailFast});
    }
}

void RedisClusterRouter::onMapReply(const RedisReply &reply, const Endpoint &via,
                                    bool slotsFallback)
{
    m_refreshInFlight = false;
    const std::optional<RedisSlotMap> map =
        slotsFallback ? RedisSlotMap::fromSlots(reply, via) : RedisSlotMap::fromShards(reply, via);
    if (map && !map->isEmpty())
        applyMap(*map);
    // Until every slot has a master that answers, keep asking: a failover takes a few
    // seconds, and the map names the new master only once it is done.
    if (m_state != State::Connected || !map)
        scheduleRefresh(500ms);
}

void RedisClusterRouter::applyMap(const RedisSlotMap &map)
{
    m_map = map;
    std::fill(m_slotLinks.begin(), m_slotLinks.end(), nullptr);
    const QList<Endpoint> masters = m_map.masters();
    for (const Endpoint &master : masters)
        ensureLink(master);
    for (auto it = m_links.begin(); it != m_links.end();) {
        const bool stillMaster =
            std::any_of(masters.begin(), masters.end(),
                        [&](const Endpoint &m) { return m.toString() == it->first; });
        if (stillMaster) {
            ++it;
            continue;
        }
        RedisConnection *link = it->second;
        it = m_links.erase(it);
        retire(link);
    }
    Q_EMIT mapChanged();
    updateState();
}

void RedisClusterRouter::updateState()
{
    State next = State::Connected;
    QString reason;
    if (!m_open) {
        next = State::Disconnected;
    } else if (!m_map.coversAllSlots()) {
        next = m_everConnected ? State::Reconnecting : State::Connecting;
        reason = QStringLiteral("the cluster serves only part of its slots");
    } else {
        for (const auto &[name, link] : m_links) {
            if (link->state() == State::Connected)
                continue;
            if (link->state() == State::Disconnected && !link->lastError().isEmpty()) {
                next = State::Disconnected;
                reason = link->lastError();
                break;
            }
            next = m_everConnected ? State::Reconnecting : State::Connecting;
            reason = link->lastError().isEmpty() ? name : link->lastError();
        }
    }
    if (next == State::Connected) {
        m_everConnected = true;
        m_lastError.clear();
        reason = description();
    } else if (!reason.isEmpty()) {
        m_lastError = reason;
    }
    if (next == m_state && next != State::Connected)
        return;
    if (next == m_state && next == State::Connected)
        return;
    m_state = next;
    if (next != State::Connected && next != State::Disconnected)
        scheduleRefresh(100ms);
    Q_EMIT stateChanged(next, reason);
}

} // namespace Confab
