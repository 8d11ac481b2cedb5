// Confab's RedisConnection against plain blocking hiredis, in one binary, on a redis-server of
// its own. Every figure is the median of several runs of each side, alternated so that whatever
// else the machine does hits both alike. The targets come from the issue: pipelined throughput
// and pub/sub receive rate at least 0.7x raw hiredis, publish round trip within 1.5x.
//
// It exits 0 whatever the figures are; only something functionally broken (a reply missing or
// wrong, a connection lost, redis-benchmark failing) makes it print why and exit 1.
//
// Usage: bench_redis [--quick]   (--quick: about a tenth of the sizes, for CI)

#include "RedisServerFixture.h"
#include "redis/RedisConnection.h"

#include <hiredis/hiredis.h>

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QThread>
#include <QTimer>

#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace Confab {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int FullRepeats = 5;
constexpr int QuickRepeats = 3;
constexpr int QuickDivisor = 10;

constexpr int PipelinedPings = 100000;
constexpr int SequentialPings = 100000;
constexpr int RoundTrips = 10000;
constexpr int FloodMessages = 500000;
constexpr qsizetype BulkBytes = 50 * 1000 * 1000;
constexpr int ListElements = 1000000;

// redis-benchmark flooding the subscriber: 4 clients, 32 PUBLISHes per write.
constexpr int FloodPipeline = 32;
constexpr int FloodClients = 4;
constexpr char FloodChannel[] = "bench:flood";
constexpr char FloodPayload[] = "confab-payload16"; // 16 bytes, as redis-benchmark -d 16
constexpr char RoundTripChannel[] = "bench:roundtrip";
constexpr char BulkKey[] = "bench:bulk";
constexpr char ListKey[] = "bench:list";
constexpr int ListBatch = 10000;

// Targets from the issue, as ratios ours / hiredis.
constexpr double MinThroughputRatio = 0.7;
constexpr double MaxLatencyRatio = 1.5;

// Anything that takes longer than this is hung, not slow.
constexpr std::chrono::milliseconds StepTimeout = 120s;
constexpr std::chrono::milliseconds ConnectTimeout = 10s;
constexpr timeval HiredisTimeout{120, 0};

// Something functionally broken. Thrown only outside event loops (Qt does not let exceptions
// through its event dispatch): callbacks record the problem in their Waiter instead.
struct BenchFailure : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const QString &what)
{
    throw BenchFailure(what.toStdString());
}

double secondsBetween(Clock::time_point start, Clock::time_point end)
{
    return std::chrono::duration<double>(end - start).count();
}

double microsecondsBetween(Clock::time_point start, Clock::time_point end)
{
    return std::chrono::duration<double, std::micro>(end - start).count();
}

// The sizes of one run.
struct Settings
{
    bool quick = false;
    int repeats = FullRepeats;
    int pipelinedPings = PipelinedPings;
    int sequentialPings = SequentialPings;
    int roundTrips = RoundTrips;
    int floodMessages = FloodMessages;
    qsizetype bulkBytes = BulkBytes;
    int listElements = ListElements;

    static Settings make(bool quick)
    {
        Settings s;
        if (quick) {
            s.quick = true;
            s.repeats = QuickRepeats;
            s.pipelinedPings /= QuickDivisor;
            s.sequentialPings /= QuickDivisor;
            s.roundTrips /= QuickDivisor;
            s.floodMessages /= QuickDivisor;
            s.bulkBytes /= QuickDivisor;
            s.listElements /= QuickDivisor;
        }
        // redis-benchmark hands out whole pipelines, so it publishes a multiple of the pipeline
        // depth; asking for exactly that tells us how many messages to wait for.
        s.floodMessages = (s.floodMessages + FloodPipeline - 1) / FloodPipeline * FloodPipeline;
        return s;
    }
};

// What every measurement needs.
struct Bench
{
    const Test::RedisServerFixture &server;
    RedisOptions options;
    Settings settings;
};

// One row of the table: the median of each side, and how their ratio is judged.
struct Figure
{
    QString name;
    QString unit;
    double ours = 0;
    double baseline = 0;
    bool lowerIsBetter = false; // latencies
    double targetRatio = 0; // 0: no target

    double ratio() const { return baseline > 0 ? ours / baseline : 0; }
    bool meetsTarget() const
    {
        return lowerIsBetter ? ratio() <= targetRatio : ratio() >= targetRatio;
    }
};

// The runs of both sides of one measurement.
struct Samples
{
    std::vector<double> ours;
    std::vector<double> baseline;
};

struct Latency
{
    double p50 = 0;
    double p99 = 0;
};

double median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const size_t mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

// Nearest-rank percentiles.
Latency percentiles(std::vector<double> micros)
{
    if (micros.empty())
        return {};
    std::sort(micros.begin(), micros.end());
    const auto at = [&micros](double p) {
        const auto rank = size_t(std::ceil(p * double(micros.size())));
        return micros[std::clamp<size_t>(rank, 1, micros.size()) - 1];
    };
    return {at(0.50), at(0.99)};
}

// Runs each side `repeats` times, alternating.
template<typename OursRun, typename BaselineRun>
auto alternate(int repeats, OursRun ours, BaselineRun baseline)
{
    std::pair<std::vector<decltype(ours())>, std::vector<decltype(baseline())>> runs;
    for (int i = 0; i < repeats; ++i) {
        runs.first.push_back(ours());
        runs.second.push_back(baseline());
    }
    return runs;
}

Figure throughputFigure(const QString &name, const QString &unit, const Samples &samples,
                        double target = 0)
{
    return {name, unit, median(samples.ours), median(samples.baseline), false, target};
}

// ---------------------------------------------------------------------------------------------
// Our client, event-loop style

// A local event loop that runs until callbacks say the work is done, or that it went wrong.
class Waiter
{
public:
    void finish()
    {
        m_finished = true;
        m_loop.quit();
    }
    void failWith(const QString &error)
    {
        if (m_error.isEmpty())
            m_error = error;
        finish();
    }
    // Throws if the work failed or was not done in time.
    void wait(const QString &what, std::chrono::milliseconds timeout = StepTimeout)
    {
        // quit() before exec() would be lost, hence the flag.
        if (!m_finished) {
            QTimer timer;
            timer.setSingleShot(true);
            QObject::connect(&timer, &QTimer::timeout, &m_loop, &QEventLoop::quit);
            timer.start(timeout);
            m_loop.exec();
        }
        if (!m_error.isEmpty())
            fail(what + QStringLiteral(": ") + m_error);
        if (!m_finished)
            fail(QStringLiteral("%1: not done within %2 s").arg(what).arg(timeout.count() / 1000));
    }

private:
    QEventLoop m_loop;
    QString m_error;
    bool m_finished = false;
};

const QList<QByteArray> &pingCommand()
{
    static const QList<QByteArray> ping{QByteArrayLiteral("PING")};
    return ping;
}

bool isPong(const RedisReply &reply)
{
    return reply.isStatus() && reply.bytes() == "PONG";
}

std::unique_ptr<RedisConnection> openConnection(const RedisOptions &options)
{
    auto connection = std::make_unique<RedisConnection>(options);
    Waiter waiter;
    QObject scope; // disconnects the lambdas below before waiter goes
    QObject::connect(connection.get(), &RedisConnection::connected, &scope,
                     [&waiter] { waiter.finish(); });
    QObject::connect(connection.get(), &RedisConnection::stateChanged, &scope,
                     [&waiter](RedisConnection::State state, const QString &reason) {
                         if (state == RedisConnection::State::Disconnected)
                             waiter.failWith(reason);
                     });
    connection->open();
    waiter.wait(QStringLiteral("connecting to %1").arg(options.endpoint()), ConnectTimeout);
    return connection;
}

void subscribeAndWait(RedisConnection &connection, const QByteArray &channel)
{
    Waiter waiter;
    QObject scope;
    QObject::connect(&connection, &RedisConnection::subscribed, &scope,
                     [&](RedisConnection::Kind, const QByteArray &name) {
                         if (name == channel)
                             waiter.finish();
                     });
    QObject::connect(&connection, &RedisConnection::errorOccurred, &scope,
                     [&waiter](const QString &message) { waiter.failWith(message); });
    connection.subscribe({channel});
    waiter.wait(QStringLiteral("SUBSCRIBE %1").arg(QString::fromUtf8(channel)), ConnectTimeout);
}

// Figure 1, ours: every PING issued at once, timed until the last reply.
double oursPipelinedPing(const RedisOptions &options, int count)
{
    // One small capture, so that each callback fits in std::function's inline storage and the
    // benchmark does not time its own allocations.
    struct State
    {
        Waiter waiter;
        int count = 0;
        int answered = 0;
        Clock::time_point end;
    } state;
    state.count = count;
    const auto connection = openConnection(options);

    const Clock::time_point start = Clock::now();
    for (int i = 0; i < count; ++i) {
        connection->command(pingCommand(), [&state](const RedisReply &reply) {
            if (!isPong(reply))
                return state.waiter.failWith(QStringLiteral("PING answered ")
                                             + reply.toDebugString());
            if (++state.answered == state.count) {
                state.end = Clock::now();
                state.waiter.finish();
            }
        });
    }
    state.waiter.wait(QStringLiteral("pipelined PING"));
    return count / secondsBetween(start, state.end);
}

// Figure 2, ours: each PING issued from the previous one's callback.
class PingChain
{
public:
    PingChain(RedisConnection *connection, int count)
        : m_connection(connection)
        , m_left(count)
    { }

    void run()
    {
        next();
        m_waiter.wait(QStringLiteral("sequential PING"));
    }

private:
    void next()
    {
        m_connection->command(pingCommand(), [this](const RedisReply &reply) { onReply(reply); });
    }

    void onReply(const RedisReply &reply)
    {
        if (!isPong(reply))
            return m_waiter.failWith(QStringLiteral("PING answered ") + reply.toDebugString());
        if (--m_left == 0)
            return m_waiter.finish();
        next();
    }

    Waiter m_waiter;
    RedisConnection *m_connection;
    int m_left;
};

double oursSequentialPing(const RedisOptions &options, int count)
{
    const auto connection = openConnection(options);
    PingChain chain(connection.get(), count);
    const Clock::time_point start = Clock::now();
    chain.run();
    return count / secondsBetween(start, Clock::now());
}

// Figure 3, ours: one connection subscribed, another publishing the next message as soon as the
// previous one has arrived.
Latency oursRoundTrip(const RedisOptions &options, int count)
{
    Waiter waiter;
    const auto subscriber = openConnection(options);
    const auto publisher = openConnection(options);
    const QByteArray channel(RoundTripChannel);
    subscribeAndWait(*subscriber, channel);

    std::vector<double> micros;
    micros.reserve(size_t(count));
    int sent = 0;
    Clock::time_point sentAt;
    const auto publishNext = [&] {
        sentAt = Clock::now();
        publisher->command(
            {"PUBLISH", channel, QByteArray::number(sent)}, [&waiter](const RedisReply &reply) {
                if (!reply.isInteger() || reply.toInteger() != 1)
                    waiter.failWith(QStringLiteral("PUBLISH answered ") + reply.toDebugString());
            });
        ++sent;
    };
    QObject::connect(subscriber.get(), &RedisConnection::messageReceived, subscriber.get(),
                     [&](const QByteArray &, const QByteArray &payload) {
                         micros.push_back(microsecondsBetween(sentAt, Clock::now()));
                         if (payload != QByteArray::number(sent - 1))
                             return waiter.failWith(QStringLiteral("message %1 arrived as \"%2\"")
                                                        .arg(sent - 1)
                                                        .arg(QString::fromUtf8(payload)));
                         if (sent == count)
                             return waiter.finish();
                         publishNext();
                     });
    publishNext();
    waiter.wait(QStringLiteral("publish round trip"));
    return percentiles(std::move(micros));
}

// ---------------------------------------------------------------------------------------------
// redis-benchmark as the flooding publisher

// redis-benchmark publishing `count` messages to FloodChannel; killed if still running when it
// goes (a failed measurement must not leave it flooding the next one).
class Flood
{
public:
    Flood(quint16 port, int count)
    {
        const QString program = Test::RedisServerFixture::redisBenchmarkPath();
        if (program.isEmpty())
            fail(QStringLiteral("redis-benchmark not found (redis-server's package has it)"));
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start(
            program,
            {QStringLiteral("-p"), QString::number(port), QStringLiteral("-n"),
             QString::number(count), QStringLiteral("-P"), QString::number(FloodPipeline),
             QStringLiteral("-c"), QString::number(FloodClients), QStringLiteral("-q"),
             QStringLiteral("PUBLISH"), QLatin1String(FloodChannel), QLatin1String(FloodPayload)});
        if (!m_process.waitForStarted(int(ConnectTimeout.count())))
            fail(QStringLiteral("cannot start %1: %2").arg(program, m_process.errorString()));
    }

    ~Flood()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.disconnect();
            m_process.kill();
            m_process.waitForFinished();
        }
    }

    QProcess &process() { return m_process; }
    QString output() { return QString::fromLocal8Bit(m_process.readAll()).trimmed(); }

    // Waits until redis-benchmark is done; throws if it failed.
    void finish()
    {
        if (m_process.state() != QProcess::NotRunning
            && !m_process.waitForFinished(int(StepTimeout.count())))
            fail(QStringLiteral("redis-benchmark did not finish"));
        if (m_process.exitStatus() != QProcess::NormalExit || m_process.exitCode() != 0)
            fail(QStringLiteral("redis-benchmark failed: ") + output());
    }

private:
    QProcess m_process;
};

// Figure 4, ours: messages/s from the first message received to the last.
double oursReceiveRate(const RedisOptions &options, quint16 port, int count)
{
    Waiter waiter;
    const auto subscriber = openConnection(options);
    subscribeAndWait(*subscriber, QByteArray(FloodChannel));

    const QByteArray expected(FloodPayload);
    int received = 0;
    Clock::time_point first;
    Clock::time_point last;
    QObject::connect(subscriber.get(), &RedisConnection::messageReceived, subscriber.get(),
                     [&](const QByteArray &, const QByteArray &payload) {
                         if (++received == 1)
                             first = Clock::now();
                         if (payload != expected)
                             return waiter.failWith(QStringLiteral("message %1 arrived as \"%2\"")
                                                        .arg(received)
                                                        .arg(QString::fromUtf8(payload)));
                         if (received == count) {
                             last = Clock::now();
                             waiter.finish();
                         }
                     });
    QObject::connect(subscriber.get(), &RedisConnection::errorOccurred, subscriber.get(),
                     [&waiter](const QString &message) { waiter.failWith(message); });

    Flood flood(port, count);
    QObject::connect(&flood.process(), &QProcess::finished, subscriber.get(),
                     [&](int exitCode, QProcess::ExitStatus status) {
                         if (status != QProcess::NormalExit || exitCode != 0)
                             waiter.failWith(QStringLiteral("redis-benchmark failed: ")
                                             + flood.output());
                     });
    waiter.wait(QStringLiteral("receiving %1 messages").arg(count));
    flood.finish();
    return (count - 1) / secondsBetween(first, last);
}

// Figure 5, ours: one GET of a large value.
double oursBulkRate(const RedisOptions &options, const QByteArray &expected)
{
    Waiter waiter;
    const auto connection = openConnection(options);
    RedisReply value;
    Clock::time_point end;
    const Clock::time_point start = Clock::now();
    connection->command({"GET", BulkKey}, [&](const RedisReply &reply) {
        end = Clock::now();
        value = reply;
        waiter.finish();
    });
    waiter.wait(QStringLiteral("GET of %1 bytes").arg(expected.size()));
    if (!value.isString() || value.bytes() != expected)
        fail(QStringLiteral("GET %1 returned a wrong value (%2 bytes)")
                 .arg(QLatin1String(BulkKey))
                 .arg(value.bytes().size()));
    return double(expected.size()) / 1e6 / secondsBetween(start, end);
}

QByteArray listElement(int i)
{
    return QByteArray::number(i);
}

// Figure 6, ours: one LRANGE of a whole list.
double oursListRate(const RedisOptions &options, int count)
{
    Waiter waiter;
    const auto connection = openConnection(options);
    RedisReply list;
    Clock::time_point end;
    const Clock::time_point start = Clock::now();
    connection->command({"LRANGE", ListKey, "0", "-1"}, [&](const RedisReply &reply) {
        end = Clock::now();
        list = reply;
        waiter.finish();
    });
    waiter.wait(QStringLiteral("LRANGE of %1 elements").arg(count));
    bool ok = list.isArray() && list.size() == count;
    for (int i = 0; ok && i < count; ++i)
        ok = list.at(i).isString() && list.at(i).bytes() == listElement(i);
    if (!ok)
        fail(QStringLiteral("LRANGE %1 returned a wrong list (%2 elements)")
                 .arg(QLatin1String(ListKey))
                 .arg(list.size()));
    return count / secondsBetween(start, end);
}

// ---------------------------------------------------------------------------------------------
// The baseline: plain blocking hiredis

struct HiredisFree
{
    void operator()(redisContext *context) const { redisFree(context); }
    void operator()(redisReply *reply) const { freeReplyObject(reply); }
};
using HiredisContext = std::unique_ptr<redisContext, HiredisFree>;
using HiredisReply = std::unique_ptr<redisReply, HiredisFree>;

HiredisContext hiredisConnect(quint16 port)
{
    HiredisContext context(redisConnectWithTimeout("127.0.0.1", port, timeval{10, 0}));
    if (!context || context->err)
        fail(QStringLiteral("hiredis cannot connect: %1")
                 .arg(context ? QString::fromUtf8(context->errstr)
                              : QStringLiteral("out of memory")));
    redisSetTimeout(context.get(), HiredisTimeout);
    return context;
}

QString hiredisError(const redisContext *context)
{
    return QStringLiteral("hiredis: ") + QString::fromUtf8(context->errstr);
}

HiredisReply hiredisNextReply(redisContext *context)
{
    void *reply = nullptr;
    if (redisGetReply(context, &reply) != REDIS_OK || !reply)
        fail(hiredisError(context));
    return HiredisReply(static_cast<redisReply *>(reply));
}

HiredisReply hiredisCommand(redisContext *context, const QList<QByteArray> &args)
{
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    for (const QByteArray &arg : args) {
        argv.push_back(arg.constData());
        lengths.push_back(size_t(arg.size()));
    }
    void *reply = redisCommandArgv(context, int(argv.size()), argv.data(), lengths.data());
    if (!reply)
        fail(hiredisError(context));
    return HiredisReply(static_cast<redisReply *>(reply));
}

bool hiredisIsPong(const redisReply *reply)
{
    return reply->type == REDIS_REPLY_STATUS && std::strcmp(reply->str, "PONG") == 0;
}

bool hiredisEquals(const redisReply *reply, const QByteArray &bytes)
{
    return reply->type == REDIS_REPLY_STRING && reply->len == size_t(bytes.size())
        && std::memcmp(reply->str, bytes.constData(), reply->len) == 0;
}

// A pub/sub push: ["message", channel, payload].
bool hiredisIsMessage(const redisReply *reply, const QByteArray &payload)
{
    return reply->type == REDIS_REPLY_ARRAY && reply->elements == 3
        && hiredisEquals(reply->element[0], QByteArrayLiteral("message"))
        && hiredisEquals(reply->element[2], payload);
}

void hiredisSubscribe(redisContext *context, const QByteArray &channel)
{
    const HiredisReply reply = hiredisCommand(context, {"SUBSCRIBE", channel});
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3
        || !hiredisEquals(reply->element[0], "subscribe"))
        fail(QStringLiteral("hiredis: SUBSCRIBE %1 was not confirmed")
                 .arg(QString::fromUtf8(channel)));
}

double hiredisPipelinedPing(quint16 port, int count)
{
    const HiredisContext context = hiredisConnect(port);
    const Clock::time_point start = Clock::now();
    for (int i = 0; i < count; ++i)
        redisAppendCommand(context.get(), "PING");
    for (int i = 0; i < count; ++i) {
        if (!hiredisIsPong(hiredisNextReply(context.get()).get()))
            fail(QStringLiteral("hiredis: PING not answered PONG"));
    }
    return count / secondsBetween(start, Clock::now());
}

double hiredisSequentialPing(quint16 port, int count)
{
    const HiredisContext context = hiredisConnect(port);
    const Clock::time_point start = Clock::now();
    for (int i = 0; i < count; ++i) {
        const HiredisReply reply(static_cast<redisReply *>(redisCommand(context.get(), "PING")));
        if (!reply)
            fail(hiredisError(context.get()));
        if (!hiredisIsPong(reply.get()))
            fail(QStringLiteral("hiredis: PING not answered PONG"));
    }
    return count / secondsBetween(start, Clock::now());
}

Latency hiredisRoundTrip(quint16 port, int count)
{
    const HiredisContext subscriber = hiredisConnect(port);
    const HiredisContext publisher = hiredisConnect(port);
    const QByteArray channel(RoundTripChannel);
    hiredisSubscribe(subscriber.get(), channel);

    std::vector<double> micros;
    micros.reserve(size_t(count));
    for (int i = 0; i < count; ++i) {
        const QByteArray payload = QByteArray::number(i);
        const Clock::time_point sentAt = Clock::now();
        const HiredisReply published =
            hiredisCommand(publisher.get(), {"PUBLISH", channel, payload});
        const HiredisReply message = hiredisNextReply(subscriber.get());
        micros.push_back(microsecondsBetween(sentAt, Clock::now()));
        if (published->type != REDIS_REPLY_INTEGER || published->integer != 1)
            fail(QStringLiteral("hiredis: PUBLISH did not reach exactly one subscriber"));
        if (!hiredisIsMessage(message.get(), payload))
            fail(QStringLiteral("hiredis: message %1 did not arrive as sent").arg(i));
    }
    return percentiles(std::move(micros));
}

double hiredisReceiveRate(quint16 port, int count)
{
    const HiredisContext subscriber = hiredisConnect(port);
    hiredisSubscribe(subscriber.get(), QByteArray(FloodChannel));

    // Written by the reader thread, read here only after joining it.
    struct Result
    {
        Clock::time_point first;
        Clock::time_point last;
        QString error;
    } result;
    std::thread reader([&result, context = subscriber.get(), count] {
        const QByteArray expected(FloodPayload);
        try {
            for (int i = 0; i < count; ++i) {
                const HiredisReply message = hiredisNextReply(context);
                if (i == 0)
                    result.first = Clock::now();
                if (!hiredisIsMessage(message.get(), expected))
                    fail(QStringLiteral("hiredis: message %1 did not arrive as sent").arg(i));
            }
            result.last = Clock::now();
        } catch (const BenchFailure &e) {
            result.error = QString::fromStdString(e.what());
        }
    });

    try {
        Flood flood(port, count);
        flood.finish();
    } catch (const BenchFailure &) {
        // Wake the reader up from its blocking read rather than wait for its timeout.
        ::shutdown(subscriber->fd, SHUT_RDWR);
        reader.join();
        throw;
    }
    reader.join();
    if (!result.error.isEmpty())
        fail(result.error);
    return (count - 1) / secondsBetween(result.first, result.last);
}

double hiredisBulkRate(quint16 port, const QByteArray &expected)
{
    const HiredisContext context = hiredisConnect(port);
    const Clock::time_point start = Clock::now();
    const HiredisReply reply(
        static_cast<redisReply *>(redisCommand(context.get(), "GET %s", BulkKey)));
    const Clock::time_point end = Clock::now();
    if (!reply)
        fail(hiredisError(context.get()));
    if (!hiredisEquals(reply.get(), expected))
        fail(QStringLiteral("hiredis: GET %1 returned a wrong value").arg(QLatin1String(BulkKey)));
    return double(expected.size()) / 1e6 / secondsBetween(start, end);
}

double hiredisListRate(quint16 port, int count)
{
    const HiredisContext context = hiredisConnect(port);
    const Clock::time_point start = Clock::now();
    const HiredisReply reply(
        static_cast<redisReply *>(redisCommand(context.get(), "LRANGE %s 0 -1", ListKey)));
    const Clock::time_point end = Clock::now();
    if (!reply)
        fail(hiredisError(context.get()));
    bool ok = reply->type == REDIS_REPLY_ARRAY && reply->elements == size_t(count);
    for (int i = 0; ok && i < count; ++i)
        ok = hiredisEquals(reply->element[i], listElement(i));
    if (!ok)
        fail(QStringLiteral("hiredis: wrong LRANGE %1 reply").arg(QLatin1String(ListKey)));
    return count / secondsBetween(start, end);
}

// ---------------------------------------------------------------------------------------------
// Setting up data

QByteArray makeBulkValue(qsizetype size)
{
    // Not all one byte, so that a misplaced chunk shows in the comparison.
    QByteArray value(size, Qt::Uninitialized);
    char *data = value.data();
    for (qsizetype i = 0; i < size; ++i)
        data[i] = char('a' + (i + i / 4093) % 26);
    return value;
}

void storeBulkValue(const Test::RedisServerFixture &server, const QByteArray &value)
{
    const RedisReply reply = server.command({"SET", BulkKey, value});
    if (!reply.isOk())
        fail(QStringLiteral("SET of the bulk value failed: ") + reply.toDebugString());
}

void fillList(quint16 port, int count)
{
    const HiredisContext context = hiredisConnect(port);
    hiredisCommand(context.get(), {"DEL", ListKey});
    qint64 length = 0;
    for (int first = 0; first < count; first += ListBatch) {
        QList<QByteArray> args{"RPUSH", ListKey};
        for (int i = first; i < std::min(count, first + ListBatch); ++i)
            args << listElement(i);
        const HiredisReply reply = hiredisCommand(context.get(), args);
        if (reply->type != REDIS_REPLY_INTEGER)
            fail(QStringLiteral("RPUSH to %1 failed").arg(QLatin1String(ListKey)));
        length = reply->integer;
    }
    if (length != count)
        fail(QStringLiteral("%1 holds %2 elements, not %3")
                 .arg(QLatin1String(ListKey))
                 .arg(length)
                 .arg(count));
}

// ---------------------------------------------------------------------------------------------
// The measurements

Figure measurePipelinedPing(const Bench &bench)
{
    const int n = bench.settings.pipelinedPings;
    const auto [ours, baseline] = alternate(
        bench.settings.repeats, [&] { return oursPipelinedPing(bench.options, n); },
        [&] { return hiredisPipelinedPing(bench.server.port(), n); });
    return throughputFigure(QStringLiteral("pipelined PING"), QStringLiteral("ops/s"),
                            {ours, baseline}, MinThroughputRatio);
}

Figure measureSequentialPing(const Bench &bench)
{
    const int n = bench.settings.sequentialPings;
    const auto [ours, baseline] = alternate(
        bench.settings.repeats, [&] { return oursSequentialPing(bench.options, n); },
        [&] { return hiredisSequentialPing(bench.server.port(), n); });
    return throughputFigure(QStringLiteral("sequential PING"), QStringLiteral("ops/s"),
                            {ours, baseline});
}

QList<Figure> measureRoundTrip(const Bench &bench)
{
    const int n = bench.settings.roundTrips;
    const auto [ours, baseline] = alternate(
        bench.settings.repeats, [&] { return oursRoundTrip(bench.options, n); },
        [&] { return hiredisRoundTrip(bench.server.port(), n); });
    Samples p50;
    Samples p99;
    for (const Latency &l : ours) {
        p50.ours.push_back(l.p50);
        p99.ours.push_back(l.p99);
    }
    for (const Latency &l : baseline) {
        p50.baseline.push_back(l.p50);
        p99.baseline.push_back(l.p99);
    }
    const QString unit = QStringLiteral("us");
    return {
        {QStringLiteral("pub/sub round trip p50"), unit, median(p50.ours), median(p50.baseline),
         true, MaxLatencyRatio},
        {QStringLiteral("pub/sub round trip p99"), unit, median(p99.ours), median(p99.baseline),
         true, MaxLatencyRatio},
    };
}

Figure measureReceiveRate(const Bench &bench)
{
    const int n = bench.settings.floodMessages;
    const quint16 port = bench.server.port();
    const auto [ours, baseline] = alternate(
        bench.settings.repeats, [&] { return oursReceiveRate(bench.options, port, n); },
        [&] { return hiredisReceiveRate(port, n); });
    return throughputFigure(QStringLiteral("subscriber receive"), QStringLiteral("msg/s"),
                            {ours, baseline}, MinThroughputRatio);
}

Figure measureBulkReply(const Bench &bench)
{
    const QByteArray value = makeBulkValue(bench.settings.bulkBytes);
    storeBulkValue(bench.server, value);
    const auto [ours, baseline] = alternate(
        bench.settings.repeats, [&] { return oursBulkRate(bench.options, value); },
        [&] { return hiredisBulkRate(bench.server.port(), value); });
    bench.server.command({"DEL", BulkKey});
    return throughputFigure(QStringLiteral("GET %1 MB").arg(value.size() / 1000000),
                            QStringLiteral("MB/s"), {ours, baseline});
}

Figure measureListRange(const Bench &bench)
{
    const int n = bench.settings.listElements;
    fillList(bench.server.port(), n);
    const auto [ours, baseline] = alternate(
        bench.settings.repeats, [&] { return oursListRate(bench.options, n); },
        [&] { return hiredisListRate(bench.server.port(), n); });
    bench.server.command({"DEL", ListKey});
    const QString name = n >= 1000000 ? QStringLiteral("LRANGE %1M").arg(n / 1000000)
                                      : QStringLiteral("LRANGE %1k").arg(n / 1000);
    return throughputFigure(name, QStringLiteral("elem/s"), {ours, baseline});
}

// ---------------------------------------------------------------------------------------------
// Output

// 812k, 1.05M, 45.2: three significant digits or so.
QString humanNumber(double value)
{
    if (value >= 1e6)
        return QString::number(value / 1e6, 'f',
                               value >= 1e8       ? 0
                                   : value >= 1e7 ? 1
                                                  : 2)
            + QLatin1Char('M');
    if (value >= 1e4)
        return QString::number(value / 1e3, 'f', 0) + QLatin1Char('k');
    return QString::number(value, 'f', value >= 100 ? 0 : value >= 10 ? 1 : 2);
}

QString formatRow(const Figure &f)
{
    const auto side = [&f](double value) {
        return QString(humanNumber(value) + QLatin1Char(' ') + f.unit).leftJustified(14);
    };
    QString target = QStringLiteral("-");
    if (f.targetRatio > 0) {
        target = QStringLiteral("%1 %2  %3")
                     .arg(f.lowerIsBetter ? QStringLiteral("<=") : QStringLiteral(">="))
                     .arg(f.targetRatio, 0, 'f', 2)
                     .arg(f.meetsTarget() ? QStringLiteral("meets") : QStringLiteral("below"));
    }
    return f.name.leftJustified(24) + QStringLiteral("ours ") + side(f.ours)
        + QStringLiteral("hiredis ") + side(f.baseline)
        + QStringLiteral("ratio %1   ").arg(f.ratio(), 0, 'f', 2) + QStringLiteral("target ")
        + target;
}

void printLine(const QString &line)
{
    std::printf("%s\n", qPrintable(line));
}

void progress(const QString &line)
{
    std::fprintf(stderr, "%s\n", qPrintable(line));
    std::fflush(stderr);
}

// Runs one measurement, saying on stderr what it does while the table waits for the end.
template<typename Measure> auto timed(const QString &name, Measure measure)
{
    progress(QStringLiteral("measuring %1...").arg(name));
    const Clock::time_point start = Clock::now();
    auto result = measure();
    progress(QStringLiteral("  done in %1 s").arg(secondsBetween(start, Clock::now()), 0, 'f', 1));
    return result;
}

// The 1-minute load average (Linux), to tell figures taken on a busy machine: with other work
// on the cores, scheduling delays swamp the latencies, p99 first.
QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("?");
    return QString::fromLatin1(file.readAll().split(' ').value(0));
}

QString serverVersion(const Test::RedisServerFixture &server)
{
    const RedisReply info = server.command({"INFO", "server"});
    const QByteArray prefix = QByteArrayLiteral("redis_version:");
    for (const QByteArray &line : info.bytes().split('\n')) {
        if (line.startsWith(prefix))
            return QString::fromLatin1(line.mid(prefix.size()).trimmed());
    }
    return QStringLiteral("unknown");
}

int run(bool quick)
{
    // A subscriber that falls behind the flood must be measured, not disconnected by the
    // server's output buffer limit for pub/sub clients (32 MB by default).
    Test::RedisServerFixture::Config config;
    config.extraConfig << QStringLiteral("client-output-buffer-limit pubsub 0 0 0");
    Test::RedisServerFixture server(config);
    if (!server.start())
        fail(QStringLiteral("cannot start redis-server: ") + server.errorString());

    Bench bench{server, server.options(), Settings::make(quick)};
    // No health-check PING in the middle of a measurement, and a dropped connection is a
    // failure to report, not something to recover from quietly.
    bench.options.healthCheckInterval = std::chrono::hours(1);
    bench.options.autoReconnect = false;

    const QString loadBefore = loadAverage();
    QList<Figure> figures;
    const Clock::time_point begin = Clock::now();
    figures << timed(QStringLiteral("pipelined PING"), [&] { return measurePipelinedPing(bench); });
    figures << timed(QStringLiteral("sequential PING"),
                     [&] { return measureSequentialPing(bench); });
    figures << timed(QStringLiteral("pub/sub round trip"), [&] { return measureRoundTrip(bench); });
    figures << timed(QStringLiteral("subscriber receive rate"),
                     [&] { return measureReceiveRate(bench); });
    figures << timed(QStringLiteral("bulk reply"), [&] { return measureBulkReply(bench); });
    figures << timed(QStringLiteral("LRANGE"), [&] { return measureListRange(bench); });

    const Settings &s = bench.settings;
    printLine(QStringLiteral("Confab RedisConnection vs blocking hiredis %1.%2.%3, redis-server %4")
                  .arg(HIREDIS_MAJOR)
                  .arg(HIREDIS_MINOR)
                  .arg(HIREDIS_PATCH)
                  .arg(serverVersion(server)));
    printLine(
        QStringLiteral(
            "mode: %1, median of %2 runs; ratio = ours / hiredis (throughput: higher is better, "
            "latency: lower is better)")
            .arg(s.quick ? QStringLiteral("quick (sizes / %1)").arg(QuickDivisor)
                         : QStringLiteral("full"))
            .arg(s.repeats));
    printLine(
        QStringLiteral(
            "sizes: %1 pipelined PINGs, %2 sequential PINGs, %3 round trips, %4 flooded messages, "
            "%5 byte value, %6 list elements")
            .arg(s.pipelinedPings)
            .arg(s.sequentialPings)
            .arg(s.roundTrips)
            .arg(s.floodMessages)
            .arg(s.bulkBytes)
            .arg(s.listElements));
    printLine(QStringLiteral("machine: %1 cores, load average %2 before, %3 after (a busy machine "
                             "makes the figures noisy)")
                  .arg(QThread::idealThreadCount())
                  .arg(loadBefore, loadAverage()));
    printLine({});
    for (const Figure &f : figures)
        printLine(formatRow(f));
    printLine({});
    printLine(QStringLiteral("total %1 s").arg(secondsBetween(begin, Clock::now()), 0, 'f', 1));
    return 0;
}

} // namespace
} // namespace Confab

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments().mid(1);
    const bool quick = args == QStringList{QStringLiteral("--quick")};
    if (!args.isEmpty() && !quick) {
        std::fprintf(stderr, "usage: bench_redis [--quick]\n");
        return 2;
    }
    try {
        return Confab::run(quick);
    } catch (const Confab::BenchFailure &e) {
        std::fprintf(stderr, "bench_redis: FAILED: %s\n", e.what());
        return 1;
    }
}
