// Confab on a Redis Cluster against Confab on a single server, in one binary and one run: a
// 3 + 3 RedisClusterFixture and a standalone redis-server started side by side, each side run
// several times, alternated. The target: the cluster client's overhead within 1.2x
// (ratio cluster / standalone >= 0.83 for throughput, <= 1.2 for latency). Also the aggregate
// post rate with senders on three shards, and what WAIT (durable sends) costs on a server
// with a replica.
//
// Medians are printed with every run's figure. It exits 0 whatever the figures are; only
// something functionally broken (a reply wrong or missing, a send refused) exits 1.
//
// Usage: bench_cluster [--quick]   (--quick: about a tenth of the sizes, for CI)

#include "BenchSupport.h"
#include "RedisClusterFixture.h"
#include "ThreadedWorker.h"
#include "redis/RedisClient.h"
#include "redis/cluster/RedisClusterSlot.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSet>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>
#include <vector>

namespace Confab {
namespace {

using namespace std::chrono_literals;
using Test::RedisClusterFixture;
using Test::RedisServerFixture;
using Test::ThreadedWorker;

using Bench::fail;
using Bench::median;
using Bench::runs;
using Bench::waitFor;

struct Row
{
    QString name;
    QString unit;
    std::vector<double> cluster;
    std::vector<double> baseline;
    QString baselineName;
    bool lowerIsBetter = false;
    QString firstName = QStringLiteral("cluster");
};

void print(const Row &row)
{
    const double c = median(row.cluster);
    const double b = median(row.baseline);
    std::printf("%-34s %s %10.1f %-6s %s %10.1f %-6s ratio %.2f\n", qPrintable(row.name),
                qPrintable(row.firstName.leftJustified(7)), c, qPrintable(row.unit),
                qPrintable(row.baselineName.leftJustified(7)), b, qPrintable(row.unit),
                b > 0 ? c / b : 0.0);
    std::printf("    runs: %s [%s]  %s [%s]\n", qPrintable(row.firstName),
                qPrintable(runs(row.cluster)), qPrintable(row.baselineName),
                qPrintable(runs(row.baseline)));
    std::fflush(stdout);
}

RedisOptions quiet(RedisOptions options)
{
    options.healthCheckInterval = std::chrono::hours(1);
    return options;
}

std::unique_ptr<RedisClient> openClient(const RedisOptions &options)
{
    auto client = std::make_unique<RedisClient>(quiet(options));
    client->open();
    if (!waitFor([&] { return client->state() == RedisClient::State::Connected; }, 30s))
        fail(QStringLiteral("cannot connect to %1: %2")
                 .arg(options.endpoint(), client->lastError()));
    return client;
}

// Pipelined SETs spread over many slots (every shard of a cluster): ops/s.
double pipelinedSets(const RedisOptions &options, int count)
{
    const auto client = openClient(options);
    int left = count;
    QString error;
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < count; ++i) {
        client->command({"SET", "bench:" + QByteArray::number(i), "v"},
                        [&left, &error](const RedisReply &reply) {
                            if (!reply.isOk() && error.isEmpty())
                                error = reply.toString();
                            --left;
                        });
    }
    if (!waitFor([&] { return left == 0; }))
        fail(QStringLiteral("pipelined SETs did not finish"));
    if (!error.isEmpty())
        fail(QStringLiteral("SET failed: ") + error);
    return count / (double(clock.nsecsElapsed()) / 1e9);
}

// One GET at a time: the round trip through the client, us (median of the run).
double sequentialGets(const RedisOptions &options, int count)
{
    const auto client = openClient(options);
    std::vector<double> micros;
    micros.reserve(std::size_t(count));
    for (int i = 0; i < count; ++i) {
        bool done = false;
        QString error;
        QElapsedTimer clock;
        clock.start();
        // Exceptions do not cross Qt's event dispatch: the callback only records.
        client->command({"GET", "bench:" + QByteArray::number(i)},
                        [&done, &error](const RedisReply &reply) {
                            if (reply.isError())
                                error = reply.toString();
                            done = true;
                        });
        if (!waitFor([&] { return done; }, 10s))
            fail(QStringLiteral("GET did not come back"));
        if (!error.isEmpty())
            fail(QStringLiteral("GET failed: ") + error);
        micros.push_back(double(clock.nsecsElapsed()) / 1000);
    }
    return median(micros);
}

ChatConfig chatConfig(const RedisOptions &options, const QString &user)
{
    ChatConfig config;
    config.redis = options;
    config.userName = user;
    config.installSecret = "bench-secret-" + user.toUtf8();
    return config;
}

void join(ThreadedWorker &worker, const QStringList &channels)
{
    if (!worker.waitForReady())
        fail(QStringLiteral("%1 is not ready: %2")
                 .arg(worker.userName(), worker.errors().join(u' ')));
    for (const QString &channel : channels) {
        worker.run([w = worker.worker(), channel] { w->joinChannel(channel); });
        if (!worker.waitForJoined(channel))
            fail(QStringLiteral("cannot join %1").arg(channel));
    }
}

// Send to seen by another worker, one message at a time: p50 in us. The reader's batches
// are taken as they are emitted (queued to this thread), not polled.
double chatLatency(const RedisOptions &options, const QString &channel, int count)
{
    ThreadedWorker sender(chatConfig(options, QStringLiteral("lat-sender")));
    ThreadedWorker reader(chatConfig(options, QStringLiteral("lat-reader")));
    join(sender, {channel});
    join(reader, {channel});
    QObject context;
    QEventLoop loop;
    int arrived = 0;
    QObject::connect(
        reader.worker(), &RedisWorker::messagesReceived, &context,
        [&](const QString &from, const ChatMessageList &batch) {
            if (from != channel)
                return;
            for (const ChatMessage &m : batch)
                arrived += m.type == ChatMessage::Type::Message
                    && m.text.startsWith(QLatin1String("latency "));
            loop.quit();
        },
        Qt::QueuedConnection);
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    std::vector<double> micros;
    for (int i = 0; i < count; ++i) {
        QElapsedTimer clock;
        clock.start();
        sender.run([w = sender.worker(), channel, i] {
            w->sendMessage(channel, QStringLiteral("latency %1").arg(i));
        });
        timeout.start(10s);
        while (arrived <= i && timeout.isActive())
            loop.exec();
        if (arrived <= i)
            fail(QStringLiteral("message %1 did not arrive").arg(i));
        micros.push_back(double(clock.nsecsElapsed()) / 1000);
    }
    return median(micros);
}

// Three senders, each on its own channel (on a cluster: its own shard), all at once: posts
// acknowledged per second, all senders together.
double aggregatePostRate(const RedisOptions &options, const QStringList &channels, int perSender,
                         int round)
{
    std::vector<std::unique_ptr<ThreadedWorker>> senders;
    for (qsizetype i = 0; i < channels.size(); ++i) {
        senders.push_back(std::make_unique<ThreadedWorker>(
            chatConfig(options, QStringLiteral("rate%1-%2").arg(round).arg(i))));
        join(*senders.back(), {channels.at(i)});
    }
    QElapsedTimer clock;
    clock.start();
    for (qsizetype i = 0; i < channels.size(); ++i) {
        senders[std::size_t(i)]->run(
            [w = senders[std::size_t(i)]->worker(), channel = channels.at(i), perSender] {
                for (int n = 0; n < perSender; ++n)
                    w->sendMessage(channel, QStringLiteral("post %1").arg(n));
            });
    }
    const auto allSent = [&] {
        return std::all_of(senders.begin(), senders.end(),
                           [&](const auto &s) { return s->sentCount() >= perSender; });
    };
    if (!waitFor(allSent))
        fail(QStringLiteral("the senders did not finish"));
    const double seconds = double(clock.nsecsElapsed()) / 1e9;
    for (const auto &s : senders) {
        if (!s->sendErrors().isEmpty())
            fail(s->sendErrors().first());
    }
    return double(perSender) * double(channels.size()) / seconds;
}

int run(bool quick)
{
    const int repeats = quick ? 3 : 5;
    const int divisor = quick ? 10 : 1;

    RedisClusterFixture cluster;
    if (!cluster.start())
        fail(QStringLiteral("cannot start the cluster: ") + cluster.errorString());
    RedisServerFixture single;
    if (!single.start())
        fail(QStringLiteral("cannot start redis-server: ") + single.errorString());
    // Cluster masters have replicas, so their posts wait for WAIT: the single server gets a
    // replica too, for a fair comparison of the chat figures.
    RedisServerFixture::Config replicaConfig;
    replicaConfig.extraConfig << QStringLiteral("replicaof 127.0.0.1 %1").arg(single.port());
    RedisServerFixture replica(replicaConfig);
    if (!replica.start())
        fail(QStringLiteral("cannot start the replica: ") + replica.errorString());
    if (!waitFor([&] {
            return replica.command({"INFO", "replication"})
                .bytes()
                .contains("master_link_status:up");
        }))
        fail(QStringLiteral("the replica did not link"));

    RedisOptions clusterOptions = cluster.node(0).options();
    clusterOptions.moreSeeds = RedisOptions::fromUrl(cluster.url())->moreSeeds;
    const RedisOptions singleOptions = single.options();

    const QStringList channels = cluster.channelsOnEveryShard(QStringLiteral("bench"));

    std::printf("bench_cluster%s: 3 masters + 3 replicas against one server (with a replica), "
                "%d runs each, alternated\n\n",
                quick ? " --quick" : "", repeats);

    Row sets{
        QStringLiteral("pipelined SET"), QStringLiteral("ops/s"), {}, {}, QStringLiteral("single")};
    Row gets{QStringLiteral("sequential GET p50"),
             QStringLiteral("us"),
             {},
             {},
             QStringLiteral("single"),
             true};
    Row latency{QStringLiteral("chat send->seen p50"),
                QStringLiteral("us"),
                {},
                {},
                QStringLiteral("single"),
                true};
    Row rate{QStringLiteral("posts/s, 3 senders on 3 channels"),
             QStringLiteral("msg/s"),
             {},
             {},
             QStringLiteral("single")};
    if (qEnvironmentVariableIsSet("BENCH_PROFILE_SETS")) {
        // For perf: only the cluster side of the pipelined SETs, long enough to sample.
        for (int r = 0; r < 10; ++r)
            pipelinedSets(clusterOptions, 200000);
        return 0;
    }
    for (int r = 0; r < repeats; ++r) {
        std::fprintf(stderr, "run %d of %d...\n", r + 1, repeats);
        sets.cluster.push_back(pipelinedSets(clusterOptions, 200000 / divisor));
        sets.baseline.push_back(pipelinedSets(singleOptions, 200000 / divisor));
        gets.cluster.push_back(sequentialGets(clusterOptions, 5000 / divisor));
        gets.baseline.push_back(sequentialGets(singleOptions, 5000 / divisor));
        latency.cluster.push_back(chatLatency(clusterOptions, channels.first(), 500 / divisor));
        latency.baseline.push_back(chatLatency(singleOptions, channels.first(), 500 / divisor));
        rate.cluster.push_back(aggregatePostRate(clusterOptions, channels, 5000 / divisor, r));
        rate.baseline.push_back(aggregatePostRate(singleOptions, channels, 5000 / divisor, r));
    }
    for (const Row &row : {sets, gets, latency, rate})
        print(row);

    // What durability costs: the same posts on the single server, waiting for its replica
    // (ack_replicas auto = 1) and not (0).
    Row wait{QStringLiteral("posts/s on one server"),
             QStringLiteral("msg/s"),
             {},
             {},
             QStringLiteral("no WAIT"),
             false,
             QStringLiteral("WAIT 1")};
    RedisOptions noWait = singleOptions;
    noWait.ackReplicas = 0;
    for (int r = 0; r < repeats; ++r) {
        wait.cluster.push_back(aggregatePostRate(singleOptions, channels, 5000 / divisor, 100 + r));
        wait.baseline.push_back(aggregatePostRate(noWait, channels, 5000 / divisor, 200 + r));
    }
    std::printf("\nWhat durable sends cost (a single server with a replica):\n");
    print(wait);
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
        std::fprintf(stderr, "bench_cluster: %s\n", failure.what());
        return 1;
    }
}
