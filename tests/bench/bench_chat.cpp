// The chat pipeline as the application runs it (ChatSession in the GUI thread, RedisWorker in
// its own, MessageLogModel at the end) against plain blocking hiredis doing the least the same
// job needs, on a redis-server of its own. Four figures, each the median of several runs, the
// two sides alternated so that whatever else the machine does hits both alike:
//
//  1. ingest: a flood of messages written as PROTOCOL.md says (stream entry + its notice,
//     a hint only, by a Lua loop that redis-cli runs in chunks, so the producer is another
//     process), counted as rows reaching the model; raw: a hiredis SUBSCRIBE thread. Target >= 0.5x
//     raw.
//  2. end-to-end latency at 1000 msg/s, sendMessage() to the row in the receiver's model; raw:
//     hiredis doing the same Redis work (the post script, the notice, the XRANGE that v2's
//     reading rule requires). Target p50 and p99 <= 2x raw, p99 < 1 ms. The floor, hiredis
//     PUBLISH in one thread to SUBSCRIBE in another, is printed too.
//  3. first screen: joinChannel() on a log of a million entries until the model holds the newest
//     page; raw: one XREVRANGE ... COUNT 100. Target < 50 ms.
//  4. catch-up: watchChannel() from a known id with 100k entries after it, until all are in a
//     model; raw: XRANGE paging with COUNT 1000. Target < 1 s.
//
// It exits 0 whatever the figures are; only something functionally broken (a message missing,
// duplicated or wrong, an error from the client, a producer failing) makes it say why and exit 1.
//
// Usage: bench_chat [--quick] [ingest|latency|first-screen|catch-up...]
//   --quick: about a tenth of the sizes, for CI; naming measurements runs only those (for
//   profiling one of them: valgrind --tool=callgrind bench_chat --quick ingest).

#include "RedisServerFixture.h"
#include "ThreadedWorker.h"

#include "chat/ChatKeys.h"
#include "chat/ChatScripts.h"
#include "chat/MessageCodec.h"
#include "chat/RedisWorker.h"
#include "chat/StreamId.h"
#include "model/ChatSession.h"
#include "model/MessageLogModel.h"

#include <hiredis/hiredis.h>

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QProcess>
#include <QStandardPaths>
#include <QThread>
#include <QTimer>

#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
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

constexpr int FloodMessages = 200000;
constexpr int FloodChunk = 10000; // messages per redis-cli EVAL
constexpr int LatencyMessages = 2000;
constexpr int QuickLatencyMessages = 500;
constexpr std::chrono::microseconds LatencyInterval = 1ms; // 1000 msg/s
constexpr int HistoryEntries = 1000000;
constexpr int FirstScreenRepeats = 5; // fresh sessions, in both modes
constexpr int FirstPageRows = 100; // ChatConfig::firstPageSize
constexpr int CatchUpEntries = 100000;
constexpr int CatchUpPage = 1000; // ChatConfig::catchUpPageSize
constexpr int FillChunk = 50000; // entries per EVAL when filling a log before a measurement

// Above every log this writes, so that no post (a join) trims the logs under measurement; the
// default (100000) is measured once at the end, for what it does to a log of a million.
constexpr int BenchRetention = 10000000;

// Targets from the issue.
constexpr double MinIngestRatio = 0.5;
constexpr double MaxLatencyRatio = 2.0; // p50 and p99, against the raw client doing v2's work
constexpr double MaxLatencyP99Us = 1000;
constexpr double MaxFirstScreenMs = 50;
constexpr double MaxCatchUpMs = 1000;

// Anything that takes longer than this is hung, not slow.
constexpr std::chrono::milliseconds StepTimeout = 180s;
constexpr std::chrono::milliseconds SetupTimeout = 20s;
constexpr timeval HiredisTimeout{180, 0};

const char BenchSender[] = "flooder";

// Entries exactly as the post script writes them (PROTOCOL.md, "Stream entries" and "Pub/sub
// notices"), minus its checks and the dedupe marker, which readers never look at.
// KEYS[1]: the log. ARGV: first index, count, sender, cid prefix (8 hex digits), pub/sub channel
// (empty: no notices). Returns the last id written.
const char FillScript[] = R"lua(
local first, count = tonumber(ARGV[1]), tonumber(ARGV[2])
local from, prefix, pubsub = ARGV[3], ARGV[4], ARGV[5]
local id
for i = first, first + count - 1 do
  local text = 'message ' .. i .. ' of the benchmark, about as long as a line of chat'
  local cid = string.format('%s%024d', prefix, i)
  id = redis.call('XADD', KEYS[1], '*', 'v', '2', 'type', 'msg', 'from', from, 'text', text, 'cid', cid)
  if pubsub ~= '' then
    redis.call('PUBLISH', pubsub, '{"v":2,"id":"' .. id .. '"}')
  end
end
return id
)lua";

QString expectedText(int i)
{
    return QStringLiteral("message %1 of the benchmark, about as long as a line of chat").arg(i);
}

// A fresh 8-hex-digit prefix per fill, so that cids stay unique across runs.
QByteArray nextCidPrefix()
{
    static int counter = 0;
    return QByteArray::number(++counter, 16).rightJustified(8, '0');
}

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

double millisecondsBetween(Clock::time_point start, Clock::time_point end)
{
    return std::chrono::duration<double, std::milli>(end - start).count();
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
    int floodMessages = FloodMessages;
    int latencyMessages = LatencyMessages;
    int historyEntries = HistoryEntries;
    int catchUpEntries = CatchUpEntries;

    static Settings make(bool quick)
    {
        Settings s;
        if (quick) {
            s.quick = true;
            s.repeats = QuickRepeats;
            s.floodMessages /= QuickDivisor;
            s.latencyMessages = QuickLatencyMessages;
            s.historyEntries /= QuickDivisor;
            s.catchUpEntries /= QuickDivisor;
        }
        return s;
    }
};

// What every measurement needs.
struct Bench
{
    const Test::RedisServerFixture &server;
    Settings settings;
    ChatKeys keys;

    quint16 port() const { return server.port(); }
};

// One row of the table: the median of each side, and how it is judged.
struct Figure
{
    enum class Target { None, Ratio, Absolute };

    QString name;
    QString unit;
    double ours = 0;
    double baseline = 0;
    bool lowerIsBetter = false; // latencies and durations
    Target target = Target::None;
    double targetValue = 0;

    double ratio() const { return baseline > 0 ? ours / baseline : 0; }
    bool meetsTarget() const
    {
        const double value = target == Target::Ratio ? ratio() : ours;
        return lowerIsBetter ? value <= targetValue : value >= targetValue;
    }
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

// Runs each side `repeats` times, alternating; `run` is the repeat's number.
template<typename OursRun, typename BaselineRun>
auto alternate(int repeats, OursRun ours, BaselineRun baseline)
{
    std::pair<std::vector<decltype(ours(0))>, std::vector<decltype(baseline(0))>> runs;
    for (int i = 0; i < repeats; ++i) {
        runs.first.push_back(ours(i));
        runs.second.push_back(baseline(i));
    }
    return runs;
}

void progress(const QString &line)
{
    std::fprintf(stderr, "%s\n", qPrintable(line));
    std::fflush(stderr);
}

// ---------------------------------------------------------------------------------------------
// Waiting in the event loop

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

// For setting up only (it polls): runs the event loop until `ready` holds.
template<typename Predicate>
void waitUntil(Predicate ready, const QString &what,
               std::chrono::milliseconds timeout = SetupTimeout)
{
    if (ready())
        return;
    Waiter waiter;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &poll, [&] {
        if (ready())
            waiter.finish();
    });
    poll.start(1ms);
    waiter.wait(what, timeout);
}

// ---------------------------------------------------------------------------------------------
// Our side: ChatSession, RedisWorker, MessageLogModel

ChatConfig configFor(const Bench &bench, const QString &user, int retention = BenchRetention)
{
    ChatConfig config = Test::ThreadedWorker::configFor(bench.server, user);
    // No health-check PING in the middle of a measurement.
    config.redis.healthCheckInterval = std::chrono::hours(1);
    config.retention = retention;
    return config;
}

// A started session whose user is ready; the model keeps up to `scrollback` rows.
std::unique_ptr<ChatSession> startSession(const Bench &bench, const QString &user, int scrollback,
                                          int retention = BenchRetention)
{
    auto session = std::make_unique<ChatSession>(configFor(bench, user, retention));
    session->setScrollback(scrollback);
    Waiter waiter;
    QObject scope; // disconnects the lambdas below before waiter goes
    QObject::connect(session.get(), &ChatSession::ready, &scope, [&waiter] { waiter.finish(); });
    QObject::connect(session.get(), &ChatSession::userRejected, &scope,
                     [&waiter](const QString &, const QString &error) { waiter.failWith(error); });
    QObject::connect(session.get(), &ChatSession::errorOccurred, &scope,
                     [&waiter](const QString &error) { waiter.failWith(error); });
    session->start();
    waiter.wait(QStringLiteral("starting a session for %1").arg(user), SetupTimeout);
    return session;
}

// Joins `channel` and waits until its first page is in the model.
MessageLogModel *joinAndWait(ChatSession &session, const QString &channel)
{
    session.joinChannel(channel);
    waitUntil(
        [&] {
            const MessageLogModel *log = session.log(channel);
            return log && log->rowCount() > 0;
        },
        QStringLiteral("joining #%1").arg(channel));
    return session.log(channel);
}

// A ThreadedWorker whose user is ready.
std::unique_ptr<Test::ThreadedWorker> startWorker(const Bench &bench, const QString &user)
{
    auto worker = std::make_unique<Test::ThreadedWorker>(configFor(bench, user));
    waitUntil([&] { return !worker->userName().isEmpty() || !worker->rejections().isEmpty(); },
              QStringLiteral("starting a worker for %1").arg(user));
    if (!worker->rejections().isEmpty())
        fail(QStringLiteral("%1 rejected: %2").arg(user, worker->rejections().constFirst()));
    return worker;
}

void checkRow(const MessageLogModel &log, int row, const QString &text, const QString &what)
{
    const ChatMessage message = log.messageAt(row);
    if (message.type != ChatMessage::Type::Message || message.text != text || message.isMalformed())
        fail(QStringLiteral("%1: row %2 is \"%3\" (%4), not \"%5\"")
                 .arg(what)
                 .arg(row)
                 .arg(message.text, message.problem, text));
}

void deleteChannelKeys(const Bench &bench, const QString &channel)
{
    bench.server.command(
        {"DEL", bench.keys.log(channel), bench.keys.info(channel), bench.keys.members(channel)});
}

// ---------------------------------------------------------------------------------------------
// The flood producer: redis-cli running FillScript with notices, chunk after chunk

QString redisCliPath()
{
    QString path = QStandardPaths::findExecutable(QStringLiteral("redis-cli"));
    if (path.isEmpty()) {
        const QString server = Test::RedisServerFixture::redisServerPath();
        if (!server.isEmpty())
            path = QStandardPaths::findExecutable(QStringLiteral("redis-cli"),
                                                  {QFileInfo(server).absolutePath()});
    }
    return path;
}

// Publishes `count` messages to a channel from another process, FloodChunk per redis-cli run,
// one run after the other. Killed if still running when it goes (a failed measurement must not
// leave it flooding the next one).
class FloodProducer
{
public:
    FloodProducer(const Bench &bench, const QString &channel, int count)
        : m_program(redisCliPath())
        , m_port(bench.port())
        , m_logKey(QString::fromUtf8(bench.keys.log(channel)))
        , m_pubsub(QString::fromUtf8(bench.keys.pubsub(channel)))
        , m_prefix(QString::fromLatin1(nextCidPrefix()))
        , m_count(count)
    {
        if (m_program.isEmpty())
            fail(QStringLiteral("redis-cli not found (redis-server's package has it)"));
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        QObject::connect(
            &m_process, &QProcess::finished, &m_process,
            [this](int exitCode, QProcess::ExitStatus status) { onFinished(exitCode, status); });
        QObject::connect(&m_process, &QProcess::errorOccurred, &m_process,
                         [this](QProcess::ProcessError error) {
                             if (error == QProcess::FailedToStart)
                                 done(QStringLiteral("cannot start %1: %2")
                                          .arg(m_program, m_process.errorString()));
                         });
    }

    ~FloodProducer()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.disconnect();
            m_process.kill();
            m_process.waitForFinished();
        }
    }

    // Called once, with an empty string when all went well.
    void setOnDone(std::function<void(const QString &error)> onDone)
    {
        m_onDone = std::move(onDone);
    }

    void start()
    {
        m_started = Clock::now();
        startChunk();
    }

    bool isDone() const { return m_done; }
    QString error() const { return m_error; }
    // Messages per second written, from the first redis-cli start to the last one's exit.
    double rate() const { return m_count / secondsBetween(m_started, m_finished); }

    // Waits until the last chunk is written; throws if one failed.
    void finish()
    {
        waitUntil([this] { return m_done; }, QStringLiteral("the flood producer"), StepTimeout);
        if (!m_error.isEmpty())
            fail(m_error);
    }

private:
    void startChunk()
    {
        const int size = std::min(FloodChunk, m_count - m_next);
        m_process.start(m_program,
                        {QStringLiteral("-p"), QString::number(m_port), QStringLiteral("EVAL"),
                         QString::fromUtf8(FillScript), QStringLiteral("1"), m_logKey,
                         QString::number(m_next), QString::number(size),
                         QString::fromLatin1(BenchSender), m_prefix, m_pubsub});
        m_next += size;
    }

    void onFinished(int exitCode, QProcess::ExitStatus status)
    {
        const QByteArray output = m_process.readAll().trimmed();
        // redis-cli prints the script's result, the last id, or the error.
        if (status != QProcess::NormalExit || exitCode != 0 || !StreamId::parse(output))
            return done(QStringLiteral("redis-cli EVAL failed: ") + QString::fromLocal8Bit(output));
        if (m_next >= m_count)
            return done({});
        // Not from within the finished() of the same QProcess.
        QMetaObject::invokeMethod(
            &m_process, [this] { startChunk(); }, Qt::QueuedConnection);
    }

    void done(const QString &error)
    {
        if (m_done)
            return;
        m_finished = Clock::now();
        m_error = error;
        m_done = true;
        if (m_onDone)
            m_onDone(error);
    }

    QProcess m_process;
    QString m_program;
    quint16 m_port;
    QString m_logKey;
    QString m_pubsub;
    QString m_prefix;
    int m_count;
    int m_next = 0;
    bool m_done = false;
    QString m_error;
    Clock::time_point m_started;
    Clock::time_point m_finished;
    std::function<void(const QString &)> m_onDone;
};

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

bool hiredisEquals(const redisReply *reply, const QByteArray &bytes)
{
    return reply->type == REDIS_REPLY_STRING && reply->len == size_t(bytes.size())
        && std::memcmp(reply->str, bytes.constData(), reply->len) == 0;
}

QByteArray hiredisBytes(const redisReply *reply)
{
    return QByteArray(reply->str, qsizetype(reply->len));
}

// A pub/sub push on `channel`: ["message", channel, payload]; returns the payload.
std::optional<QByteArray> hiredisMessage(const redisReply *reply, const QByteArray &channel)
{
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3
        || !hiredisEquals(reply->element[0], QByteArrayLiteral("message"))
        || !hiredisEquals(reply->element[1], channel)
        || reply->element[2]->type != REDIS_REPLY_STRING)
        return std::nullopt;
    return hiredisBytes(reply->element[2]);
}

void hiredisSubscribe(redisContext *context, const QByteArray &channel)
{
    const HiredisReply reply = hiredisCommand(context, {"SUBSCRIBE", channel});
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3
        || !hiredisEquals(reply->element[0], "subscribe"))
        fail(QStringLiteral("hiredis: SUBSCRIBE %1 was not confirmed")
                 .arg(QString::fromUtf8(channel)));
}

// Writes `count` entries to a log with FillScript (no notices), FillChunk per EVAL; returns the
// last id.
QByteArray fillLog(const Bench &bench, const QByteArray &logKey, int count)
{
    const HiredisContext context = hiredisConnect(bench.port());
    const QByteArray prefix = nextCidPrefix();
    QByteArray last;
    for (int first = 0; first < count; first += FillChunk) {
        const int size = std::min(FillChunk, count - first);
        const HiredisReply reply =
            hiredisCommand(context.get(),
                           {"EVAL", FillScript, "1", logKey, QByteArray::number(first),
                            QByteArray::number(size), BenchSender, prefix, QByteArray()});
        if (reply->type != REDIS_REPLY_STRING || !StreamId::parse(hiredisBytes(reply.get())))
            fail(QStringLiteral("filling %1 failed: %2")
                     .arg(QString::fromUtf8(logKey), QString::fromUtf8(hiredisBytes(reply.get()))));
        last = hiredisBytes(reply.get());
    }
    return last;
}

// ---------------------------------------------------------------------------------------------
// 1. Ingest

struct IngestRun
{
    double rate = 0; // messages/s reaching the receiver
    double producerRate = 0;
};

IngestRun oursIngest(const Bench &bench, int run)
{
    const int count = bench.settings.floodMessages;
    const QString channel = QStringLiteral("flood-%1").arg(run);
    const auto session = startSession(bench, QStringLiteral("reader-%1").arg(run), count + 1000);
    MessageLogModel *log = joinAndWait(*session, channel);
    const int before = log->rowCount();

    struct State
    {
        Waiter waiter;
        int firstBatch = 0;
        Clock::time_point first;
        Clock::time_point last;
    } state;
    QObject scope;
    QObject::connect(log, &QAbstractItemModel::rowsInserted, &scope, [&state, log, before, count] {
        const Clock::time_point now = Clock::now();
        const int received = log->rowCount() - before;
        if (state.firstBatch == 0) {
            state.first = now;
            state.firstBatch = received;
        }
        if (received >= count) {
            state.last = now;
            state.waiter.finish();
        }
    });
    QObject::connect(session.get(), &ChatSession::errorOccurred, &scope,
                     [&state](const QString &error) { state.waiter.failWith(error); });

    FloodProducer producer(bench, channel, count);
    producer.setOnDone([&state](const QString &error) {
        if (!error.isEmpty())
            state.waiter.failWith(error);
    });
    producer.start();
    state.waiter.wait(QStringLiteral("#%1: %2 messages into the model").arg(channel).arg(count));
    producer.finish();

    const QString what = QStringLiteral("#%1").arg(channel);
    if (log->rowCount() - before != count)
        fail(QStringLiteral("%1: %2 rows arrived, not %3")
                 .arg(what)
                 .arg(log->rowCount() - before)
                 .arg(count));
    checkRow(*log, before, expectedText(0), what);
    checkRow(*log, before + count / 2, expectedText(count / 2), what);
    checkRow(*log, before + count - 1, expectedText(count - 1), what);
    deleteChannelKeys(bench, channel);
    // The first batch arrived at `first`; the rate is of what came after it.
    if (state.firstBatch >= count)
        fail(QStringLiteral("%1: all %2 messages came in one batch, nothing to time")
                 .arg(what)
                 .arg(count));
    return {(count - state.firstBatch) / secondsBetween(state.first, state.last), producer.rate()};
}

IngestRun rawIngest(const Bench &bench, int run)
{
    const int count = bench.settings.floodMessages;
    const QString channel = QStringLiteral("flood-raw-%1").arg(run);
    const QByteArray pubsub = bench.keys.pubsub(channel);
    const HiredisContext subscriber = hiredisConnect(bench.port());
    hiredisSubscribe(subscriber.get(), pubsub);

    // Written by the reader thread, read here only after joining it.
    struct Result
    {
        Clock::time_point first;
        Clock::time_point last;
        QString error;
    } result;
    std::thread reader([&result, context = subscriber.get(), &pubsub, count] {
        try {
            for (int i = 0; i < count; ++i) {
                const HiredisReply message = hiredisNextReply(context);
                if (i == 0)
                    result.first = Clock::now();
                const auto payload = hiredisMessage(message.get(), pubsub);
                if (!payload || !payload->startsWith('{'))
                    fail(QStringLiteral("hiredis: message %1 did not arrive as a notice").arg(i));
            }
            result.last = Clock::now();
        } catch (const BenchFailure &e) {
            result.error = QString::fromStdString(e.what());
        }
    });

    double producerRate = 0;
    try {
        FloodProducer producer(bench, channel, count);
        producer.start();
        producer.finish();
        producerRate = producer.rate();
    } catch (const BenchFailure &) {
        // Wake the reader up from its blocking read rather than wait for its timeout.
        ::shutdown(subscriber->fd, SHUT_RDWR);
        reader.join();
        throw;
    }
    reader.join();
    if (!result.error.isEmpty())
        fail(result.error);
    deleteChannelKeys(bench, channel);
    return {(count - 1) / secondsBetween(result.first, result.last), producerRate};
}

// ---------------------------------------------------------------------------------------------
// 2. End-to-end latency

struct LatencyRun
{
    Latency latency;
    double sendRate = 0; // what the pacing achieved
};

LatencyRun oursLatency(const Bench &bench, int run)
{
    const int count = bench.settings.latencyMessages;
    const QString channel = QStringLiteral("latency-%1").arg(run);
    const auto receiver =
        startSession(bench, QStringLiteral("latency-rx-%1").arg(run), count + 1000);
    MessageLogModel *log = joinAndWait(*receiver, channel);
    const auto sender = startWorker(bench, QStringLiteral("latency-tx-%1").arg(run));
    RedisWorker *senderWorker = sender->worker();
    sender->run([senderWorker, channel] { senderWorker->joinChannel(channel); });
    if (!sender->waitForJoined(channel))
        fail(QStringLiteral("the sender could not join #%1").arg(channel));

    struct State
    {
        Waiter waiter;
        QHash<QString, Clock::time_point> sentAt;
        std::vector<double> micros;
        int sent = 0;
        Clock::time_point start;
        Clock::time_point lastSent;
    } state;
    state.sentAt.reserve(count);
    state.micros.reserve(size_t(count));

    QObject scope;
    QObject::connect(
        log, &QAbstractItemModel::rowsInserted, &scope,
        [&state, log, count](const QModelIndex &, int first, int last) {
            const Clock::time_point now = Clock::now();
            for (int row = first; row <= last; ++row) {
                // The sender's join line.
                if (log->messageAt(row).type == ChatMessage::Type::Join)
                    continue;
                const QString text = log->index(row).data(MessageLogModel::TextRole).toString();
                const auto it = state.sentAt.constFind(text);
                if (it == state.sentAt.cend())
                    return state.waiter.failWith(QStringLiteral("unexpected row \"%1\"").arg(text));
                state.micros.push_back(microsecondsBetween(*it, now));
            }
            if (int(state.micros.size()) >= count)
                state.waiter.finish();
        });
    QObject::connect(receiver.get(), &ChatSession::errorOccurred, &scope,
                     [&state](const QString &error) { state.waiter.failWith(error); });
    QObject::connect(senderWorker, &RedisWorker::sendFailed, &scope,
                     [&state](const QString &, const QByteArray &, const QString &error) {
                         state.waiter.failWith(QStringLiteral("sending failed: ") + error);
                     });

    // Message i is due at start + i ms; each tick sends what is due (the timer may be late,
    // never early), so the schedule is the baseline's.
    QTimer pacer;
    pacer.setTimerType(Qt::PreciseTimer);
    QObject::connect(&pacer, &QTimer::timeout, &pacer, [&] {
        while (state.sent < count && state.start + state.sent * LatencyInterval <= Clock::now()) {
            const QString text = QStringLiteral("latency %1 message %2").arg(run).arg(state.sent);
            state.sentAt.insert(text, Clock::now());
            QMetaObject::invokeMethod(
                senderWorker,
                [senderWorker, channel, text] { senderWorker->sendMessage(channel, text); },
                Qt::QueuedConnection);
            ++state.sent;
        }
        if (state.sent == count) {
            state.lastSent = Clock::now();
            pacer.stop();
        }
    });
    state.start = Clock::now();
    pacer.start(LatencyInterval.count() / 1000);
    state.waiter.wait(QStringLiteral("#%1: %2 paced messages").arg(channel).arg(count));

    if (int(state.micros.size()) != count || log->rowCount() != count + 2) // and the two joins
        fail(QStringLiteral("#%1: %2 rows arrived, not %3")
                 .arg(channel)
                 .arg(log->rowCount() - 2)
                 .arg(count));
    deleteChannelKeys(bench, channel);
    return {percentiles(std::move(state.micros)),
            (count - 1) / secondsBetween(state.start, state.lastSent)};
}

// A raw side's run: message i is sent at start + i ms by `send(i)` in this thread while
// `receive` fills in when each arrived, in a thread of its own; `abortReceive` makes a blocked
// `receive` return when sending fails.
LatencyRun pacedRawRun(int count, const std::function<void(int)> &send,
                       const std::function<void(std::vector<Clock::time_point> &)> &receive,
                       const std::function<void()> &abortReceive)
{
    std::vector<Clock::time_point> sentAt(static_cast<size_t>(count));
    std::vector<Clock::time_point> arrivedAt(static_cast<size_t>(count));
    QString readerError;
    std::thread reader([&] {
        try {
            receive(arrivedAt);
        } catch (const BenchFailure &e) {
            readerError = QString::fromStdString(e.what());
        }
    });

    const Clock::time_point start = Clock::now();
    try {
        for (int i = 0; i < count; ++i) {
            std::this_thread::sleep_until(start + i * LatencyInterval);
            sentAt[size_t(i)] = Clock::now();
            send(i);
        }
    } catch (const BenchFailure &) {
        abortReceive();
        reader.join();
        throw;
    }
    const Clock::time_point lastSent = sentAt.back();
    reader.join();
    if (!readerError.isEmpty())
        fail(readerError);
    std::vector<double> micros;
    micros.reserve(size_t(count));
    for (size_t i = 0; i < size_t(count); ++i)
        micros.push_back(microsecondsBetween(sentAt[i], arrivedAt[i]));
    return {percentiles(std::move(micros)), (count - 1) / secondsBetween(start, lastSent)};
}

LatencyRun rawLatency(const Bench &bench, int run)
{
    const int count = bench.settings.latencyMessages;
    const QByteArray pubsub = bench.keys.pubsub(QStringLiteral("latency-raw-%1").arg(run));
    const HiredisContext subscriber = hiredisConnect(bench.port());
    const HiredisContext publisher = hiredisConnect(bench.port());
    hiredisSubscribe(subscriber.get(), pubsub);
    // About a line of chat: the raw client carries the message in the notice, as a client that
    // trusted notices would; ours reads it from the log (PROTOCOL.md, "Reading").
    const QByteArray padding(120, 'x');
    return pacedRawRun(
        count,
        [&](int i) {
            const HiredisReply published = hiredisCommand(
                publisher.get(), {"PUBLISH", pubsub, QByteArray::number(i) + ' ' + padding});
            if (published->type != REDIS_REPLY_INTEGER || published->integer != 1)
                fail(QStringLiteral("hiredis: PUBLISH did not reach exactly one subscriber"));
        },
        [&](std::vector<Clock::time_point> &arrivedAt) {
            for (int i = 0; i < count; ++i) {
                const HiredisReply message = hiredisNextReply(subscriber.get());
                arrivedAt[size_t(i)] = Clock::now();
                const auto payload = hiredisMessage(message.get(), pubsub);
                if (!payload || !payload->startsWith(QByteArray(QByteArray::number(i) + ' ')))
                    fail(QStringLiteral("hiredis: message %1 did not arrive as sent").arg(i));
            }
        },
        [&] { ::shutdown(subscriber->fd, SHUT_RDWR); });
}

// The same work as ours, done by a raw client: the post script (EVALSHA, exactly as
// RedisWorker::post calls it) on the sender's connection; on the receiver's side the notice on a
// subscriber connection, then, as PROTOCOL.md's "Reading" requires, an XRANGE of the log after
// the last id read on a second connection (skipping notices for ids already read), and the
// message is there when that reply is in. Blocking hiredis, no event loop, no models.
LatencyRun rawProtocolLatency(const Bench &bench, int run)
{
    const int count = bench.settings.latencyMessages;
    const QString channel = QStringLiteral("latency-v2-%1").arg(run);
    const ChatConfig config = configFor(bench, QStringLiteral("raw-v2-tx"));
    const QByteArray from = "raw-v2-tx";
    const QByteArray logKey = bench.keys.log(channel);
    const QByteArray pubsub = bench.keys.pubsub(channel);
    const HiredisContext subscriber = hiredisConnect(bench.port());
    const HiredisContext reader = hiredisConnect(bench.port());
    const HiredisContext sender = hiredisConnect(bench.port());
    const RedisScript &script = ChatScripts::post();
    const HiredisReply loaded = hiredisCommand(sender.get(), {"SCRIPT", "LOAD", script.source()});
    if (!hiredisEquals(loaded.get(), script.sha1()))
        fail(QStringLiteral("hiredis: SCRIPT LOAD did not return the post script's sha1"));
    const auto post = [&](const QByteArray &type, const QByteArray &text) {
        const QByteArray cid = ChatKeys::newCid();
        HiredisReply reply = hiredisCommand(
            sender.get(),
            {"EVALSHA", script.sha1(), "4", logKey, bench.keys.sent(channel, cid),
             bench.keys.info(channel), bench.keys.members(channel), pubsub,
             QByteArray::number(config.retention), QByteArray::number(config.maxTextBytes),
             QByteArray::number(config.dedupeSeconds), type, from, text, cid,
             QByteArray::number(ChatScripts::ProtocolVersion), channel.toUtf8(), QByteArray(),
             "publish"});
        if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2
            || reply->element[0]->type != REDIS_REPLY_STRING)
            fail(QStringLiteral("hiredis: the post script refused a %1")
                     .arg(QString::fromUtf8(type)));
        return StreamId::parse(hiredisBytes(reply->element[0])).value_or(StreamId{});
    };
    hiredisSubscribe(subscriber.get(), pubsub);
    const StreamId joined = post("join", QByteArray());
    // The join's own notice, read before the clock starts.
    hiredisNextReply(subscriber.get());

    const LatencyRun result = pacedRawRun(
        count,
        [&](int i) {
            // As long as ours: "latency R message N".
            post("msg", QByteArray::number(i) + " latency " + QByteArray::number(run) + " raw");
        },
        [&](std::vector<Clock::time_point> &arrivedAt) {
            StreamId last = joined;
            int received = 0;
            while (received < count) {
                const HiredisReply message = hiredisNextReply(subscriber.get());
                const auto notice = hiredisMessage(message.get(), pubsub);
                if (!notice)
                    fail(QStringLiteral("hiredis: not a notice on %1").arg(channel));
                const std::optional<StreamId> named = MessageCodec::noticeId(*notice);
                if (named && *named <= last)
                    continue; // read already
                const HiredisReply entries =
                    hiredisCommand(reader.get(),
                                   {"XRANGE", logKey, "(" + last.toByteArray(), "+", "COUNT",
                                    QByteArray::number(CatchUpPage)});
                const Clock::time_point now = Clock::now();
                if (entries->type != REDIS_REPLY_ARRAY)
                    fail(QStringLiteral("hiredis: XRANGE of %1 failed").arg(channel));
                for (size_t e = 0; e < entries->elements; ++e) {
                    const redisReply *entry = entries->element[e];
                    last = StreamId::parse(hiredisBytes(entry->element[0])).value_or(last);
                    const redisReply *fields = entry->element[1];
                    QByteArray type;
                    QByteArray text;
                    for (size_t f = 0; f + 1 < fields->elements; f += 2) {
                        if (hiredisEquals(fields->element[f], "type"))
                            type = hiredisBytes(fields->element[f + 1]);
                        else if (hiredisEquals(fields->element[f], "text"))
                            text = hiredisBytes(fields->element[f + 1]);
                    }
                    if (type != "msg")
                        continue;
                    const int i = text.left(text.indexOf(' ')).toInt();
                    if (i != received)
                        fail(QStringLiteral("hiredis: message %1 came as %2").arg(received).arg(i));
                    arrivedAt[size_t(i)] = now;
                    ++received;
                }
            }
        },
        [&] { ::shutdown(subscriber->fd, SHUT_RDWR); });
    deleteChannelKeys(bench, channel);
    return result;
}

// ---------------------------------------------------------------------------------------------
// 3. First screen

struct FirstScreenRun
{
    double ms = 0;
    qint64 logLengthAfter = 0;
};

// joinChannel() until the model holds the newest page; a fresh session (and user) each time.
FirstScreenRun oursFirstScreen(const Bench &bench, const QString &channel, int run, int retention)
{
    const QString user = QStringLiteral("screen-%1").arg(run);
    const auto session = startSession(bench, user, MessageLogModel::DefaultMaxRows, retention);

    Waiter waiter;
    QObject scope;
    MessageLogModel *log = nullptr;
    Clock::time_point end;
    const auto check = [&] {
        if (log->rowCount() >= FirstPageRows) {
            end = Clock::now();
            waiter.finish();
        }
    };
    QObject::connect(session.get(), &ChatSession::channelJoined, &scope, [&](const QString &name) {
        if (name != channel || log)
            return;
        log = session->log(name);
        if (!log)
            return waiter.failWith(QStringLiteral("joined, but there is no model"));
        QObject::connect(log, &QAbstractItemModel::rowsInserted, &scope, check);
        check();
    });
    QObject::connect(session.get(), &ChatSession::errorOccurred, &scope,
                     [&waiter](const QString &error) { waiter.failWith(error); });

    const Clock::time_point start = Clock::now();
    session->joinChannel(channel);
    waiter.wait(QStringLiteral("first screen of #%1").arg(channel));

    const QString what = QStringLiteral("first screen of #%1").arg(channel);
    if (log->rowCount() != FirstPageRows)
        fail(QStringLiteral("%1: %2 rows, not %3")
                 .arg(what)
                 .arg(log->rowCount())
                 .arg(FirstPageRows));
    const ChatMessage newest = log->messageAt(FirstPageRows - 1);
    if (newest.type != ChatMessage::Type::Join || newest.from != user)
        fail(QStringLiteral("%1: the newest row is not %2's join").arg(what, user));
    const qint64 length = bench.server.command({"XLEN", bench.keys.log(channel)}).toInteger();
    return {millisecondsBetween(start, end), length};
}

double rawFirstScreen(const Bench &bench, const QString &channel)
{
    const HiredisContext context = hiredisConnect(bench.port());
    const Clock::time_point start = Clock::now();
    const HiredisReply page = hiredisCommand(context.get(),
                                             {"XREVRANGE", bench.keys.log(channel), "+", "-",
                                              "COUNT", QByteArray::number(FirstPageRows)});
    const Clock::time_point end = Clock::now();
    if (page->type != REDIS_REPLY_ARRAY || page->elements != size_t(FirstPageRows))
        fail(QStringLiteral("hiredis: XREVRANGE did not return %1 entries").arg(FirstPageRows));
    return millisecondsBetween(start, end);
}

// ---------------------------------------------------------------------------------------------
// 4. Catch-up

// watchChannel(after) on a fresh worker until every entry after `after` is in a model fed as
// ChatSession feeds its own.
double oursCatchUp(const Bench &bench, const QString &channel, const StreamId &after, int run)
{
    const int count = bench.settings.catchUpEntries;
    const auto worker = startWorker(bench, QStringLiteral("catchup-%1").arg(run));
    RedisWorker *w = worker->worker();
    MessageLogModel model(channel);
    model.setMaxRows(count + 100);

    Waiter waiter;
    QObject scope;
    Clock::time_point end;
    QObject::connect(w, &RedisWorker::messagesReceived, &scope,
                     [&](const QString &name, const ChatMessageList &batch) {
                         if (name != channel)
                             return;
                         model.appendMessages(batch);
                         if (model.rowCount() >= count) {
                             end = Clock::now();
                             waiter.finish();
                         }
                     });
    QObject::connect(w, &RedisWorker::historyLoaded, &scope, [&waiter] {
        waiter.failWith(QStringLiteral("the newest page came instead of a catch-up"));
    });
    QObject::connect(w, &RedisWorker::errorOccurred, &scope,
                     [&waiter](const QString &error) { waiter.failWith(error); });

    const Clock::time_point start = Clock::now();
    QMetaObject::invokeMethod(
        w, [w, channel, after] { w->watchChannel(channel, after); }, Qt::QueuedConnection);
    waiter.wait(QStringLiteral("catching up on #%1").arg(channel));

    const QString what = QStringLiteral("catch-up of #%1").arg(channel);
    if (model.rowCount() != count)
        fail(QStringLiteral("%1: %2 rows, not %3").arg(what).arg(model.rowCount()).arg(count));
    checkRow(model, 0, expectedText(0), what);
    checkRow(model, count / 2, expectedText(count / 2), what);
    checkRow(model, count - 1, expectedText(count - 1), what);
    return millisecondsBetween(start, end);
}

double rawCatchUp(const Bench &bench, const QString &channel, const StreamId &after)
{
    const int count = bench.settings.catchUpEntries;
    const QByteArray key = bench.keys.log(channel);
    const HiredisContext context = hiredisConnect(bench.port());
    QByteArray cursor = after.toByteArray();
    int received = 0;
    const Clock::time_point start = Clock::now();
    for (;;) {
        const HiredisReply page = hiredisCommand(
            context.get(),
            {"XRANGE", key, '(' + cursor, "+", "COUNT", QByteArray::number(CatchUpPage)});
        if (page->type != REDIS_REPLY_ARRAY)
            fail(QStringLiteral("hiredis: XRANGE did not return an array"));
        received += int(page->elements);
        if (page->elements < size_t(CatchUpPage))
            break;
        const redisReply *lastEntry = page->element[page->elements - 1];
        if (lastEntry->type != REDIS_REPLY_ARRAY || lastEntry->elements < 1)
            fail(QStringLiteral("hiredis: XRANGE returned a malformed entry"));
        cursor = hiredisBytes(lastEntry->element[0]);
    }
    const Clock::time_point end = Clock::now();
    if (received != count)
        fail(QStringLiteral("hiredis: XRANGE paging found %1 entries, not %2")
                 .arg(received)
                 .arg(count));
    return millisecondsBetween(start, end);
}

// ---------------------------------------------------------------------------------------------
// The measurements

struct Notes
{
    QStringList lines;
};

// "812, 790, 1033": the runs behind a median.
QString joinRuns(const std::vector<double> &values, int decimals)
{
    QStringList runs;
    for (double value : values)
        runs << QString::number(value, 'f', decimals);
    return runs.join(QStringLiteral(", "));
}

// The time redis-server spent in `command` since the last CONFIG RESETSTAT.
double serverMilliseconds(const Bench &bench, const QByteArray &command)
{
    const RedisReply info = bench.server.command({"INFO", "commandstats"});
    const QByteArray prefix = "cmdstat_" + command + ':';
    for (const QByteArray &line : info.bytes().split('\n')) {
        if (!line.startsWith(prefix))
            continue;
        for (const QByteArray &field : line.mid(prefix.size()).trimmed().split(',')) {
            if (field.startsWith("usec="))
                return field.mid(5).toDouble() / 1000;
        }
    }
    return 0;
}

Figure measureIngest(const Bench &bench, Notes &notes)
{
    const auto [ours, raw] = alternate(
        bench.settings.repeats, [&](int run) { return oursIngest(bench, run); },
        [&](int run) { return rawIngest(bench, run); });
    std::vector<double> oursRates;
    std::vector<double> rawRates;
    std::vector<double> producerRates;
    for (const IngestRun &r : ours) {
        oursRates.push_back(r.rate);
        producerRates.push_back(r.producerRate);
    }
    for (const IngestRun &r : raw) {
        rawRates.push_back(r.rate);
        producerRates.push_back(r.producerRate);
    }
    notes.lines << QStringLiteral(
                       "ingest: the producer wrote %1 msg/s (median, entry + notice each, "
                       "%2 per redis-cli EVAL); per run, ours %3 msg/s, raw %4 msg/s")
                       .arg(median(producerRates), 0, 'f', 0)
                       .arg(FloodChunk)
                       .arg(joinRuns(oursRates, 0), joinRuns(rawRates, 0));
    return {QStringLiteral("ingest to the model"),
            QStringLiteral("msg/s"),
            median(oursRates),
            median(rawRates),
            false,
            Figure::Target::Ratio,
            MinIngestRatio};
}

QList<Figure> measureLatency(const Bench &bench, Notes &notes)
{
    // Three sides, alternated run by run.
    std::vector<LatencyRun> ours, protocol, bare;
    for (int run = 0; run < bench.settings.repeats; ++run) {
        ours.push_back(oursLatency(bench, run));
        protocol.push_back(rawProtocolLatency(bench, run));
        bare.push_back(rawLatency(bench, run));
    }
    const auto column = [](const std::vector<LatencyRun> &runs, double Latency::*field) {
        std::vector<double> values;
        for (const LatencyRun &r : runs)
            values.push_back(r.latency.*field);
        return values;
    };
    const auto rates = [](const std::vector<LatencyRun> &runs) {
        std::vector<double> values;
        for (const LatencyRun &r : runs)
            values.push_back(r.sendRate);
        return median(values);
    };
    notes.lines << QStringLiteral("latency: sent at %1 msg/s (ours), %2 (raw v2 work), %3 (bare "
                                  "pub/sub)")
                       .arg(rates(ours), 0, 'f', 0)
                       .arg(rates(protocol), 0, 'f', 0)
                       .arg(rates(bare), 0, 'f', 0);
    notes.lines << QStringLiteral("latency p50 per run: ours %1 us, raw v2 work %2 us, bare %3 us")
                       .arg(joinRuns(column(ours, &Latency::p50), 0),
                            joinRuns(column(protocol, &Latency::p50), 0),
                            joinRuns(column(bare, &Latency::p50), 0));
    notes.lines << QStringLiteral("latency p99 per run: ours %1 us, raw v2 work %2 us, bare %3 us")
                       .arg(joinRuns(column(ours, &Latency::p99), 0),
                            joinRuns(column(protocol, &Latency::p99), 0),
                            joinRuns(column(bare, &Latency::p99), 0));
    const QString unit = QStringLiteral("us");
    const double oursP99 = median(column(ours, &Latency::p99));
    return {
        {QStringLiteral("e2e p50 @1k/s vs raw v2 work"), unit, median(column(ours, &Latency::p50)),
         median(column(protocol, &Latency::p50)), true, Figure::Target::Ratio, MaxLatencyRatio},
        {QStringLiteral("e2e p99 @1k/s vs raw v2 work"), unit, oursP99,
         median(column(protocol, &Latency::p99)), true, Figure::Target::Ratio, MaxLatencyRatio},
        {QStringLiteral("e2e p99 @1k/s vs bare pub/sub"), unit, oursP99,
         median(column(bare, &Latency::p99)), true, Figure::Target::Absolute, MaxLatencyP99Us},
    };
}

QString entriesName(int count)
{
    return count >= 1000000 ? QStringLiteral("%1M").arg(count / 1000000)
                            : QStringLiteral("%1k").arg(count / 1000);
}

Figure measureFirstScreen(const Bench &bench, Notes &notes)
{
    const int entries = bench.settings.historyEntries;
    const QString channel = QStringLiteral("history");
    const Clock::time_point fillStart = Clock::now();
    fillLog(bench, bench.keys.log(channel), entries);
    progress(QStringLiteral("  filled %1 entries in %2 s")
                 .arg(entries)
                 .arg(secondsBetween(fillStart, Clock::now()), 0, 'f', 1));

    const auto [ours, raw] = alternate(
        FirstScreenRepeats,
        [&](int run) { return oursFirstScreen(bench, channel, run, BenchRetention).ms; },
        [&](int) { return rawFirstScreen(bench, channel); });

    // Once more as a client with the default retention would: its join trims the log first.
    const ChatConfig defaults;
    const FirstScreenRun trimmed =
        oursFirstScreen(bench, channel, FirstScreenRepeats, defaults.retention);
    notes.lines << QStringLiteral(
                       "first screen: per run, ours %1 ms, raw %2 ms; with the default "
                       "retention (%3) the join itself trims the log (XADD MAXLEN ~), %4 "
                       "-> %5 entries: %6 ms")
                       .arg(joinRuns(ours, 1), joinRuns(raw, 2))
                       .arg(defaults.retention)
                       .arg(entries + FirstScreenRepeats)
                       .arg(trimmed.logLengthAfter)
                       .arg(trimmed.ms, 0, 'f', 1);
    deleteChannelKeys(bench, channel);
    return {QStringLiteral("first screen, %1 log").arg(entriesName(entries)),
            QStringLiteral("ms"),
            median(ours),
            median(raw),
            true,
            Figure::Target::Absolute,
            MaxFirstScreenMs};
}

Figure measureCatchUp(const Bench &bench, Notes &notes)
{
    const int count = bench.settings.catchUpEntries;
    const QString channel = QStringLiteral("catchup");
    const QByteArray key = bench.keys.log(channel);
    // The last entry the client saw, then everything it missed.
    const RedisReply marker =
        bench.server.command({"XADD", key, "*", "v", "1", "type", "msg", "from", BenchSender,
                              "text", "seen before going offline", "cid", QByteArray(32, 'f')});
    const auto after = StreamId::parse(marker.bytes());
    if (!after)
        fail(QStringLiteral("XADD of the catch-up marker failed: ") + marker.toDebugString());
    fillLog(bench, key, count);

    // How much of each run the server spent in XRANGE: the part no client can save.
    struct Run
    {
        double ms = 0;
        double serverMs = 0;
    };
    const auto measured = [&bench](auto measure) {
        bench.server.command({"CONFIG", "RESETSTAT"});
        const double ms = measure();
        return Run{ms, serverMilliseconds(bench, "xrange")};
    };
    const auto [ours, raw] = alternate(
        bench.settings.repeats,
        [&](int run) { return measured([&] { return oursCatchUp(bench, channel, *after, run); }); },
        [&](int) { return measured([&] { return rawCatchUp(bench, channel, *after); }); });
    deleteChannelKeys(bench, channel);
    std::vector<double> oursMs, rawMs, oursServer, rawServer;
    for (const Run &r : ours) {
        oursMs.push_back(r.ms);
        oursServer.push_back(r.serverMs);
    }
    for (const Run &r : raw) {
        rawMs.push_back(r.ms);
        rawServer.push_back(r.serverMs);
    }
    notes.lines << QStringLiteral(
                       "catch-up: per run, ours %1 ms, raw %2 ms; of which redis-server in "
                       "XRANGE (median) %3 ms for ours, %4 ms for raw")
                       .arg(joinRuns(oursMs, 0), joinRuns(rawMs, 0))
                       .arg(median(oursServer), 0, 'f', 0)
                       .arg(median(rawServer), 0, 'f', 0);
    return {QStringLiteral("catch-up %1 missed").arg(entriesName(count)),
            QStringLiteral("ms"),
            median(oursMs),
            median(rawMs),
            true,
            Figure::Target::Absolute,
            MaxCatchUpMs};
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
        return QString(humanNumber(value) + QLatin1Char(' ') + f.unit).leftJustified(13);
    };
    QString target = QStringLiteral("-");
    const QString mark = f.meetsTarget() ? QStringLiteral("meets") : QStringLiteral("below");
    switch (f.target) {
    case Figure::Target::None:
        break;
    case Figure::Target::Ratio:
        target = QStringLiteral("%1 %2x  %3")
                     .arg(f.lowerIsBetter ? QStringLiteral("<=") : QStringLiteral(">="))
                     .arg(f.targetValue, 0, 'f', 2)
                     .arg(mark);
        break;
    case Figure::Target::Absolute:
        target = QStringLiteral("%1 %2 %3  %4")
                     .arg(f.lowerIsBetter ? QStringLiteral("<") : QStringLiteral(">="))
                     .arg(humanNumber(f.targetValue), f.unit, mark);
        break;
    }
    return f.name.leftJustified(30) + QStringLiteral("ours ") + side(f.ours)
        + QStringLiteral("raw ") + side(f.baseline)
        + QStringLiteral("ratio %1").arg(f.ratio(), 0, 'f', 2).leftJustified(13)
        + QStringLiteral("target ") + target;
}

void printLine(const QString &line)
{
    std::printf("%s\n", qPrintable(line));
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

// The 1-minute load average (Linux), to tell figures taken on a busy machine.
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

// The measurements by the names the command line gives them.
const QStringList &sectionNames()
{
    static const QStringList names{QStringLiteral("ingest"), QStringLiteral("latency"),
                                   QStringLiteral("first-screen"), QStringLiteral("catch-up")};
    return names;
}

int run(bool quick, const QStringList &sections)
{
    // A subscriber that falls behind the flood must be measured, not disconnected by the
    // server's output buffer limit for pub/sub clients (32 MB by default).
    Test::RedisServerFixture::Config config;
    config.extraConfig << QStringLiteral("client-output-buffer-limit pubsub 0 0 0");
    Test::RedisServerFixture server(config);
    if (!server.start())
        fail(QStringLiteral("cannot start redis-server: ") + server.errorString());

    const Bench bench{server, Settings::make(quick), ChatKeys()};
    const QString loadBefore = loadAverage();
    QList<Figure> figures;
    Notes notes;
    const Clock::time_point begin = Clock::now();
    const auto wanted = [&sections](const QString &name) {
        return sections.isEmpty() || sections.contains(name);
    };
    if (wanted(QStringLiteral("ingest")))
        figures << timed(QStringLiteral("ingest"), [&] { return measureIngest(bench, notes); });
    if (wanted(QStringLiteral("latency")))
        figures << timed(QStringLiteral("end-to-end latency"),
                         [&] { return measureLatency(bench, notes); });
    if (wanted(QStringLiteral("first-screen")))
        figures << timed(QStringLiteral("first screen"),
                         [&] { return measureFirstScreen(bench, notes); });
    if (wanted(QStringLiteral("catch-up")))
        figures << timed(QStringLiteral("catch-up"), [&] { return measureCatchUp(bench, notes); });

    const Settings &s = bench.settings;
    printLine(
        QStringLiteral("Confab chat pipeline (ChatSession + RedisWorker + MessageLogModel) vs raw "
                       "blocking hiredis %1.%2.%3, redis-server %4, Qt %5")
            .arg(HIREDIS_MAJOR)
            .arg(HIREDIS_MINOR)
            .arg(HIREDIS_PATCH)
            .arg(serverVersion(server), QString::fromLatin1(qVersion())));
    printLine(
        QStringLiteral(
            "mode: %1, median of %2 runs (first screen: %3 fresh sessions); ratio = ours / raw")
            .arg(s.quick ? QStringLiteral("quick (sizes / %1)").arg(QuickDivisor)
                         : QStringLiteral("full"))
            .arg(s.repeats)
            .arg(FirstScreenRepeats));
    printLine(QStringLiteral(
                  "sizes: %1 flooded messages, %2 paced messages, %3-entry log, %4 missed entries")
                  .arg(s.floodMessages)
                  .arg(s.latencyMessages)
                  .arg(s.historyEntries)
                  .arg(s.catchUpEntries));
    printLine(QStringLiteral(
                  "machine: %1 cores, load average %2 before, %3 after; redis-server, the flood "
                  "producer and the client (GUI + worker threads) share them")
                  .arg(QThread::idealThreadCount())
                  .arg(loadBefore, loadAverage()));
    printLine({});
    for (const Figure &f : figures)
        printLine(formatRow(f));
    printLine({});
    printLine(QStringLiteral(
                  "raw: ingest = a hiredis SUBSCRIBE thread; latency vs v2 work = hiredis "
                  "EVALSHA of the post script -> notice on SUBSCRIBE -> XRANGE after the last id "
                  "on a second connection; latency vs bare pub/sub = hiredis PUBLISH thread -> "
                  "hiredis SUBSCRIBE thread; first screen = one XREVRANGE COUNT %1; catch-up = "
                  "XRANGE paging, COUNT %2")
                  .arg(FirstPageRows)
                  .arg(CatchUpPage));
    printLine(QStringLiteral(
        "ours: ingest and first screen into ChatSession's model (channel not current); "
        "latency = RedisWorker sendMessage -> ChatSession's model; catch-up = "
        "RedisWorker watchChannel(after) -> a MessageLogModel"));
    for (const QString &line : std::as_const(notes.lines))
        printLine(line);
    printLine(QStringLiteral("total %1 s").arg(secondsBetween(begin, Clock::now()), 0, 'f', 1));
    return 0;
}

} // namespace
} // namespace Confab

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList sections = app.arguments().mid(1);
    const bool quick = sections.removeAll(QStringLiteral("--quick")) > 0;
    for (const QString &section : std::as_const(sections)) {
        if (!Confab::sectionNames().contains(section)) {
            std::fprintf(stderr, "usage: bench_chat [--quick] [%s...]\n",
                         qPrintable(Confab::sectionNames().join(u'|')));
            return 2;
        }
    }
    try {
        return Confab::run(quick, sections);
    } catch (const Confab::BenchFailure &e) {
        std::fprintf(stderr, "bench_chat: FAILED: %s\n", e.what());
        return 1;
    }
}
