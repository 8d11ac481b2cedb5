// Presence at the scale the issue asks for: a channel of 5,000 members. In one binary and one
// run, on a redis-server of its own:
//  - loading everyone's presence: PresenceTracker (through RedisClient) against the same
//    commands (HMGET + PTTL per member) pipelined with plain blocking hiredis, as a ratio;
//  - showing it: the member list (MemberListModel + MemberOrderModel) taking in 5,000 presences
//    and sorting them, online first;
//  - the Redis commands one presence change costs, counted by the server (INFO commandstats),
//    with 10 clients following the person who changed;
//  - listing the people directory of as many accounts: AccountIndex against hiredis doing the
//    same SSCAN pages and two HMGETs per name, pipelined per page;
//  - one server-overview read (ServerStatsReader) on that server: its time and how many
//    commands it sent (bounded, whatever the number of accounts).
//
// Medians are printed with every run's figure. It exits 0 whatever the figures are; only
// something functionally broken exits 1.
//
// Usage: bench_presence [--quick]   (--quick: 1,000 members and 3 runs, for CI)

#include "BenchSupport.h"
#include "RedisServerFixture.h"
#include "model/MemberListModel.h"
#include "model/MemberOrderModel.h"
#include "model/PresenceDirectory.h"
#include "presence/AccountIndex.h"
#include "presence/PresenceHeartbeat.h"
#include "presence/PresenceTracker.h"
#include "redis/RedisClient.h"
#include "stats/ServerStatsReader.h"

#include <hiredis/hiredis.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>

#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>
#include <vector>

namespace Confab {
namespace {

using namespace std::chrono_literals;
using Test::RedisServerFixture;

using Bench::fail;
using Bench::median;
using Bench::waitFor;

QString runs(const std::vector<double> &values)
{
    return Bench::runs(values, 2);
}

QString account(int i)
{
    return QStringLiteral("member%1").arg(i, 5, 10, QLatin1Char('0'));
}

// 60% online, 15% away with a status, 25% without a key (offline).
void populate(RedisServerFixture &server, int members)
{
    const RedisReply reply = server.command(
        {"EVAL",
         "for i = 0, tonumber(ARGV[1]) - 1 do "
         "  local name = string.format('member%05d', i) "
         "  local key = 'user:{' .. name .. '}:presence' "
         "  local r = i % 20 "
         "  if r < 12 then redis.call('HSET', key, 'state', 'online', 'status', '', 'since', '1') "
         "  elseif r < 15 then redis.call('HSET', key, 'state', 'away', 'status', 'lunch', "
         "'since', '1') end "
         "  if r < 15 then redis.call('PEXPIRE', key, 600000) end "
         "  redis.call('HSET', 'user:{' .. name .. '}', 'name', name, 'display', 'Member ' .. i) "
         "  redis.call('SADD', 'user:{}index', name) "
         "end return 1",
         "0", QByteArray::number(members)});
    if (reply.isError())
        fail(QStringLiteral("populate: ") + reply.toString());
}

RedisOptions quiet(RedisOptions options)
{
    options.healthCheckInterval = std::chrono::hours(1);
    return options;
}

// Confab: a fresh tracker follows `members` accounts; ms until every one is reported.
double trackerLoad(const RedisOptions &options, int members, PresenceList *loaded = nullptr)
{
    RedisClient client(quiet(options));
    client.open();
    if (!waitFor([&] { return client.state() == RedisClient::State::Connected; }))
        fail(QStringLiteral("cannot connect: ") + client.lastError());
    PresenceTracker tracker(&client, ChatKeys());
    qsizetype reported = 0;
    QObject::connect(&tracker, &PresenceTracker::presenceChanged, [&](const PresenceList &changes) {
        reported += changes.size();
        if (loaded)
            *loaded += changes;
    });
    QStringList accounts;
    for (int i = 0; i < members; ++i)
        accounts << account(i);
    QElapsedTimer clock;
    clock.start();
    tracker.watch(accounts);
    if (!waitFor([&] { return reported >= members; }))
        fail(QStringLiteral("only %1 of %2 presences reported").arg(reported).arg(members));
    return double(clock.nsecsElapsed()) / 1e6;
}

// The baseline: the same HMGET + PTTL per member, pipelined with blocking hiredis.
double hiredisLoad(quint16 port, int members)
{
    redisContext *context = redisConnectWithTimeout("127.0.0.1", port, timeval{10, 0});
    if (!context || context->err)
        fail(QStringLiteral("hiredis cannot connect"));
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < members; ++i) {
        const QByteArray key = "user:{" + account(i).toUtf8() + "}:presence";
        const char *hmget[] = {"HMGET", key.constData(), "state", "status", "since"};
        const size_t hmgetLengths[] = {5, size_t(key.size()), 5, 6, 5};
        redisAppendCommandArgv(context, 5, hmget, hmgetLengths);
        const char *pttl[] = {"PTTL", key.constData()};
        const size_t pttlLengths[] = {4, size_t(key.size())};
        redisAppendCommandArgv(context, 2, pttl, pttlLengths);
    }
    int online = 0;
    for (int i = 0; i < members * 2; ++i) {
        void *reply = nullptr;
        if (redisGetReply(context, &reply) != REDIS_OK || !reply)
            fail(QStringLiteral("hiredis: ") + QString::fromUtf8(context->errstr));
        auto *r = static_cast<redisReply *>(reply);
        // Decoded as much as the tracker does: the state string.
        if (r->type == REDIS_REPLY_ARRAY && r->elements == 3
            && r->element[0]->type == REDIS_REPLY_STRING)
            online += r->element[0]->str[0] == 'o';
        freeReplyObject(reply);
    }
    const double ms = double(clock.nsecsElapsed()) / 1e6;
    redisFree(context);
    if (online == 0)
        fail(QStringLiteral("hiredis read no presence"));
    return ms;
}

// The member list taking in what the tracker reported, sorted online first: ms.
double modelLoad(const PresenceList &presences, int members)
{
    MemberListModel list;
    PresenceDirectory directory;
    MemberOrderModel order;
    order.setSourceModel(&list);
    QStringList accounts;
    for (int i = 0; i < members; ++i)
        accounts << account(i);
    list.setMembers(accounts);
    list.setPresence(&directory);
    QElapsedTimer clock;
    clock.start();
    directory.update(presences);
    const double ms = double(clock.nsecsElapsed()) / 1e6;
    const QString first = order.index(0, 0).data(MemberListModel::NameRole).toString();
    if (Presence::State(order.index(0, 0).data(MemberListModel::PresenceRole).toInt())
        != Presence::State::Online)
        fail(QStringLiteral("the sorted list does not start online: ") + first);
    return ms;
}

// Confab: the whole directory, ms until the listing is in.
double directoryLoad(const RedisOptions &options, int members)
{
    RedisClient client(quiet(options));
    client.open();
    if (!waitFor([&] { return client.state() == RedisClient::State::Connected; }))
        fail(QStringLiteral("cannot connect: ") + client.lastError());
    AccountIndex index(&client, ChatKeys());
    qsizetype listed = -1;
    QElapsedTimer clock;
    clock.start();
    index.list(AccountIndex::DefaultLimit, [&](const AccountList &accounts, bool, const QString &) {
        listed = accounts.size();
    });
    if (!waitFor([&] { return listed >= 0; }) || listed != members)
        fail(QStringLiteral("the directory listed %1 of %2").arg(listed).arg(members));
    return double(clock.nsecsElapsed()) / 1e6;
}

// The baseline: SSCAN pages of 500, and per page HMGET of the account and of its presence for
// every name, pipelined, with blocking hiredis.
double hiredisDirectory(quint16 port, int members)
{
    redisContext *context = redisConnectWithTimeout("127.0.0.1", port, timeval{10, 0});
    if (!context || context->err)
        fail(QStringLiteral("hiredis cannot connect"));
    QElapsedTimer clock;
    clock.start();
    QByteArray cursor = "0";
    int found = 0;
    do {
        auto *page = static_cast<redisReply *>(redisCommand(
            context, "SSCAN user:{}index %b COUNT 500", cursor.constData(), size_t(cursor.size())));
        if (!page || page->type != REDIS_REPLY_ARRAY || page->elements != 2)
            fail(QStringLiteral("hiredis: SSCAN"));
        cursor = QByteArray(page->element[0]->str, qsizetype(page->element[0]->len));
        const redisReply *names = page->element[1];
        for (size_t i = 0; i < names->elements; ++i) {
            const QByteArray user = "user:{"
                + QByteArray(names->element[i]->str, qsizetype(names->element[i]->len)) + '}';
            const QByteArray presence = user + ":presence";
            const char *account[] = {"HMGET", user.constData(), "name", "display"};
            const size_t accountLengths[] = {5, size_t(user.size()), 4, 7};
            redisAppendCommandArgv(context, 4, account, accountLengths);
            const char *state[] = {"HMGET", presence.constData(), "state", "status", "since"};
            const size_t stateLengths[] = {5, size_t(presence.size()), 5, 6, 5};
            redisAppendCommandArgv(context, 5, state, stateLengths);
        }
        for (size_t i = 0; i < names->elements * 2; ++i) {
            void *reply = nullptr;
            if (redisGetReply(context, &reply) != REDIS_OK || !reply)
                fail(QStringLiteral("hiredis: ") + QString::fromUtf8(context->errstr));
            auto *r = static_cast<redisReply *>(reply);
            if (i % 2 == 0 && r->type == REDIS_REPLY_ARRAY && r->elements == 2
                && r->element[0]->type == REDIS_REPLY_STRING)
                ++found;
            freeReplyObject(reply);
        }
        freeReplyObject(page);
    } while (cursor != "0");
    const double ms = double(clock.nsecsElapsed()) / 1e6;
    redisFree(context);
    if (found != members)
        fail(QStringLiteral("hiredis found %1 of %2 accounts").arg(found).arg(members));
    return ms;
}

qint64 totalCalls(RedisServerFixture &server)
{
    qint64 total = 0;
    for (const QByteArray &line : server.command({"INFO", "commandstats"}).bytes().split('\n')) {
        const qsizetype at = line.indexOf("calls=");
        if (line.startsWith("cmdstat_") && at > 0 && !line.startsWith("cmdstat_info"))
            total += line.mid(at + 6, line.indexOf(',', at) - at - 6).toLongLong();
    }
    return total;
}

// One change (alice goes away) with `followers` clients following her: commands the server
// ran for it, in all.
qint64 commandsPerChange(RedisServerFixture &server, int followers)
{
    const RedisOptions options = quiet(server.options());
    std::vector<std::unique_ptr<RedisClient>> clients;
    std::vector<std::unique_ptr<RedisClient>> subscribers;
    std::vector<std::unique_ptr<PresenceTracker>> trackers;
    int away = 0;
    for (int i = 0; i < followers; ++i) {
        clients.push_back(std::make_unique<RedisClient>(options));
        subscribers.push_back(std::make_unique<RedisClient>(options));
        subscribers.back()->setPubSubOnly(true);
        clients.back()->open();
        subscribers.back()->open();
        trackers.push_back(std::make_unique<PresenceTracker>(clients.back().get(), ChatKeys()));
        PresenceTracker *tracker = trackers.back().get();
        QObject::connect(
            subscribers.back().get(), &RedisClient::messageReceived,
            [tracker](const QByteArray &, const QByteArray &payload) { tracker->notice(payload); });
        QObject::connect(tracker, &PresenceTracker::presenceChanged,
                         [&away](const PresenceList &changes) {
                             for (const Presence &p : changes)
                                 away += p.state == Presence::State::Away;
                         });
        subscribers.back()->subscribe({ChatKeys().presenceChannel()});
    }
    RedisClient writerClient(options);
    writerClient.open();
    PresenceHeartbeat writer(&writerClient, ChatKeys());
    writer.setAccount(QStringLiteral("alice"));
    writer.setTiming(30s, 0ms);
    bool written = false;
    writer.setPresence(Presence::State::Online, QString(),
                       [&written](const QString &) { written = true; });
    if (!waitFor([&] { return written; }))
        fail(QStringLiteral("the first presence was not written"));
    for (auto &tracker : trackers)
        tracker->watch({QStringLiteral("alice")});
    if (!waitFor([&] {
            for (auto &subscriber : subscribers) {
                if (!subscriber->isSubscribed(RedisClient::Kind::Channel,
                                              ChatKeys().presenceChannel()))
                    return false;
            }
            for (auto &tracker : trackers) {
                if (tracker->presenceOf(QStringLiteral("alice")).state != Presence::State::Online)
                    return false;
            }
            return true;
        }))
        fail(QStringLiteral("the followers did not see alice online"));
    const qint64 before = totalCalls(server);
    writer.setPresence(Presence::State::Away, QStringLiteral("lunch"));
    if (!waitFor([&] { return away == followers; }))
        fail(QStringLiteral("only %1 of %2 followers saw the change").arg(away).arg(followers));
    // MULTI and EXEC count as commands too.
    return totalCalls(server) - before;
}

int run(bool quick)
{
    const int members = quick ? 1000 : 5000;
    const int repeats = quick ? 3 : 5;
    RedisServerFixture server;
    if (!server.start())
        fail(QStringLiteral("cannot start redis-server: ") + server.errorString());
    populate(server, members);

    std::printf("bench_presence%s: %d members (60%% online, 15%% away, 25%% offline), %d runs\n\n",
                quick ? " --quick" : "", members, repeats);
    std::vector<double> ours;
    std::vector<double> baseline;
    std::vector<double> model;
    for (int r = 0; r < repeats; ++r) {
        PresenceList loaded;
        ours.push_back(trackerLoad(server.options(), members, &loaded));
        baseline.push_back(hiredisLoad(server.port(), members));
        model.push_back(modelLoad(loaded, members));
    }
    std::printf("load %d presences              confab %8.2f ms   hiredis %8.2f ms   ratio %.2f\n",
                members, median(ours), median(baseline), median(ours) / median(baseline));
    std::printf("    runs: confab [%s]  hiredis [%s]\n", qPrintable(runs(ours)),
                qPrintable(runs(baseline)));
    std::printf("member list takes them in, sorted   %8.2f ms\n", median(model));
    std::printf("    runs: [%s]\n", qPrintable(runs(model)));

    const int followers = 10;
    const qint64 commands = commandsPerChange(server, followers);
    std::printf("\nRedis commands for one presence change, %d followers: %lld "
                "(writer MULTI HSET PEXPIRE PUBLISH EXEC = 5, each follower HMGET + PTTL = 2; "
                "expected %d)\n",
                followers, commands, 5 + 2 * followers);
    std::printf("steady state: 1 PEXPIRE per running client per 10 s; each follower reads each "
                "online member once per 30 s (%d online: %.0f commands/s)\n",
                members * 3 / 4, members * 3 / 4 * 2 / 30.0);

    std::vector<double> directory;
    std::vector<double> directoryBaseline;
    for (int r = 0; r < repeats; ++r) {
        directory.push_back(directoryLoad(server.options(), members));
        directoryBaseline.push_back(hiredisDirectory(server.port(), members));
    }
    std::printf("\nlist the directory of %d people    confab %8.2f ms   hiredis %8.2f ms   "
                "ratio %.2f\n",
                members, median(directory), median(directoryBaseline),
                median(directory) / median(directoryBaseline));
    std::printf("    runs: confab [%s]  hiredis [%s]\n", qPrintable(runs(directory)),
                qPrintable(runs(directoryBaseline)));

    std::vector<double> overview;
    qint64 overviewCommands = 0;
    for (int r = 0; r < repeats; ++r) {
        RedisClient client(quiet(server.options()));
        client.open();
        if (!waitFor([&] { return client.state() == RedisClient::State::Connected; }))
            fail(QStringLiteral("cannot connect: ") + client.lastError());
        ServerStatsReader reader(&client, ChatKeys());
        bool done = false;
        const qint64 before = totalCalls(server);
        QElapsedTimer clock;
        clock.start();
        reader.read([&](const ServerStats &) { done = true; });
        if (!waitFor([&] { return done; }))
            fail(QStringLiteral("no overview"));
        overview.push_back(double(clock.nsecsElapsed()) / 1e6);
        // totalCalls() leaves INFO out (its own): the reader's three are added back.
        overviewCommands = totalCalls(server) - before + 3;
    }
    std::printf("one server-overview read, %d accounts  %8.2f ms, %lld commands (at most %d "
                "accounts and %d channels are looked at)\n",
                members, median(overview), overviewCommands, ServerStatsReader::AccountSample,
                ServerStatsReader::MaxChannels);
    std::printf("    runs: [%s]\n", qPrintable(runs(overview)));
    return 0;
}

} // namespace
} // namespace Confab

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const bool quick = app.arguments().contains(QStringLiteral("--quick"));
    try {
        return Confab::run(quick);
    } catch (const Confab::Bench::Failure &failure) {
        std::fprintf(stderr, "bench_presence: %s\n", failure.what());
        return 1;
    }
}
