// The GUI under load, in one binary: a real MainWindow on a ChatSession, on a redis-server of
// its own, run offscreen. Two things are measured, with the targets from the issue:
//
// 1. Stalls of the GUI thread while another thread floods the open channel with 50k messages/s
//    (stream entries and their complete pub/sub notices, as many busy senders would write
//    them): a 5 ms precise timer on the GUI thread records how late each tick comes. The longest
//    stall must stay under 50 ms. The baseline is the same timer with the window idle; the
//    log's repaints per second, how many messages reached the model, how fast and how late, and
//    where the CPU time went (per thread, and on the GUI thread per event) are reported beside
//    it.
// 2. Memory with 20 channels of 10k messages each held in the models and opened once in the
//    window: resident set size (VmRSS) before and after, and per message. Target: under 80 MB.
// 3. soak (only when asked for, it takes half an hour): the window open on 20 channels while
//    1,000 messages a second arrive across them, RSS and heap sampled every minute; it prints
//    the samples and the slope (least squares) over the last two thirds of the run, once every
//    model is full (10,000 rows each, at 50 messages a second after about 200 s). Target:
//    flat, under 0.1 MB a minute.
//
// It exits 0 whatever the figures are; only something functionally broken (messages lost, a
// log that cannot be paged back, the server or a connection failing) makes it print why and
// exit 1.
//
// Usage: bench_gui [--quick] [stall] [memory] [soak [--minutes N]]   (--quick: a 1 s flood and 5
// channels of 2k messages, for CI; naming sections runs only those; soak runs only when named,
// for 30 minutes unless --minutes says otherwise)
//
// To see where the GUI thread's time goes: valgrind --tool=callgrind --collect-atstart=no
// bench_gui --quick stall profiles the GUI thread during the floods only (callgrind_annotate
// the file of thread 1); perf record --call-graph dwarf works too. For memory: valgrind
// --tool=massif bench_gui --quick memory.

#include "RedisServerFixture.h"
#include "ThreadedWorker.h"

#include "AppSettings.h"
#include "MainWindow.h"
#include "MessageDelegate.h"
#include "MessageLogView.h"

#include "chat/ChatKeys.h"
#include "chat/ChatScripts.h"
#include "local/AllocatorTuning.h"
#include "model/ChatSession.h"
#include "model/MessageLogModel.h"

#include <hiredis/hiredis.h>

#include <QApplication>
#include <QDateTime>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QMetaEnum>
#include <QPointer>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <pthread.h>
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#define CALLGRIND_TOGGLE_COLLECT
#endif
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
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

constexpr int FullRepeats = 3;
constexpr int QuickRepeats = 3;

// The flood: FloodRate messages/s in pipelined batches of FloodBatch, one batch per
// FloodInterval, for FloodDuration (--quick: QuickFloodDuration).
constexpr int FloodRate = 50000;
constexpr int FloodBatch = 500;
constexpr std::chrono::microseconds FloodInterval(1000000LL * FloodBatch / FloodRate);
constexpr std::chrono::milliseconds FloodDuration = 5s;
constexpr std::chrono::milliseconds QuickFloodDuration = 1s;
constexpr char FloodChannel[] = "flood";
constexpr char FloodSender[] = "flooder";

// The GUI thread's probe.
constexpr std::chrono::milliseconds TickInterval = 5ms;
constexpr double MaxStallMs = 50;

// Memory: Channels logs of MessagesPerChannel rows each (--quick: the Quick* sizes).
constexpr int Channels = 20;
constexpr int MessagesPerChannel = 10000;
constexpr int QuickChannels = 5;
constexpr int QuickMessagesPerChannel = 2000;
constexpr double MaxRssMb = 80;

// The soak: SoakRate messages a second across SoakChannels channels, for --minutes.
constexpr int SoakChannels = 20;
constexpr int SoakRate = 1000;
constexpr int SoakDefaultMinutes = 30;
constexpr std::chrono::milliseconds SoakSampleInterval = 60s;
constexpr double MaxSoakSlopeMbPerMinute = 0.1;
constexpr int FillChunk = 1000;

constexpr QSize WindowSize(1100, 700);
// Time for what the last step set off (layouts, repaints, late replies) to settle.
constexpr std::chrono::milliseconds SettleTime = 300ms;

// Anything that takes longer than this is hung, not slow (under valgrind, 20 times as long).
constexpr std::chrono::milliseconds StepTimeout = 180s;
constexpr std::chrono::milliseconds SetupTimeout = 30s;
constexpr int ValgrindSlowdown = 20;
constexpr timeval HiredisTimeout{180, 0};

// Stream entries as the post script writes them (PROTOCOL.md, "Stream entries"), without
// notices: nobody listens yet. Texts of 30 to 120 characters, from a dozen authors.
// KEYS[1]: the log. ARGV: first index, count, cid prefix (8 hex digits). Returns the last id.
const char FillScript[] = R"lua(
local first, count, prefix = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local authors = {'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan',
                 'judy', 'mallory', 'oscar'}
local id
for i = first, first + count - 1 do
  local text = 'message ' .. i .. ' of the benchmark,' .. string.rep(' more words', i % 9)
  id = redis.call('XADD', KEYS[1], '*', 'v', '1', 'type', 'msg', 'from',
                  authors[(i * 7) % #authors + 1], 'text', text,
                  'cid', string.format('%s%024d', prefix, i))
end
return id
)lua";

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

// A fresh 8-hex-digit prefix per use, so that cids stay unique across runs.
QByteArray nextCidPrefix()
{
    static int counter = 0;
    return QByteArray::number(++counter, 16).rightJustified(8, '0');
}

// The sizes of one run.
struct Settings
{
    bool quick = false;
    int repeats = FullRepeats;
    std::chrono::milliseconds floodDuration = FloodDuration;
    int channels = Channels;
    int messagesPerChannel = MessagesPerChannel;

    int floodMessages() const { return int(FloodRate * floodDuration.count() / 1000); }

    static Settings make(bool quick)
    {
        Settings s;
        if (quick) {
            s.quick = true;
            s.repeats = QuickRepeats;
            s.floodDuration = QuickFloodDuration;
            s.channels = QuickChannels;
            s.messagesPerChannel = QuickMessagesPerChannel;
        }
        return s;
    }
};

double median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const size_t mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

// Nearest rank.
double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto rank = size_t(std::ceil(p * double(values.size())));
    return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

void progress(const QString &line)
{
    std::fprintf(stderr, "%s\n", qPrintable(line));
    std::fflush(stderr);
}

// ---------------------------------------------------------------------------------------------
// Waiting without blocking the GUI thread

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
    void wait(const QString &what, std::chrono::milliseconds timeout)
    {
        if (RUNNING_ON_VALGRIND)
            timeout *= ValgrindSlowdown;
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

// Runs the event loop until `ready()` holds, asking it every millisecond.
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

// Runs the event loop for a while.
void runEventLoop(std::chrono::milliseconds duration)
{
    QEventLoop loop;
    QTimer::singleShot(duration, Qt::PreciseTimer, &loop, &QEventLoop::quit);
    loop.exec();
}

// ---------------------------------------------------------------------------------------------
// Plain blocking hiredis, for setting up and for the flood

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

QByteArray hiredisBytes(const redisReply *reply)
{
    return reply->str ? QByteArray(reply->str, qsizetype(reply->len)) : QByteArray();
}

void hiredisAppend(redisContext *context, const QList<QByteArray> &args)
{
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    argv.reserve(size_t(args.size()));
    lengths.reserve(size_t(args.size()));
    for (const QByteArray &arg : args) {
        argv.push_back(arg.constData());
        lengths.push_back(size_t(arg.size()));
    }
    if (redisAppendCommandArgv(context, int(argv.size()), argv.data(), lengths.data()) != REDIS_OK)
        fail(hiredisError(context));
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
    hiredisAppend(context, args);
    return hiredisNextReply(context);
}

// Writes `count` entries to a log with FillScript, FillChunk per EVAL.
void fillLog(quint16 port, const QByteArray &logKey, int count)
{
    const HiredisContext context = hiredisConnect(port);
    const QByteArray prefix = nextCidPrefix();
    for (int first = 0; first < count; first += FillChunk) {
        const int size = std::min(FillChunk, count - first);
        const HiredisReply reply =
            hiredisCommand(context.get(),
                           {"EVAL", FillScript, "1", logKey, QByteArray::number(first),
                            QByteArray::number(size), prefix});
        if (reply->type != REDIS_REPLY_STRING)
            fail(QStringLiteral("filling %1 failed: %2")
                     .arg(QString::fromUtf8(logKey), QString::fromUtf8(hiredisBytes(reply.get()))));
    }
}

// Writes `count` messages to a channel as PROTOCOL.md describes them: an XADD of the entry and
// a PUBLISH of its complete notice each, FloodBatch of them pipelined (no MULTI) per
// FloodInterval, from a thread of its own over a blocking connection. Nothing it does waits for
// the GUI thread. (The post script would do the same plus its checks, but costs redis-server
// several times as much: on two shared cores it cannot run 50k times a second.)
class FloodProducer
{
public:
    FloodProducer(quint16 port, const QString &channel, int count)
        : m_port(port)
        , m_channel(channel)
        , m_count(count)
        , m_cidPrefix(nextCidPrefix())
    { }

    ~FloodProducer()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }

    void start()
    {
        m_thread = std::thread([this] {
            pthread_setname_np(pthread_self(), "flood-producer");
            try {
                produce();
            } catch (const BenchFailure &e) {
                m_error = QString::fromStdString(e.what());
            }
            m_end = Clock::now();
            timespec cpu{};
            if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu) == 0)
                m_cpuSeconds = double(cpu.tv_sec) + double(cpu.tv_nsec) / 1e9;
        });
    }

    // Waits until all is sent; throws if that failed.
    void finish()
    {
        if (m_thread.joinable())
            m_thread.join();
        if (!m_error.isEmpty())
            fail(QStringLiteral("flooding #%1: %2").arg(m_channel, m_error));
    }

    // Messages the server has accepted so far; from any thread.
    int sent() const { return m_sent.load(std::memory_order_acquire); }
    // After finish(): messages/s achieved.
    double rate() const { return m_sent / secondsBetween(m_start, m_end); }
    // After finish(): the CPU time its thread used.
    double cpuSeconds() const { return m_cpuSeconds; }

private:
    void produce()
    {
        const HiredisContext context = hiredisConnect(m_port);
        const ChatKeys keys;
        const QByteArray log = keys.log(m_channel);
        const QByteArray pubsub = keys.pubsub(m_channel);
        const QByteArray retention = QByteArray::number(ChatConfig().retention);
        const QByteArray version = QByteArray::number(ChatScripts::ProtocolVersion);

        // Ids are set here, so that each notice can carry its entry's id without waiting for
        // the XADD: the wall clock's millisecond (the server's, on this machine) and a sequence
        // number, above whatever the log holds already.
        StreamId last;
        const HiredisReply newest =
            hiredisCommand(context.get(), {"XREVRANGE", log, "+", "-", "COUNT", "1"});
        if (newest->type == REDIS_REPLY_ARRAY && newest->elements == 1
            && newest->element[0]->type == REDIS_REPLY_ARRAY && newest->element[0]->elements > 0) {
            last = StreamId::parse(hiredisBytes(newest->element[0]->element[0])).value_or(last);
        }
        const auto nextId = [&last] {
            const auto now = quint64(QDateTime::currentMSecsSinceEpoch());
            last = now > last.ms ? StreamId{now, 0} : StreamId{last.ms, last.seq + 1};
            return last.toByteArray();
        };

        // The replies of one batch are read after the next has been written, so that the
        // server always has work queued.
        int unread = 0;
        const auto readReplies = [&](int count) {
            for (int i = 0; i < count; ++i) {
                const HiredisReply added = hiredisNextReply(context.get());
                const HiredisReply published = hiredisNextReply(context.get());
                if (added->type != REDIS_REPLY_STRING)
                    fail(QStringLiteral("XADD answered %1")
                             .arg(QString::fromUtf8(hiredisBytes(added.get()))));
                if (published->type != REDIS_REPLY_INTEGER || published->integer < 1)
                    fail(QStringLiteral("a notice reached no subscriber"));
            }
            unread -= count;
            m_sent.fetch_add(count, std::memory_order_release);
        };

        m_start = Clock::now();
        for (int first = 0, batch = 0; first < m_count && !m_stop; first += FloodBatch, ++batch) {
            std::this_thread::sleep_until(m_start + batch * FloodInterval);
            const int size = std::min(FloodBatch, m_count - first);
            for (int i = first; i < first + size; ++i) {
                const QByteArray id = nextId();
                const QByteArray cid = m_cidPrefix + QByteArray::number(i).rightJustified(24, '0');
                const QByteArray text = "flood message " + QByteArray::number(i)
                    + ", about as long as an ordinary line of chat";
                hiredisAppend(context.get(),
                              {"XADD", log, "MAXLEN", "~", retention, id, "v", version, "type",
                               "msg", "from", FloodSender, "text", text, "cid", cid});
                hiredisAppend(context.get(),
                              {"PUBLISH", pubsub,
                               "{\"v\":" + version + ",\"id\":\"" + id
                                   + "\",\"type\":\"msg\",\"from\":\"" + FloodSender
                                   + "\",\"text\":\"" + text + "\",\"cid\":\"" + cid + "\"}"});
            }
            for (int done = 0; !done;) {
                if (redisBufferWrite(context.get(), &done) != REDIS_OK)
                    fail(hiredisError(context.get()));
            }
            readReplies(unread);
            unread = size;
        }
        readReplies(unread);
    }

    const quint16 m_port;
    const QString m_channel;
    const int m_count;
    const QByteArray m_cidPrefix;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_sent{0};
    // Written by the thread, read after joining it.
    Clock::time_point m_start;
    Clock::time_point m_end;
    double m_cpuSeconds = 0;
    QString m_error;
};

// ---------------------------------------------------------------------------------------------
// The client under test

// One user's whole client as the application wires it: settings, session and window, shown at
// WindowSize with the user ready.
class Client
{
public:
    Client(const Test::RedisServerFixture &server, const QString &user, int scrollback)
    {
        m_settings.setScrollbackRows(scrollback);
        ChatConfig config = Test::ThreadedWorker::configFor(server, user);
        // No health-check PING in the middle of a measurement, and a dropped connection is a
        // failure to report, not something to recover from quietly.
        config.redis.healthCheckInterval = std::chrono::hours(1);
        config.redis.autoReconnect = false;
        m_session = std::make_unique<ChatSession>(config);
        m_session->setScrollback(scrollback);
        m_window = std::make_unique<MainWindow>(m_session.get(), &m_settings);
        m_window->resize(WindowSize);
        m_window->show();
        if (!QTest::qWaitForWindowExposed(m_window.get()))
            fail(QStringLiteral("the window was not shown"));

        Waiter waiter;
        QObject scope; // disconnects the lambdas below before waiter goes
        QObject::connect(m_session.get(), &ChatSession::ready, &scope,
                         [&waiter] { waiter.finish(); });
        QObject::connect(
            m_session.get(), &ChatSession::userRejected, &scope,
            [&waiter](const QString &, const QString &error) { waiter.failWith(error); });
        QObject::connect(m_session.get(), &ChatSession::errorOccurred, &scope,
                         [&waiter](const QString &error) { waiter.failWith(error); });
        m_session->start();
        waiter.wait(QStringLiteral("starting a session for %1").arg(user), SetupTimeout);
        // Anything that goes wrong later is a failure too, reported after the measurement.
        QObject::connect(m_session.get(), &ChatSession::errorOccurred, m_session.get(),
                         [this](const QString &error) { m_errors << error; });
    }

    ChatSession &session() const { return *m_session; }
    MainWindow &window() const { return *m_window; }
    MessageLogView &logView() const { return *m_window->logView(); }

    // Throws if the session reported an error since it started.
    void checkErrors(const QString &what) const
    {
        if (!m_errors.isEmpty())
            fail(what + QStringLiteral(": ") + m_errors.join(QStringLiteral("; ")));
    }

    // Joins a channel and waits until its first page is in the model.
    MessageLogModel *join(const QString &channel)
    {
        m_session->joinChannel(channel);
        waitUntil(
            [&] {
                const MessageLogModel *log = m_session->log(channel);
                return log && log->rowCount() > 0;
            },
            QStringLiteral("joining #%1").arg(channel));
        return m_session->log(channel);
    }

    // Opens a joined channel in the window and waits until it is current.
    void open(const QString &channel)
    {
        m_window->openChannel(channel);
        waitUntil([&] { return m_window->currentChannel() == channel; },
                  QStringLiteral("opening #%1").arg(channel));
    }

private:
    // Declared first, so that it goes last: the window and the session use it.
    AppSettings m_settings;
    std::unique_ptr<ChatSession> m_session;
    std::unique_ptr<MainWindow> m_window;
    QStringList m_errors;
};

// Counts the paint events a widget receives: with the offscreen platform, each update() of the
// message log still ends in one, so this is its frame rate.
class PaintCounter : public QObject
{
public:
    explicit PaintCounter(QWidget *widget)
        : m_widget(widget)
    {
        widget->installEventFilter(this);
    }
    ~PaintCounter() override
    {
        if (m_widget)
            m_widget->removeEventFilter(this);
    }

    int count() const { return m_count; }

protected:
    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::Paint)
            ++m_count;
        return false;
    }

private:
    QPointer<QWidget> m_widget;
    int m_count = 0;
};

// ---------------------------------------------------------------------------------------------
// CPU time, to tell where the time goes when the cores are shared with other work

// The application, timing how long the GUI thread spends on each event while recording, by
// receiver class and event type. Only the outermost dispatch is timed, so whatever an event sets
// off synchronously (a queued signal's slot, the model's signals, the view's reactions to them)
// counts with it.
class TimedApplication : public QApplication
{
public:
    // What one kind of event cost.
    struct Times
    {
        double seconds = 0;
        int count = 0;
        double longest = 0;
    };

    using QApplication::QApplication;

    static TimedApplication *instance() { return static_cast<TimedApplication *>(qApp); }

    void startRecording()
    {
        m_times.clear();
        m_recording = true;
    }
    // By "Class EventType".
    QHash<QString, Times> stopRecording()
    {
        m_recording = false;
        return std::exchange(m_times, {});
    }

    bool notify(QObject *receiver, QEvent *event) override
    {
        if (!m_recording || m_depth > 0 || QThread::currentThread() != thread())
            return QApplication::notify(receiver, event);
        // Taken first: a receiver may be gone afterwards (DeferredDelete).
        const char *className = receiver->metaObject()->className();
        const char *type = QMetaEnum::fromType<QEvent::Type>().valueToKey(event->type());
        ++m_depth;
        const Clock::time_point start = Clock::now();
        const bool result = QApplication::notify(receiver, event);
        const double seconds = secondsBetween(start, Clock::now());
        --m_depth;
        Times &times = m_times[QLatin1String(className) + QLatin1Char(' ')
                               + (type ? QLatin1String(type) : QLatin1String("?"))];
        times.seconds += seconds;
        ++times.count;
        times.longest = std::max(times.longest, seconds);
        return result;
    }

private:
    QHash<QString, Times> m_times;
    bool m_recording = false;
    int m_depth = 0;
};

// A field of INFO server: redis_version, process_id...
QString serverInfo(const Test::RedisServerFixture &server, const QByteArray &field)
{
    const RedisReply info = server.command({"INFO", "server"});
    const QByteArray prefix = field + ':';
    for (const QByteArray &line : info.bytes().split('\n')) {
        if (line.startsWith(prefix))
            return QString::fromLatin1(line.mid(prefix.size()).trimmed());
    }
    return QStringLiteral("unknown");
}

// Seconds of CPU (user + system) a /proc/.../stat file reports; the task's name in `name`.
double cpuSecondsOf(const QString &statPath, QString *name = nullptr)
{
    QFile file(statPath);
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray stat = file.readAll();
    const qsizetype open = stat.indexOf('(');
    const qsizetype close = stat.lastIndexOf(')');
    if (open < 0 || close < open)
        return 0;
    if (name)
        *name = QString::fromUtf8(stat.mid(open + 1, close - open - 1));
    // After the name come proc(5)'s fields 3 (state) and on: utime is 14, stime 15.
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    if (fields.size() < 13)
        return 0;
    return (fields.at(11).toDouble() + fields.at(12).toDouble()) / double(sysconf(_SC_CLK_TCK));
}

// CPU seconds used so far by the GUI thread, the session's worker thread and redis-server.
struct CpuSnapshot
{
    double gui = 0;
    double worker = 0;
    double server = 0;

    static CpuSnapshot take(qint64 serverPid)
    {
        CpuSnapshot s;
        const QString tasks = QStringLiteral("/proc/self/task/");
        const QString pid = QString::number(getpid()); // the main thread's id is the process id
        for (const QString &tid : QDir(tasks).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            QString name;
            const double seconds = cpuSecondsOf(tasks + tid + QStringLiteral("/stat"), &name);
            if (tid == pid)
                s.gui = seconds;
            else if (name == u"redis-worker") // ChatSession's thread
                s.worker += seconds;
        }
        s.server = cpuSecondsOf(QStringLiteral("/proc/%1/stat").arg(serverPid));
        return s;
    }
};

// ---------------------------------------------------------------------------------------------
// 1. GUI-thread stalls under a flood

// What the 5 ms timer saw over one stretch of time.
struct TickRun
{
    std::vector<double> latenessMs; // per tick: the interval since the previous one, minus 5 ms
    double seconds = 0;
    int paints = 0;

    double maxStallMs() const
    {
        return latenessMs.empty() ? 0 : *std::max_element(latenessMs.cbegin(), latenessMs.cend());
    }
    double p99Ms() const { return percentile(latenessMs, 0.99); }
    double p50Ms() const { return percentile(latenessMs, 0.50); }
    double paintsPerSecond() const { return seconds > 0 ? paints / seconds : 0; }
};

// Runs the GUI thread's event loop for `duration` with a precise 5 ms timer in it, recording
// how late each tick comes: whatever keeps the thread busy (model inserts, layouts, painting)
// makes the next tick late by as much.
TickRun measureTicks(std::chrono::milliseconds duration, const PaintCounter &paints)
{
    TickRun run;
    run.latenessMs.reserve(size_t(duration / TickInterval) + 16);
    const double intervalMs = double(TickInterval.count());
    Clock::time_point previous;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(TickInterval);
    QObject::connect(&ticker, &QTimer::timeout, &ticker, [&] {
        const Clock::time_point now = Clock::now();
        run.latenessMs.push_back(millisecondsBetween(previous, now) - intervalMs);
        previous = now;
    });
    QEventLoop loop;
    QTimer end;
    end.setSingleShot(true);
    end.setTimerType(Qt::PreciseTimer);
    QObject::connect(&end, &QTimer::timeout, &loop, &QEventLoop::quit);

    const int paintsBefore = paints.count();
    const Clock::time_point start = Clock::now();
    previous = start;
    ticker.start();
    end.start(duration);
    loop.exec();
    const Clock::time_point stop = Clock::now();
    // A stall at the very end delays the end timer as much as the next tick.
    const double tail = millisecondsBetween(previous, stop);
    if (tail > intervalMs)
        run.latenessMs.push_back(tail - intervalMs);
    run.seconds = secondsBetween(start, stop);
    run.paints = paints.count() - paintsBefore;
    return run;
}

struct FloodRun
{
    TickRun ticks;
    int sent = 0;
    double sendRate = 0; // what the producer achieved
    int deliveredDuring = 0; // rows appended to the model while the timer ran
    int delivered = 0; // in all, once the backlog was through
    double ingestRate = 0; // delivered / (last delivery - flood start)
    double drainSeconds = 0; // from the end of the flood until the last message was in
    double maxLagMs = 0; // newest row's age (now - its id's time) when it was inserted
    // From the flood's start until the last message was in the model.
    double wallSeconds = 0;
    double cpuGui = 0;
    double cpuWorker = 0;
    double cpuServer = 0;
    double cpuProducer = 0;
    // The GUI thread's time by event (TimedApplication).
    QHash<QString, TimedApplication::Times> guiTimes;
    // The log still followed the newest message once the flood was through.
    bool pinnedAfter = false;
    int newMessagesAfter = 0;
};

FloodRun floodRun(Client &client, const Test::RedisServerFixture &server, qint64 serverPid,
                  int count, std::chrono::milliseconds duration, const PaintCounter &paints)
{
    MessageLogModel *log = client.session().log(QLatin1String(FloodChannel));
    struct State
    {
        int delivered = 0;
        double maxLagMs = 0;
        Clock::time_point last;
    } state;
    QObject scope;
    QObject::connect(log, &QAbstractItemModel::rowsInserted, &scope,
                     [&state, log](const QModelIndex &, int first, int last) {
                         if (last != log->rowCount() - 1)
                             return; // a page of history at the top
                         state.delivered += last - first + 1;
                         state.last = Clock::now();
                         const double lag =
                             double(QDateTime::currentMSecsSinceEpoch()) - double(log->lastId().ms);
                         state.maxLagMs = std::max(state.maxLagMs, lag);
                     });

    FloodRun run;
    FloodProducer producer(server.port(), QLatin1String(FloodChannel), count);
    const CpuSnapshot cpuBefore = CpuSnapshot::take(serverPid);
    // With valgrind --tool=callgrind --collect-atstart=no, only the floods are profiled.
    CALLGRIND_TOGGLE_COLLECT;
    TimedApplication::instance()->startRecording();
    const Clock::time_point start = Clock::now();
    producer.start();
    run.ticks = measureTicks(duration, paints);
    run.deliveredDuring = state.delivered;
    producer.finish();
    run.sent = producer.sent();
    run.sendRate = producer.rate();
    const Clock::time_point floodEnd = Clock::now();
    waitUntil([&] { return state.delivered >= run.sent; },
              QStringLiteral("%1 flooded messages into the model").arg(run.sent), StepTimeout);
    run.guiTimes = TimedApplication::instance()->stopRecording();
    run.pinnedAfter = client.logView().isPinnedToBottom();
    run.newMessagesAfter = client.logView().newMessageCount();
    CALLGRIND_TOGGLE_COLLECT;
    const CpuSnapshot cpuAfter = CpuSnapshot::take(serverPid);
    client.checkErrors(QStringLiteral("during the flood"));
    run.wallSeconds = secondsBetween(start, state.last);
    run.cpuGui = cpuAfter.gui - cpuBefore.gui;
    run.cpuWorker = cpuAfter.worker - cpuBefore.worker;
    run.cpuServer = cpuAfter.server - cpuBefore.server;
    run.cpuProducer = producer.cpuSeconds();
    run.delivered = state.delivered;
    run.ingestRate = run.delivered / secondsBetween(start, state.last);
    run.drainSeconds = std::max(0.0, secondsBetween(floodEnd, state.last));
    run.maxLagMs = state.maxLagMs;
    if (run.delivered != run.sent)
        fail(QStringLiteral("%1 flooded messages sent, %2 reached the model")
                 .arg(run.sent)
                 .arg(run.delivered));
    return run;
}

struct StallResult
{
    std::vector<TickRun> idle;
    std::vector<FloodRun> flood;
};

StallResult measureStalls(const Test::RedisServerFixture &server, const Settings &settings)
{
    // The scrollback is the default: a flood fills it at once and then trims as it appends.
    Client client(server, QStringLiteral("viewer"), AppSettings::DefaultScrollbackRows);
    client.join(QLatin1String(FloodChannel));
    client.open(QLatin1String(FloodChannel));
    PaintCounter paints(client.logView().viewport());
    runEventLoop(SettleTime);

    const qint64 serverPid = serverInfo(server, "process_id").toLongLong();
    StallResult result;
    for (int i = 0; i < settings.repeats; ++i) {
        result.idle.push_back(measureTicks(settings.floodDuration, paints));
        result.flood.push_back(floodRun(client, server, serverPid, settings.floodMessages(),
                                        settings.floodDuration, paints));
        const FloodRun &f = result.flood.back();
        progress(QStringLiteral("  run %1: longest stall %2 ms idle, %3 ms flooded; %4 sent at "
                                "%5 msg/s, into the model at %6 msg/s")
                     .arg(i + 1)
                     .arg(result.idle.back().maxStallMs(), 0, 'f', 1)
                     .arg(f.ticks.maxStallMs(), 0, 'f', 1)
                     .arg(f.sent)
                     .arg(f.sendRate, 0, 'f', 0)
                     .arg(f.ingestRate, 0, 'f', 0));
        if (!f.pinnedAfter)
            progress(QStringLiteral("  the log no longer follows the bottom: %1 new messages "
                                    "below")
                         .arg(f.newMessagesAfter));
        runEventLoop(SettleTime);
    }
    return result;
}

// ---------------------------------------------------------------------------------------------
// 2. Memory

// Bytes, from the kernel's view of this process.
double residentBytes()
{
    QFile file(QStringLiteral("/proc/self/status"));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() * 1024;
    }
    return 0;
}

// Bytes malloc has handed out and not got back (glibc); 0 where unknown.
double heapInUse()
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    const struct mallinfo2 info = mallinfo2();
    return double(info.uordblks) + double(info.hblkhd);
#else
    return 0;
#endif
}

struct MemoryPoint
{
    double rss = 0;
    double heap = 0;

    static MemoryPoint now() { return {residentBytes(), heapInUse()}; }
};

struct MemoryResult
{
    int channels = 0;
    int rowsPerChannel = 0; // the smallest model
    qint64 rows = 0; // in all models
    MemoryPoint before; // window shown, nothing loaded
    MemoryPoint models; // every log paged in (one of them shown)
    MemoryPoint after; // every channel opened once
    double loadSeconds = 0; // joining and paging in every log
    int layoutsCached = 0;
};

QString memoryChannel(int i)
{
    return QStringLiteral("mem-%1").arg(i, 2, 10, QLatin1Char('0'));
}

MemoryResult measureMemory(const Test::RedisServerFixture &server, const Settings &settings)
{
    const int perChannel = settings.messagesPerChannel;
    const ChatKeys keys;
    for (int i = 0; i < settings.channels; ++i)
        fillLog(server.port(), keys.log(memoryChannel(i)), perChannel);

    MemoryResult result;
    result.channels = settings.channels;
    Client client(server, QStringLiteral("reader"), perChannel);
    PaintCounter paints(client.logView().viewport());
    runEventLoop(SettleTime);
    result.before = MemoryPoint::now();

    const Clock::time_point start = Clock::now();
    for (int i = 0; i < settings.channels; ++i)
        client.session().joinChannel(memoryChannel(i));
    const auto logOf = [&](int i) {
        return client.session().log(memoryChannel(i));
    };
    waitUntil(
        [&] {
            for (int i = 0; i < settings.channels; ++i) {
                if (!logOf(i) || logOf(i)->rowCount() == 0)
                    return false;
            }
            return true;
        },
        QStringLiteral("joining %1 channels").arg(settings.channels));
    // Older pages, as the view would ask for them when scrolled up, for all logs at once.
    waitUntil(
        [&] {
            bool done = true;
            for (int i = 0; i < settings.channels; ++i) {
                MessageLogModel *log = logOf(i);
                if (log->rowCount() >= perChannel || log->hasReachedStart())
                    continue;
                done = false;
                if (log->canFetchMore(QModelIndex()))
                    log->fetchMore(QModelIndex());
            }
            return done;
        },
        QStringLiteral("paging in %1 messages in %2 channels")
            .arg(perChannel)
            .arg(settings.channels),
        StepTimeout);
    result.loadSeconds = secondsBetween(start, Clock::now());
    result.rowsPerChannel = std::numeric_limits<int>::max();
    for (int i = 0; i < settings.channels; ++i) {
        const int rows = logOf(i)->rowCount();
        if (rows < perChannel)
            fail(QStringLiteral("#%1 holds %2 rows after paging back to its start, not %3")
                     .arg(memoryChannel(i))
                     .arg(rows)
                     .arg(perChannel));
        result.rowsPerChannel = std::min(result.rowsPerChannel, rows);
        result.rows += rows;
    }
    runEventLoop(SettleTime);
    result.models = MemoryPoint::now();

    // Each channel on screen once: its visible rows laid out and painted. (The first one
    // joined was opened by the window on its own.)
    for (int i = 0; i < settings.channels; ++i) {
        if (client.window().currentChannel() == memoryChannel(i))
            continue;
        const int painted = paints.count();
        client.open(memoryChannel(i));
        waitUntil([&] { return paints.count() > painted; },
                  QStringLiteral("painting #%1").arg(memoryChannel(i)));
    }
    runEventLoop(SettleTime);
    client.checkErrors(QStringLiteral("loading the logs"));
    result.after = MemoryPoint::now();
    result.layoutsCached = client.logView().messageDelegate()->cachedLayoutCount();
    return result;
}

// ---------------------------------------------------------------------------------------------
// Soak

QString soakChannel(int i)
{
    return QStringLiteral("soak-%1").arg(i, 2, 10, QLatin1Char('0'));
}

// SoakRate messages a second, round robin over the soak channels, as entries and notices, from
// a thread of its own until stopped. Logs are capped (XADD MAXLEN ~) so that the server's
// memory stays small too.
class SoakProducer
{
public:
    explicit SoakProducer(quint16 port)
        : m_port(port)
    { }

    ~SoakProducer() { stop(); }

    void start()
    {
        m_thread = std::thread([this] {
            pthread_setname_np(pthread_self(), "soak-producer");
            try {
                produce();
            } catch (const BenchFailure &e) {
                m_error = QString::fromStdString(e.what());
            }
        });
    }

    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
        if (!m_error.isEmpty())
            fail(QStringLiteral("soak producer: ") + m_error);
    }

    int sent() const { return m_sent.load(std::memory_order_acquire); }

private:
    void produce()
    {
        const HiredisContext context = hiredisConnect(m_port);
        const ChatKeys keys;
        const QByteArray version = QByteArray::number(ChatScripts::ProtocolVersion);
        const QByteArray cidPrefix = nextCidPrefix();
        constexpr int Batch = SoakRate / 100; // every 10 ms
        const Clock::time_point start = Clock::now();
        for (int batch = 0, i = 0; !m_stop; ++batch) {
            std::this_thread::sleep_until(start + batch * 10ms);
            for (int k = 0; k < Batch; ++k, ++i) {
                const QString channel = soakChannel(i % SoakChannels);
                const QByteArray cid = cidPrefix + QByteArray::number(i).rightJustified(24, '0');
                const QByteArray text =
                    "soak message " + QByteArray::number(i) + ", about as long as an ordinary line";
                hiredisAppend(context.get(),
                              {"XADD", keys.log(channel), "MAXLEN", "~", "20000", "*", "v", version,
                               "type", "msg", "from", "soaker", "text", text, "cid", cid});
                hiredisAppend(context.get(),
                              {"PUBLISH", keys.pubsub(channel), "{\"v\":" + version + "}"});
            }
            for (int k = 0; k < Batch * 2; ++k) {
                const HiredisReply reply = hiredisNextReply(context.get());
                if (reply->type == REDIS_REPLY_ERROR)
                    fail(QString::fromUtf8(hiredisBytes(reply.get())));
            }
            m_sent.fetch_add(Batch, std::memory_order_release);
        }
    }

    const quint16 m_port;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_sent{0};
    QString m_error;
};

struct SoakSample
{
    double minutes = 0;
    MemoryPoint memory;
    int sent = 0;
    bool modelsFull = false;
};

struct SoakResult
{
    int minutes = 0;
    std::vector<SoakSample> samples;
    // Over the samples of the last two thirds of the run, taken with every model full.
    double slopeMbPerMinute = 0;
    int samplesInSlope = 0;
};

// Least squares: MB of RSS per minute.
double slopeOf(const std::vector<SoakSample> &samples)
{
    const double n = double(samples.size());
    if (n < 2)
        return 0;
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const SoakSample &s : samples) {
        const double y = s.memory.rss / (1024 * 1024);
        sx += s.minutes;
        sy += y;
        sxx += s.minutes * s.minutes;
        sxy += s.minutes * y;
    }
    const double d = n * sxx - sx * sx;
    return d == 0 ? 0 : (n * sxy - sx * sy) / d;
}

SoakResult measureSoak(const Test::RedisServerFixture &server, int minutes)
{
    SoakResult result;
    result.minutes = minutes;
    Client client(server, QStringLiteral("soak-reader"), MessageLogModel::DefaultMaxRows);
    for (int i = 0; i < SoakChannels; ++i)
        client.join(soakChannel(i));
    client.open(soakChannel(0));
    runEventLoop(SettleTime);

    SoakProducer producer(server.port());
    producer.start();
    const Clock::time_point start = Clock::now();
    const auto modelsFull = [&] {
        for (int i = 0; i < SoakChannels; ++i) {
            if (client.session().log(soakChannel(i))->rowCount() < MessageLogModel::DefaultMaxRows)
                return false;
        }
        return true;
    };
    for (int sample = 1; sample <= minutes * 60000 / int(SoakSampleInterval.count()); ++sample) {
        runEventLoop(std::chrono::duration_cast<std::chrono::milliseconds>(
            start + sample * SoakSampleInterval - Clock::now()));
        SoakSample s;
        s.minutes = secondsBetween(start, Clock::now()) / 60;
        s.memory = MemoryPoint::now();
        s.sent = producer.sent();
        s.modelsFull = modelsFull();
        result.samples.push_back(s);
        progress(QStringLiteral("  %1 min: RSS %2 MB, heap %3 MB, %4 sent%5")
                     .arg(s.minutes, 0, 'f', 1)
                     .arg(s.memory.rss / (1024 * 1024), 0, 'f', 1)
                     .arg(s.memory.heap / (1024 * 1024), 0, 'f', 1)
                     .arg(s.sent)
                     .arg(s.modelsFull ? QStringLiteral(", models full") : QString()));
    }
    producer.stop();
    client.checkErrors(QStringLiteral("the soak"));
    // Once the models are full their lists and blocks still settle for a few minutes (capacity
    // grown while filling, blocks freed as their rows go): the slope is taken over the last two
    // thirds of the run, and only once every model is full.
    std::vector<SoakSample> full;
    for (const SoakSample &s : result.samples) {
        if (s.modelsFull && s.minutes >= minutes / 3.0)
            full.push_back(s);
    }
    result.slopeMbPerMinute = slopeOf(full);
    result.samplesInSlope = int(full.size());
    return result;
}

// ---------------------------------------------------------------------------------------------
// Output

// One row of the table: a figure under load (or loaded) and, where there is one, the same
// figure idle (or empty), with an absolute target.
struct Figure
{
    enum class Target { None, Below };

    QString name;
    QString unit;
    double value = 0;
    std::optional<double> baseline;
    Target target = Target::None;
    double limit = 0;

    std::optional<double> ratio() const
    {
        if (!baseline || *baseline <= 0)
            return std::nullopt;
        return value / *baseline;
    }
    bool meetsTarget() const { return target != Target::Below || value < limit; }
};

// 812k, 1.05M, 45.2, 0.83: three significant digits or so.
QString humanNumber(double value)
{
    if (std::abs(value) >= 1e6)
        return QString::number(value / 1e6, 'f',
                               std::abs(value) >= 1e8       ? 0
                                   : std::abs(value) >= 1e7 ? 1
                                                            : 2)
            + QLatin1Char('M');
    if (std::abs(value) >= 1e4)
        return QString::number(value / 1e3, 'f', 0) + QLatin1Char('k');
    return QString::number(value, 'f', std::abs(value) >= 100 ? 0 : std::abs(value) >= 10 ? 1 : 2);
}

QString withUnit(double value, const QString &unit)
{
    return unit.isEmpty() ? humanNumber(value) : humanNumber(value) + QLatin1Char(' ') + unit;
}

void printLine(const QString &line)
{
    std::printf("%s\n", qPrintable(line));
}

void printHeading(const QString &title, const QString &valueColumn, const QString &baseColumn)
{
    printLine(title.leftJustified(30) + valueColumn.leftJustified(16) + baseColumn.leftJustified(16)
              + QStringLiteral("ratio     target"));
}

void printFigure(const Figure &f)
{
    QString target = QStringLiteral("-");
    if (f.target != Figure::Target::None) {
        target = QStringLiteral("%1 %2")
                     .arg(QStringLiteral("<"), QString::number(f.limit) + QLatin1Char(' ') + f.unit)
                     .leftJustified(12)
            + (f.meetsTarget() ? QStringLiteral("meets") : QStringLiteral("below"));
    }
    const std::optional<double> ratio = f.ratio();
    printLine(QStringLiteral("  ") + f.name.leftJustified(28)
              + withUnit(f.value, f.unit).leftJustified(16)
              + (f.baseline ? withUnit(*f.baseline, f.unit) : QStringLiteral("-")).leftJustified(16)
              + (ratio ? QString::number(*ratio, 'f', 2) : QStringLiteral("-")).leftJustified(10)
              + target);
}

template<typename Run, typename Get> double medianOf(const std::vector<Run> &runs, Get get)
{
    std::vector<double> values;
    for (const Run &run : runs)
        values.push_back(get(run));
    return median(std::move(values));
}

void printStalls(const StallResult &r)
{
    const auto idle = [&r](auto get) {
        return medianOf(r.idle, get);
    };
    const auto flood = [&r](auto get) {
        return medianOf(r.flood, get);
    };
    const auto ms = QStringLiteral("ms");
    printHeading(QStringLiteral("1. GUI thread"), QStringLiteral("flood"), QStringLiteral("idle"));
    printFigure({QStringLiteral("longest stall"), ms,
                 flood([](const FloodRun &f) { return f.ticks.maxStallMs(); }),
                 idle([](const TickRun &t) { return t.maxStallMs(); }), Figure::Target::Below,
                 MaxStallMs});
    printFigure({QStringLiteral("timer lateness p99"), ms,
                 flood([](const FloodRun &f) { return f.ticks.p99Ms(); }),
                 idle([](const TickRun &t) { return t.p99Ms(); })});
    printFigure({QStringLiteral("timer lateness p50"), ms,
                 flood([](const FloodRun &f) { return f.ticks.p50Ms(); }),
                 idle([](const TickRun &t) { return t.p50Ms(); })});
    printFigure({QStringLiteral("log repaints"), QStringLiteral("fps"),
                 flood([](const FloodRun &f) { return f.ticks.paintsPerSecond(); }),
                 idle([](const TickRun &t) { return t.paintsPerSecond(); })});
    printHeading(QStringLiteral("   the flood"), QStringLiteral("got"),
                 QStringLiteral("asked / sent"));
    printFigure({QStringLiteral("flood sent"), QStringLiteral("msg/s"),
                 flood([](const FloodRun &f) { return f.sendRate; }), double(FloodRate)});
    printFigure({QStringLiteral("reached model during flood"), QStringLiteral("msgs"),
                 flood([](const FloodRun &f) { return double(f.deliveredDuring); }),
                 flood([](const FloodRun &f) { return double(f.sent); })});
    printFigure({QStringLiteral("ingest into model"), QStringLiteral("msg/s"),
                 flood([](const FloodRun &f) { return f.ingestRate; }),
                 flood([](const FloodRun &f) { return f.sendRate; })});
    printFigure({QStringLiteral("newest row's age, max"), ms,
                 flood([](const FloodRun &f) { return f.maxLagMs; })});
    printFigure({QStringLiteral("backlog after the flood"), QStringLiteral("s"),
                 flood([](const FloodRun &f) { return f.drainSeconds; })});

    // Where the time goes: CPU per message delivered, and how busy each part was from the
    // flood's start until the last message was in (1.00 = a whole core).
    printLine(QStringLiteral("   CPU").leftJustified(30)
              + QStringLiteral("per message").leftJustified(16) + QStringLiteral("busy"));
    const auto cpuRow = [&flood](const QString &name, double FloodRun::*cpu) {
        const double perMessage = flood(
            [cpu](const FloodRun &f) { return f.delivered > 0 ? f.*cpu / f.delivered * 1e6 : 0; });
        const double busy = flood(
            [cpu](const FloodRun &f) { return f.wallSeconds > 0 ? f.*cpu / f.wallSeconds : 0; });
        printLine(QStringLiteral("  ") + name.leftJustified(28)
                  + withUnit(perMessage, QStringLiteral("us")).leftJustified(16)
                  + QString::number(busy, 'f', 2));
    };
    cpuRow(QStringLiteral("GUI thread"), &FloodRun::cpuGui);
    cpuRow(QStringLiteral("session's worker thread"), &FloodRun::cpuWorker);
    cpuRow(QStringLiteral("redis-server"), &FloodRun::cpuServer);
    cpuRow(QStringLiteral("flood producer thread"), &FloodRun::cpuProducer);

    // The GUI thread's time by the event that set it off, over all runs: the longest of one
    // kind close to the longest stall means that stall was that event.
    QHash<QString, TimedApplication::Times> times;
    double delivered = 0;
    double total = 0;
    for (const FloodRun &f : r.flood) {
        delivered += f.delivered;
        for (auto it = f.guiTimes.cbegin(); it != f.guiTimes.cend(); ++it) {
            TimedApplication::Times &sum = times[it.key()];
            sum.seconds += it->seconds;
            sum.count += it->count;
            sum.longest = std::max(sum.longest, it->longest);
            total += it->seconds;
        }
    }
    QList<std::pair<double, QString>> ranked;
    for (auto it = times.cbegin(); it != times.cend(); ++it)
        ranked.append({it->seconds, it.key()});
    std::sort(ranked.begin(), ranked.end(), std::greater<>());
    printLine(QStringLiteral("   GUI thread's time by event").leftJustified(42)
              + QStringLiteral("per message  share  events   mean      longest"));
    const auto inMs = [](double seconds) {
        return QStringLiteral("%1 ms").arg(seconds * 1000, 0, 'f', seconds < 0.01 ? 2 : 1);
    };
    for (qsizetype i = 0; i < std::min<qsizetype>(ranked.size(), 5); ++i) {
        const TimedApplication::Times &t = times.value(ranked.at(i).second);
        printLine(QStringLiteral("  ") + ranked.at(i).second.leftJustified(40)
                  + withUnit(delivered > 0 ? t.seconds / delivered * 1e6 : 0, QStringLiteral("us"))
                        .leftJustified(13)
                  + QStringLiteral("%1 %")
                        .arg(total > 0 ? t.seconds / total * 100 : 0, 0, 'f', 0)
                        .leftJustified(7)
                  + QString::number(t.count).leftJustified(9)
                  + inMs(t.count > 0 ? t.seconds / t.count : 0).leftJustified(10)
                  + inMs(t.longest));
    }
}

void printMemory(const MemoryResult &r)
{
    const double mb = 1024 * 1024;
    const auto perRow = [&r](double bytes) {
        return r.rows > 0 ? bytes / double(r.rows) : 0;
    };
    printHeading(QStringLiteral("2. Memory"), QStringLiteral("loaded"), QStringLiteral("empty"));
    const auto megabytes = QStringLiteral("MB");
    const auto bytes = QStringLiteral("B");
    printFigure({QStringLiteral("RSS"), megabytes, r.after.rss / mb, r.before.rss / mb,
                 Figure::Target::Below, MaxRssMb});
    printFigure(
        {QStringLiteral("RSS, models only"), megabytes, r.models.rss / mb, r.before.rss / mb});
    printFigure({QStringLiteral("heap in use"), megabytes, r.after.heap / mb, r.before.heap / mb});
    printFigure({QStringLiteral("RSS per message"), bytes, perRow(r.after.rss - r.before.rss)});
    printFigure({QStringLiteral("  models"), bytes, perRow(r.models.rss - r.before.rss)});
    printFigure(
        {QStringLiteral("  opening each channel"), bytes, perRow(r.after.rss - r.models.rss)});
    printFigure({QStringLiteral("heap per message"), bytes, perRow(r.after.heap - r.before.heap)});
    printFigure({QStringLiteral("joining and paging in"), QStringLiteral("s"), r.loadSeconds});
}

// The 1-minute load average (Linux), to tell figures taken on a busy machine: with other work
// on the cores, scheduling delays swamp the stalls.
QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("?");
    return QString::fromLatin1(file.readAll().split(' ').value(0));
}

const QStringList &sectionNames()
{
    static const QStringList names{QStringLiteral("stall"), QStringLiteral("memory"),
                                   QStringLiteral("soak")};
    return names;
}

int run(bool quick, const QStringList &sections, int soakMinutes)
{
    // A subscriber that falls behind the flood must be measured, not disconnected by the
    // server's output buffer limit for pub/sub clients (32 MB by default).
    Test::RedisServerFixture::Config config;
    config.extraConfig << QStringLiteral("client-output-buffer-limit pubsub 0 0 0");
    Test::RedisServerFixture server(config);
    if (!server.start())
        fail(QStringLiteral("cannot start redis-server: ") + server.errorString());

    const Settings settings = Settings::make(quick);
    const QString loadBefore = loadAverage();
    const Clock::time_point begin = Clock::now();

    // Memory first, in a process that has not been through a flood yet.
    std::optional<MemoryResult> memory;
    if (sections.contains(QStringLiteral("memory"))) {
        progress(QStringLiteral("measuring memory with %1 channels x %2 messages...")
                     .arg(settings.channels)
                     .arg(settings.messagesPerChannel));
        const Clock::time_point start = Clock::now();
        memory = measureMemory(server, settings);
        progress(
            QStringLiteral("  done in %1 s").arg(secondsBetween(start, Clock::now()), 0, 'f', 1));
    }
    std::optional<SoakResult> soak;
    if (sections.contains(QStringLiteral("soak"))) {
        progress(QStringLiteral("soaking for %1 min at %2 msg/s across %3 channels...")
                     .arg(soakMinutes)
                     .arg(SoakRate)
                     .arg(SoakChannels));
        soak = measureSoak(server, soakMinutes);
    }
    std::optional<StallResult> stalls;
    if (sections.contains(QStringLiteral("stall"))) {
        progress(QStringLiteral("measuring GUI stalls, %1 x (%2 s idle, %2 s flood)...")
                     .arg(settings.repeats)
                     .arg(double(settings.floodDuration.count()) / 1000));
        const Clock::time_point start = Clock::now();
        stalls = measureStalls(server, settings);
        progress(
            QStringLiteral("  done in %1 s").arg(secondsBetween(start, Clock::now()), 0, 'f', 1));
    }

    printLine(
        QStringLiteral("Confab GUI under load: MainWindow %1x%2 on QPA %3, Qt %4, redis-server %5")
            .arg(WindowSize.width())
            .arg(WindowSize.height())
            .arg(QGuiApplication::platformName(), QLatin1String(qVersion()),
                 serverInfo(server, "redis_version")));
    printLine(QStringLiteral("mode: %1%2")
                  .arg(settings.quick ? QStringLiteral("quick") : QStringLiteral("full"),
                       stalls ? QStringLiteral(", median of %1 runs of the stall measurement")
                                    .arg(settings.repeats)
                              : QString()));
    if (stalls) {
        printLine(
            QStringLiteral("flood: %1 msg/s for %2 s (%3 messages) into the open channel: XADD "
                           "+ PUBLISH of the notice, %4 pipelined per %5 ms, from a thread of "
                           "its own")
                .arg(FloodRate)
                .arg(double(settings.floodDuration.count()) / 1000)
                .arg(settings.floodMessages())
                .arg(FloodBatch)
                .arg(double(FloodInterval.count()) / 1000));
        printLine(
            QStringLiteral("probe: a %1 ms precise timer on the GUI thread; lateness = interval "
                           "- %1 ms; repaints = paint events of the log's viewport")
                .arg(TickInterval.count()));
    }
    if (memory) {
        printLine(QStringLiteral("memory: %1 channels x %2 messages paged into the models, each "
                                 "channel opened once; RSS = VmRSS, heap = what malloc has handed "
                                 "out (mallinfo2)")
                      .arg(settings.channels)
                      .arg(settings.messagesPerChannel));
    }
    printLine(QStringLiteral("machine: %1 cores, load average %2 before, %3 after (a busy machine "
                             "makes the figures noisy)")
                  .arg(QThread::idealThreadCount())
                  .arg(loadBefore, loadAverage()));
    printLine({});
    if (stalls) {
        printStalls(*stalls);
        printLine({});
    }
    if (memory) {
        printMemory(*memory);
        printLine(QStringLiteral("  (%1 rows in the models, at least %2 per channel; %3 text "
                                 "layouts cached in the view)")
                      .arg(memory->rows)
                      .arg(memory->rowsPerChannel)
                      .arg(memory->layoutsCached));
        printLine({});
    }
    if (soak) {
        printLine(
            QStringLiteral("3. Soak: %1 min, %2 msg/s across %3 channels, window open on one; "
                           "RSS / heap per minute (* = every model full)")
                .arg(soak->minutes)
                .arg(SoakRate)
                .arg(SoakChannels));
        QStringList rss;
        for (const SoakSample &sample : soak->samples)
            rss << QStringLiteral("%1%2/%3")
                       .arg(sample.memory.rss / (1024 * 1024), 0, 'f', 1)
                       .arg(sample.modelsFull ? QStringLiteral("*") : QString())
                       .arg(sample.memory.heap / (1024 * 1024), 0, 'f', 1);
        printLine(QStringLiteral("  samples (MB): ") + rss.join(u' '));
        printLine(QStringLiteral("  slope over the last two thirds: %1 MB/min over %2 samples   "
                                 "target < %3 MB/min   %4")
                      .arg(soak->slopeMbPerMinute, 0, 'f', 3)
                      .arg(soak->samplesInSlope)
                      .arg(MaxSoakSlopeMbPerMinute)
                      .arg(soak->samplesInSlope < 2 ? QStringLiteral("too short to tell")
                               : std::abs(soak->slopeMbPerMinute) < MaxSoakSlopeMbPerMinute
                               ? QStringLiteral("meets")
                               : QStringLiteral("below")));
        printLine({});
    }
    printLine(QStringLiteral("total %1 s").arg(secondsBetween(begin, Clock::now()), 0, 'f', 1));
    return 0;
}

} // namespace
} // namespace Confab

int main(int argc, char **argv)
{
    // As the application does (app/main.cpp).
    Confab::AllocatorTuning::apply();
    // Before anything reads them: no display needed, and the user's settings are not touched.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QStandardPaths::setTestModeEnabled(true);
    Confab::TimedApplication app(argc, argv);
    QTemporaryDir configDir;
    if (!configDir.isValid()) {
        std::fprintf(stderr, "bench_gui: FAILED: no temporary directory for the settings\n");
        return 1;
    }
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, configDir.path());

    QStringList args = app.arguments().mid(1);
    const bool quick = args.removeAll(QStringLiteral("--quick")) > 0;
    int soakMinutes = Confab::SoakDefaultMinutes;
    if (const qsizetype at = args.indexOf(QStringLiteral("--minutes")); at >= 0) {
        bool ok = false;
        soakMinutes = args.value(at + 1).toInt(&ok);
        if (!ok || soakMinutes < 1) {
            std::fprintf(stderr, "bench_gui: --minutes takes a whole number of minutes\n");
            return 2;
        }
        args.remove(at, 2);
    }
    for (const QString &arg : std::as_const(args)) {
        if (!Confab::sectionNames().contains(arg)) {
            std::fprintf(stderr, "usage: bench_gui [--quick] [%s]... [--minutes N]\n",
                         qPrintable(Confab::sectionNames().join(QLatin1Char('|'))));
            return 2;
        }
    }
    // The soak takes half an hour: only when asked for.
    if (args.isEmpty())
        args = QStringList{QStringLiteral("stall"), QStringLiteral("memory")};
    try {
        return Confab::run(quick, args, soakMinutes);
    } catch (const Confab::BenchFailure &e) {
        std::fprintf(stderr, "bench_gui: FAILED: %s\n", e.what());
        return 1;
    }
}
