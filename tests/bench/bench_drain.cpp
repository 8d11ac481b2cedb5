// Draining a backlog, in one binary and one run, on a redis-server of its own. The receiver is
// stopped while 200,000 chat posts arrive (entries and their notices, as the post script writes
// them), then resumed; the figure is the time from resuming until all of them are through, so
// it is the receiver's own speed, not the producer's. Alternated run by run:
//
//  - model: ChatSession (worker thread + GUI-thread models) with the channel joined; its worker
//    thread is held (a queued call that waits) while the posts arrive; done when the channel's
//    MessageLogModel has the last post;
//  - raw: blocking hiredis doing the reads protocol 2 requires of the same backlog: the notices
//    (hints) read off its subscription, then XRANGE pages of 1000 after the last entry it had,
//    each entry's fields taken out; its subscription is simply not read while the posts arrive;
//  - tail: confab-cli tail CHANNEL stopped with SIGSTOP, resumed with SIGCONT; done when its
//    200,000th line has come out of the pipe;
//  - peer: tests/bench/peer_tail.py, redis-py with the hiredis parser doing the same reads and
//    printing the same lines, stopped and resumed the same way (run with Debian's python3 when
//    python3-redis and python3-hiredis are installed).
//
// Targets (issue 14): model >= 0.5x raw and >= 3x the peer; tail >= 3x the peer. Medians, with
// every run's figure. It exits 0 whatever the figures are; only something functionally broken
// exits 1.
//
// Usage: bench_drain [--quick] [model] [tail]   (--quick: 20,000 posts and 3 runs, for CI;
// naming a part runs only that one: model = model and raw, tail = tail, peer and wire)

#include "BenchSupport.h"
#include "RedisServerFixture.h"

#include "ThreadedWorker.h"

#include "chat/ChatKeys.h"
#include "chat/RedisWorker.h"
#include "local/AllocatorTuning.h"
#include "model/ChatSession.h"
#include "model/MessageLogModel.h"

#include <hiredis/hiredis.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QProcess>
#include <QSemaphore>
#include <QStandardPaths>
#include <QThread>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <memory>
#include <vector>

namespace Confab {
namespace {

using Bench::fail;
using Bench::median;
using Test::RedisServerFixture;

const QString Channel = QStringLiteral("drain");
constexpr int ChunkSize = 10000;

// Entries as the post script writes them, each with its notice. KEYS[1] log, KEYS[2] pub/sub
// channel; ARGV[1] first index, ARGV[2] count.
const char PostScript[] = R"lua(
local first, count = tonumber(ARGV[1]), tonumber(ARGV[2])
local authors = {'alice', 'bob', 'carol', 'dave', 'erin', 'frank'}
for i = first, first + count - 1 do
  local text = 'message ' .. i .. ' of the backlog,' .. string.rep(' more words', i % 7)
  local id = redis.call('XADD', KEYS[1], '*', 'v', '2', 'type', 'msg', 'from',
                        authors[i % #authors + 1], 'text', text,
                        'cid', string.format('%032x', i))
  redis.call('PUBLISH', KEYS[2], '{"v":2,"id":"' .. id .. '"}')
end
return 1
)lua";

struct ContextFree
{
    void operator()(redisContext *c) const { redisFree(c); }
};
using Context = std::unique_ptr<redisContext, ContextFree>;

Context connectTo(quint16 port)
{
    Context context(redisConnectWithTimeout("127.0.0.1", port, timeval{60, 0}));
    if (!context || context->err)
        fail(QStringLiteral("hiredis cannot connect"));
    return context;
}

redisReply *command(redisContext *context, const QList<QByteArray> &args)
{
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    for (const QByteArray &arg : args) {
        argv.push_back(arg.constData());
        lengths.push_back(size_t(arg.size()));
    }
    auto *reply = static_cast<redisReply *>(
        redisCommandArgv(context, int(argv.size()), argv.data(), lengths.data()));
    if (!reply)
        fail(QStringLiteral("hiredis: ") + QString::fromUtf8(context->errstr));
    if (reply->type == REDIS_REPLY_ERROR)
        fail(QStringLiteral("server: ") + QString::fromUtf8(reply->str, qsizetype(reply->len)));
    return reply;
}

void post(quint16 port, int first, int count)
{
    const Context context = connectTo(port);
    const ChatKeys keys;
    for (int at = first; at < first + count; at += ChunkSize) {
        freeReplyObject(command(context.get(),
                                {"EVAL", PostScript, "2", keys.log(Channel), keys.pubsub(Channel),
                                 QByteArray::number(at),
                                 QByteArray::number(std::min(ChunkSize, first + count - at))}));
    }
}

// A receiver in a process of its own, reading the channel into a pipe.
class Receiver
{
public:
    Receiver(const QString &program, const QStringList &arguments,
             const QProcessEnvironment &environment)
    {
        m_process.setProgram(program);
        m_process.setArguments(arguments);
        m_process.setProcessEnvironment(environment);
        m_process.setReadChannel(QProcess::StandardOutput);
    }

    ~Receiver()
    {
        if (m_process.state() != QProcess::NotRunning) {
            ::kill(pid_t(m_process.processId()), SIGCONT);
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    void start()
    {
        m_process.start();
        if (!m_process.waitForStarted(10000))
            fail(QStringLiteral("cannot start %1").arg(m_process.program()));
    }

    // Waits until `lines` lines more have come out; false after 120 s or if it died.
    bool readLines(qint64 lines)
    {
        QElapsedTimer clock;
        clock.start();
        const qint64 wanted = m_lines + lines;
        while (m_lines < wanted) {
            if (clock.elapsed() > 120000 || m_process.state() == QProcess::NotRunning)
                return false;
            if (m_process.bytesAvailable() == 0)
                m_process.waitForReadyRead(100);
            const QByteArray chunk = m_process.readAll();
            m_lines += chunk.count('\n');
            m_last = chunk.isEmpty() ? m_last : chunk;
        }
        return true;
    }

    void signal(int number) { ::kill(pid_t(m_process.processId()), number); }
    QString errors() { return QString::fromUtf8(m_process.readAllStandardError()); }
    QByteArray lastChunk() const { return m_last; }

private:
    QProcess m_process;
    qint64 m_lines = 0;
    QByteArray m_last;
};

// Seconds from resuming `receiver` until `posts` lines have come out of it.
double drain(Receiver &receiver, quint16 port, int posts, int *runNumber)
{
    // Subscribed (the server says so: the count goes from 0, once earlier receivers are gone,
    // to 1), then live once a post made now comes out.
    const auto subscribers = [port] {
        const Context context = connectTo(port);
        redisReply *reply =
            command(context.get(), {"PUBSUB", "NUMSUB", ChatKeys().pubsub(Channel)});
        const qint64 count = reply->elements == 2 ? reply->element[1]->integer : 0;
        freeReplyObject(reply);
        return count;
    };
    const auto waitForSubscribers = [&](qint64 wanted) {
        QElapsedTimer clock;
        clock.start();
        while (subscribers() != wanted) {
            if (clock.elapsed() > 30000)
                fail(QStringLiteral("the channel has not %1 subscribers: ").arg(wanted)
                     + receiver.errors());
            QThread::msleep(10);
        }
    };
    waitForSubscribers(0);
    receiver.start();
    waitForSubscribers(1);
    post(port, 0, 1);
    if (!receiver.readLines(1))
        fail(QStringLiteral("the receiver printed nothing: ") + receiver.errors());
    receiver.signal(SIGSTOP);
    post(port, 1, posts);
    QElapsedTimer clock;
    clock.start();
    receiver.signal(SIGCONT);
    if (!receiver.readLines(posts))
        fail(QStringLiteral("the receiver did not print all %1 lines: ").arg(posts)
             + receiver.errors());
    ++*runNumber;
    return double(clock.nsecsElapsed()) / 1e9;
}

// The wire: XRANGE pages of 1000 and a line per entry, in this process.
double wire(quint16 port, int posts)
{
    const Context context = connectTo(port);
    const ChatKeys keys;
    QByteArray last = "-";
    QByteArray out;
    QByteArray stamp;
    qint64 lastSecond = -1;
    int lines = 0;
    QElapsedTimer clock;
    clock.start();
    for (;;) {
        redisReply *page =
            command(context.get(), {"XRANGE", keys.log(Channel), last, "+", "COUNT", "1000"});
        if (page->elements == 0) {
            freeReplyObject(page);
            break;
        }
        for (size_t i = 0; i < page->elements; ++i) {
            const redisReply *entry = page->element[i];
            const QByteArray id(entry->element[0]->str, qsizetype(entry->element[0]->len));
            const redisReply *fields = entry->element[1];
            QByteArray from;
            QByteArray text;
            for (size_t f = 0; f + 1 < fields->elements; f += 2) {
                const QByteArray name(fields->element[f]->str, qsizetype(fields->element[f]->len));
                const QByteArray value(fields->element[f + 1]->str,
                                       qsizetype(fields->element[f + 1]->len));
                if (name == "from")
                    from = value;
                else if (name == "text")
                    text = value;
            }
            // The time formatted once per second, as a careful program would.
            const qint64 second = id.left(id.indexOf('-')).toLongLong() / 1000;
            if (second != lastSecond) {
                stamp = QDateTime::fromSecsSinceEpoch(second)
                            .toString(u"yyyy-MM-dd HH:mm:ss")
                            .toLatin1();
                lastSecond = second;
            }
            out += '[' + stamp + "] <" + from + "> " + text + '\n';
            ++lines;
            last = '(' + id;
        }
        freeReplyObject(page);
        if (out.size() > (1 << 20))
            out.clear();
    }
    const double seconds = double(clock.nsecsElapsed()) / 1e9;
    if (lines < posts)
        fail(QStringLiteral("the wire read %1 of %2 entries").arg(lines).arg(posts));
    return seconds;
}

QByteArray newestId(quint16 port)
{
    const Context context = connectTo(port);
    redisReply *reply =
        command(context.get(), {"XREVRANGE", ChatKeys().log(Channel), "+", "-", "COUNT", "1"});
    QByteArray id;
    if (reply->elements == 1)
        id = QByteArray(reply->element[0]->element[0]->str,
                        qsizetype(reply->element[0]->element[0]->len));
    freeReplyObject(reply);
    return id;
}

// Seconds from releasing ChatSession's held worker until its model has the last of `posts`.
double modelDrain(const RedisServerFixture &server, int posts)
{
    ChatConfig config = Test::ThreadedWorker::configFor(server, QStringLiteral("drainer"));
    config.redis.healthCheckInterval = std::chrono::hours(1);
    ChatSession session(config);
    session.start();
    session.joinChannel(Channel);
    bool live = false;
    QObject::connect(
        &session, &ChatSession::liveChanged,
        [&live](const QString &channel, bool now) { live = channel == Channel && now; });
    if (!Bench::waitFor([&] { return live && session.log(Channel); }))
        fail(QStringLiteral("the session did not join #%1").arg(Channel));
    MessageLogModel *log = session.log(Channel);

    // Stopped: the worker's thread waits in a queued call while the posts arrive.
    QSemaphore held;
    QSemaphore resume;
    QMetaObject::invokeMethod(
        session.workerForBenchmarks(),
        [&] {
            held.release();
            resume.acquire();
        },
        Qt::QueuedConnection);
    held.acquire();
    post(server.port(), 1, posts);
    const auto last = StreamId::parse(newestId(server.port()));
    if (!last)
        fail(QStringLiteral("no posts"));
    QElapsedTimer clock;
    clock.start();
    resume.release();
    // Waited for in an event loop that sleeps until rows come, not by polling: on two cores a
    // polling GUI thread would take the time the worker and the server need.
    QEventLoop loop;
    QObject::connect(log, &QAbstractItemModel::rowsInserted, &loop, [&] {
        if (log->lastId() == *last)
            loop.quit();
    });
    QTimer::singleShot(120000, &loop, &QEventLoop::quit);
    if (log->lastId() != *last)
        loop.exec();
    if (log->lastId() != *last)
        fail(QStringLiteral("the model stopped at %1, not %2")
                 .arg(QString::fromLatin1(log->lastId().toByteArray()),
                      QString::fromLatin1(last->toByteArray())));
    return double(clock.nsecsElapsed()) / 1e9;
}

// Raw hiredis, the reads protocol 2 requires: the notices, then XRANGE pages after the last
// entry it had, each entry's fields taken out.
double rawDrain(quint16 port, int posts)
{
    const ChatKeys keys;
    const Context subscriber = connectTo(port);
    freeReplyObject(command(subscriber.get(), {"SUBSCRIBE", keys.pubsub(Channel)}));
    const QByteArray before = newestId(port);
    post(port, 1, posts);
    const Context reader = connectTo(port);
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < posts; ++i) {
        void *notice = nullptr;
        if (redisGetReply(subscriber.get(), &notice) != REDIS_OK || !notice)
            fail(QStringLiteral("raw: a notice is missing"));
        freeReplyObject(notice);
    }
    QByteArray last = before.isEmpty() ? QByteArray("-") : '(' + before;
    int read = 0;
    for (;;) {
        redisReply *page =
            command(reader.get(), {"XRANGE", keys.log(Channel), last, "+", "COUNT", "1000"});
        if (page->elements == 0) {
            freeReplyObject(page);
            break;
        }
        for (size_t i = 0; i < page->elements; ++i) {
            const redisReply *entry = page->element[i];
            const redisReply *fields = entry->element[1];
            QByteArray from;
            QByteArray text;
            QByteArray cid;
            for (size_t f = 0; f + 1 < fields->elements; f += 2) {
                const char *name = fields->element[f]->str;
                const redisReply *value = fields->element[f + 1];
                if (std::strcmp(name, "from") == 0)
                    from = QByteArray(value->str, qsizetype(value->len));
                else if (std::strcmp(name, "text") == 0)
                    text = QByteArray(value->str, qsizetype(value->len));
                else if (std::strcmp(name, "cid") == 0)
                    cid = QByteArray(value->str, qsizetype(value->len));
            }
            ++read;
        }
        const redisReply *lastEntry = page->element[page->elements - 1];
        last = '(' + QByteArray(lastEntry->element[0]->str, qsizetype(lastEntry->element[0]->len));
        freeReplyObject(page);
    }
    const double seconds = double(clock.nsecsElapsed()) / 1e9;
    if (read != posts)
        fail(QStringLiteral("raw read %1 of %2 entries").arg(read).arg(posts));
    return seconds;
}

QString pythonWithRedis()
{
    // Debian's interpreter, where python3-redis and python3-hiredis install to.
    for (const QString &candidate : {QStringLiteral("/usr/bin/python3"),
                                     QStandardPaths::findExecutable(QStringLiteral("python3"))}) {
        if (candidate.isEmpty() || !QFileInfo(candidate).isExecutable())
            continue;
        QProcess check;
        check.start(candidate,
                    {QStringLiteral("-c"),
                     QStringLiteral("import hiredis, redis.utils; "
                                    "assert redis.utils.HIREDIS_AVAILABLE")});
        if (check.waitForFinished(20000) && check.exitStatus() == QProcess::NormalExit
            && check.exitCode() == 0)
            return candidate;
    }
    return {};
}

QString rate(double posts, double seconds)
{
    return QStringLiteral("%1k/s").arg(posts / seconds / 1000, 0, 'f', 1);
}

int run(bool quick, bool model, bool tail)
{
    const int posts = quick ? 20000 : 200000;
    const int repeats = quick ? 3 : 5;
    RedisServerFixture::Config config;
    // A stopped subscriber's notices pile up on the server: measured, not cut off.
    config.extraConfig << QStringLiteral("client-output-buffer-limit pubsub 0 0 0");
    RedisServerFixture server(config);
    if (!server.start())
        fail(QStringLiteral("cannot start redis-server: ") + server.errorString());

    const QString cli = QStringLiteral(CONFAB_CLI_PATH);
    const QString peer = QStringLiteral(PEER_TAIL_PATH);
    const QString python = pythonWithRedis();
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString &name : environment.keys()) {
        if (name.startsWith(QLatin1String("REDIS_")) || name.startsWith(QLatin1String("CONFAB_")))
            environment.remove(name);
    }
    environment.insert(QStringLiteral("CONFAB_USER"), QStringLiteral("bench"));
    environment.insert(QStringLiteral("CONFAB_SECRET"), QStringLiteral("bench-secret"));
    environment.insert(QStringLiteral("PYTHONUNBUFFERED"), QString()); // (unset: block buffered)
    environment.remove(QStringLiteral("PYTHONUNBUFFERED"));
    const QString url = QStringLiteral("redis://127.0.0.1:%1").arg(server.port());

    std::printf("bench_drain%s: drain a backlog of %d posts (receiver stopped while they arrive, "
                "then resumed), %d runs, alternated\n\n",
                quick ? " --quick" : "", posts, repeats);
    std::vector<double> ours, peers, wires, models, raws;
    int runNumber = 0;
    for (int r = 0; r < repeats; ++r) {
        if (model) {
            server.command({"DEL", ChatKeys().log(Channel)});
            models.push_back(modelDrain(server, posts));
            server.command({"DEL", ChatKeys().log(Channel)});
            raws.push_back(rawDrain(server.port(), posts));
        }
        if (!tail)
            continue;
        server.command({"DEL", ChatKeys().log(Channel)});
        {
            Receiver tail(cli, {QStringLiteral("--url"), url, QStringLiteral("tail"), Channel},
                          environment);
            ours.push_back(drain(tail, server.port(), posts, &runNumber));
        }
        wires.push_back(wire(server.port(), posts));
        if (!python.isEmpty()) {
            server.command({"DEL", ChatKeys().log(Channel)});
            Receiver script(python, {peer, QString::number(server.port()), Channel}, environment);
            peers.push_back(drain(script, server.port(), posts, &runNumber));
        }
    }
    if (!models.empty()) {
        const double modelRate = posts / median(models);
        const double rawRate = posts / median(raws);
        std::printf("model (ChatSession)      %10s   runs (s): %s\n",
                    qPrintable(rate(posts, median(models))), qPrintable(Bench::runs(models, 3)));
        std::printf("raw (hiredis, v2 reads)  %10s   runs (s): %s\n",
                    qPrintable(rate(posts, median(raws))), qPrintable(Bench::runs(raws, 3)));
        std::printf("    ratio model / raw %.2f   target >= 0.50   %s\n", modelRate / rawRate,
                    modelRate / rawRate >= 0.5 ? "meets" : "below");
        if (!peers.empty()) {
            const double peerRate = posts / median(peers);
            std::printf("    ratio model / peer %.2f   target >= 3.00   %s\n", modelRate / peerRate,
                        modelRate / peerRate >= 3 ? "meets" : "below");
        }
        std::printf("\n");
    }
    if (ours.empty())
        return 0;
    const double oursRate = posts / median(ours);
    std::printf("confab-cli tail          %10s   runs (s): %s\n",
                qPrintable(rate(posts, median(ours))), qPrintable(Bench::runs(ours, 3)));
    if (!peers.empty()) {
        const double peerRate = posts / median(peers);
        std::printf("redis-py + hiredis peer  %10s   runs (s): %s\n",
                    qPrintable(rate(posts, median(peers))), qPrintable(Bench::runs(peers, 3)));
        std::printf("    ratio confab / peer %.2f   target >= 3.00   %s\n", oursRate / peerRate,
                    oursRate / peerRate >= 3 ? "meets" : "below");
    } else {
        std::printf("redis-py + hiredis peer  skipped: no python3 with redis and hiredis (Debian: "
                    "python3-redis python3-hiredis)\n");
    }
    const double wireRate = posts / median(wires);
    std::printf("wire (hiredis XRANGE)    %10s   runs (s): %s\n",
                qPrintable(rate(posts, median(wires))), qPrintable(Bench::runs(wires, 3)));
    std::printf("    ratio confab / wire %.2f\n", oursRate / wireRate);
    return 0;
}

} // namespace
} // namespace Confab

int main(int argc, char **argv)
{
    // As the applications do (app/main.cpp, app/cli/main.cpp).
    Confab::AllocatorTuning::apply();
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments().mid(1);
    const bool quick = args.contains(QStringLiteral("--quick"));
    const bool model = args.contains(QStringLiteral("model"));
    const bool tail = args.contains(QStringLiteral("tail"));
    try {
        return Confab::run(quick, model || !tail, tail || !model);
    } catch (const Confab::Bench::Failure &failure) {
        std::fprintf(stderr, "bench_drain: %s\n", failure.what());
        return 1;
    }
}
