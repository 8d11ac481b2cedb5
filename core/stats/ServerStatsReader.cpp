#include "ServerStatsReader.h"

#include "chat/NameRule.h"
#include "chat/StreamId.h"
#include "presence/Presence.h"
#include "redis/RedisClient.h"

#include <QHash>
#include <QSet>

#include <algorithm>

namespace Confab {

struct ServerStatsReader::Reading
{
    ServerStats stats;
    std::function<void(const ServerStats &)> done;
    int pending = 0;
    QSet<QString> channelsSeen;
    QSet<QString> accountsSeen;
    bool accountsSampled = false; // the directory has more names than were looked at
    // Per channel: the times of its newest entries, newest first (rates need TIME's answer).
    QHash<QString, QList<qint64>> entryTimes;
    QSet<QString> refused; // subjects already in `problems`
};

ServerStatsReader::ServerStatsReader(RedisClient *commands, ChatKeys keys, QObject *parent)
    : QObject(parent)
    , m_commands(commands)
    , m_keys(std::move(keys))
{ }

QByteArray ServerStatsReader::infoField(const QByteArray &info, const QByteArray &field)
{
    const QByteArray wanted = field + ':';
    for (QByteArray line : info.split('\n')) {
        while (line.endsWith('\r'))
            line.chop(1);
        if (line.startsWith(wanted))
            return line.mid(wanted.size());
    }
    return {};
}

void ServerStatsReader::read(std::function<void(const ServerStats &)> done)
{
    auto reading = std::make_shared<Reading>();
    reading->done = std::move(done);
    if (!m_commands) {
        reading->stats.problems << QStringLiteral("not connected");
        finish(reading);
        return;
    }
    // Held until everything below is sent, so that a fast reply cannot finish it early.
    ++reading->pending;
    ServerStats &stats = reading->stats;
    send(
        reading, {"TIME"},
        [&stats](const RedisReply &reply) {
            if (reply.isArray() && reply.size() == 2)
                stats.takenAtMs = reply.at(0).bytes().toLongLong() * 1000
                    + reply.at(1).bytes().toLongLong() / 1000;
        },
        QStringLiteral("time"));
    send(
        reading, {"INFO", "server"},
        [&stats](const RedisReply &reply) {
            stats.version = QString::fromUtf8(infoField(reply.bytes(), "redis_version"));
        },
        QStringLiteral("info"));
    send(
        reading, {"INFO", "clients"},
        [&stats](const RedisReply &reply) {
            bool ok = false;
            const qint64 n = infoField(reply.bytes(), "connected_clients").toLongLong(&ok);
            if (ok)
                stats.connectedClients = n;
        },
        QStringLiteral("info"));
    send(
        reading, {"INFO", "memory"},
        [&stats](const RedisReply &reply) {
            bool ok = false;
            const qint64 n = infoField(reply.bytes(), "used_memory").toLongLong(&ok);
            if (ok)
                stats.usedMemory = n;
        },
        QStringLiteral("info"));
    send(
        reading, {"SCARD", m_keys.index()},
        [&stats](const RedisReply &reply) { stats.channels = reply.toInteger(); },
        QStringLiteral("channels"));
    send(
        reading, {"SCARD", m_keys.userIndex()},
        [&stats](const RedisReply &reply) { stats.accounts = reply.toInteger(); },
        QStringLiteral("people"));
    stats.online = 0;
    stats.away = 0;
    scanChannels(reading, "0");
    scanAccounts(reading, "0");
    if (--reading->pending == 0)
        finish(reading);
}

void ServerStatsReader::send(const std::shared_ptr<Reading> &reading, const QList<QByteArray> &args,
                             std::function<void(const RedisReply &)> use, const QString &subject)
{
    ++reading->pending;
    QPointer<ServerStatsReader> self(this);
    m_commands->command(
        args, [self, reading, use = std::move(use), subject](const RedisReply &reply) {
            if (reply.isError()) {
                if (!reading->refused.contains(subject)) {
                    reading->refused.insert(subject);
                    reading->stats.problems << subject + QStringLiteral(": ") + reply.toString();
                }
            } else {
                use(reply);
            }
            if (--reading->pending == 0 && self)
                self->finish(reading);
        });
}

void ServerStatsReader::scanChannels(const std::shared_ptr<Reading> &reading,
                                     const QByteArray &cursor)
{
    QPointer<ServerStatsReader> self(this);
    send(
        reading, {"SSCAN", m_keys.index(), cursor, "COUNT", "100"},
        [self, reading](const RedisReply &reply) {
            if (!self || reply.size() != 2 || !reply.at(1).isArray())
                return;
            for (const RedisReply &name : reply.at(1).elements()) {
                const QString channel = QString::fromUtf8(name.bytes());
                if (!NameRule::isValid(channel) || reading->channelsSeen.contains(channel))
                    continue;
                if (reading->channelsSeen.size() >= MaxChannels) {
                    reading->stats.channelsSampled = true;
                    return;
                }
                reading->channelsSeen.insert(channel);
                self->readChannel(reading, channel);
            }
            const QByteArray next = reply.at(0).bytes();
            if (next != "0")
                self->scanChannels(reading, next);
        },
        QStringLiteral("channels"));
}

void ServerStatsReader::readChannel(const std::shared_ptr<Reading> &reading, const QString &channel)
{
    reading->stats.channelStats.append(ChannelStats{channel});
    const qsizetype at = reading->stats.channelStats.size() - 1;
    const QByteArray log = m_keys.log(channel);
    QList<ChannelStats> &all = reading->stats.channelStats;
    send(
        reading, {"XLEN", log},
        [&all, at](const RedisReply &reply) { all[at].entries = reply.toInteger(); },
        QStringLiteral("entries"));
    send(
        reading, {"MEMORY", "USAGE", log, "SAMPLES", "5"},
        [&all, at](const RedisReply &reply) {
            // Nil for a channel without a log yet.
            all[at].logBytes = reply.isNil() ? 0 : reply.toInteger();
        },
        QStringLiteral("memory"));
    send(
        reading, {"XREVRANGE", log, "+", "-", "COUNT", QByteArray::number(RateSample)},
        [reading, channel](const RedisReply &reply) {
            QList<qint64> &times = reading->entryTimes[channel];
            for (const RedisReply &entry : reply.elements()) {
                if (entry.size() < 1)
                    continue;
                if (const auto id = StreamId::parse(entry.at(0).bytes()))
                    times << qint64(id->ms);
            }
        },
        QStringLiteral("entries"));
}

void ServerStatsReader::scanAccounts(const std::shared_ptr<Reading> &reading,
                                     const QByteArray &cursor)
{
    QPointer<ServerStatsReader> self(this);
    send(
        reading, {"SSCAN", m_keys.userIndex(), cursor, "COUNT", "500"},
        [self, reading](const RedisReply &reply) {
            if (!self || reply.size() != 2 || !reply.at(1).isArray())
                return;
            ServerStats &stats = reading->stats;
            for (const RedisReply &name : reply.at(1).elements()) {
                const QString account = QString::fromUtf8(name.bytes());
                if (reading->accountsSeen.size() >= AccountSample) {
                    reading->accountsSampled = true;
                    return;
                }
                if (!NameRule::check(account, QStringLiteral("user name")).isEmpty()
                    || reading->accountsSeen.contains(account))
                    continue;
                reading->accountsSeen.insert(account);
                // Only a name whose account hash says it is that account counts: anyone
                // may add names to the directory's set.
                auto owner = std::make_shared<RedisReply>();
                self->m_commands->command({"HGET", self->m_keys.user(account), "name"},
                                          [owner](const RedisReply &r) { *owner = r; });
                self->send(
                    reading, {"HGET", self->m_keys.userPresence(account), "state"},
                    [&stats, owner, account](const RedisReply &state) {
                        if (QString::fromUtf8(owner->bytes()) != account)
                            return;
                        ++stats.sampledAccounts;
                        if (state.isNil())
                            return;
                        if (Presence::stateFromName(state.bytes()) == Presence::State::Away)
                            ++stats.away;
                        else
                            ++stats.online; // also a state this version does not know
                    },
                    QStringLiteral("presence"));
            }
            const QByteArray next = reply.at(0).bytes();
            if (next != "0")
                self->scanAccounts(reading, next);
        },
        QStringLiteral("people"));
}

void ServerStatsReader::finish(const std::shared_ptr<Reading> &reading)
{
    if (!reading->done)
        return;
    ServerStats &stats = reading->stats;
    // Known once connected, that is by the time the replies are in.
    if (m_commands) {
        switch (m_commands->topology()) {
        case RedisClient::Topology::Cluster:
            stats.topology = QStringLiteral("cluster");
            break;
        case RedisClient::Topology::Sentinel:
            stats.topology = QStringLiteral("sentinel");
            break;
        case RedisClient::Topology::Standalone:
        case RedisClient::Topology::Unknown:
            stats.topology = QStringLiteral("standalone");
            break;
        }
        stats.where = m_commands->description();
    }
    // All of the directory looked at: what it holds is the accounts that were real.
    if (!reading->accountsSampled && stats.accounts >= 0)
        stats.accounts = stats.sampledAccounts;
    const qint64 now = stats.takenAtMs;
    for (ChannelStats &channel : stats.channelStats) {
        const QList<qint64> times = reading->entryTimes.value(channel.name);
        if (times.isEmpty()) {
            channel.perMinute = 0;
            continue;
        }
        channel.lastActivityMs = times.first();
        if (now <= 0)
            continue; // no server time: no rate
        const qint64 since = now - 60000;
        const auto recent =
            std::count_if(times.cbegin(), times.cend(), [since](qint64 ms) { return ms > since; });
        if (recent < times.size() || times.size() < RateSample) {
            channel.perMinute = double(recent);
        } else {
            // All of the sample is from the last minute: extrapolate from its span.
            const qint64 span = std::max<qint64>(1, now - times.last());
            channel.perMinute = double(times.size()) * 60000.0 / double(span);
            channel.rateEstimated = true;
        }
    }
    std::stable_sort(stats.channelStats.begin(), stats.channelStats.end(),
                     [](const ChannelStats &a, const ChannelStats &b) {
                         if (a.perMinute != b.perMinute)
                             return a.perMinute > b.perMinute;
                         return a.name < b.name;
                     });
    auto done = std::exchange(reading->done, {});
    done(stats);
}

} // namespace Confab
