#include "RedisServerFixture.h"
#include "ThreadedWorker.h"

#include <QElapsedTimer>
#include <QSemaphore>
#include <QTemporaryDir>
#include <QTest>

using namespace Confab;
using namespace Confab::Test;
using namespace std::chrono_literals;

// Alice floods a channel while the server or the connections fail in one way each; Bob must
// end up with exactly what Alice sent: every message, once, in order.
class tst_ChatFaults : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        RedisServerFixture::Config config;
        config.appendOnly = true;
        // Tiny pub/sub output buffers: a subscriber that falls behind is disconnected.
        config.extraConfig << QStringLiteral("appendfsync everysec")
                           << QStringLiteral("client-output-buffer-limit pubsub 256kb 128kb 1");
        m_server = std::make_unique<RedisServerFixture>(config);
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        QVERIFY(m_dir.isValid());
        m_alice = std::make_unique<ThreadedWorker>(configFor(
            QStringLiteral("alice"), m_dir.filePath(QStringLiteral("alice-outbox.json"))));
        m_bob = std::make_unique<ThreadedWorker>(configFor(QStringLiteral("bob")));
        for (ThreadedWorker *w : {m_alice.get(), m_bob.get()}) {
            w->run([worker = w->worker()] { worker->joinChannel(QStringLiteral("flood")); });
            QVERIFY(w->waitForJoined(QStringLiteral("flood")));
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_bob->historyPages(QStringLiteral("flood")), 1, 20000);
    }

    void cleanup()
    {
        m_alice.reset();
        m_bob.reset();
        m_server.reset();
    }

    void floodSurvivesServerRestart()
    {
        flood(0, Half);
        QVERIFY(m_bob->waitForTexts(QStringLiteral("flood"), 1000));
        m_server->stop();
        flood(Half, Total); // while the server is down: into the outbox
        QVERIFY2(m_server->restart(), qPrintable(m_server->errorString()));
        verifyBobGetsEverything();
    }

    void floodSurvivesKilledSubscribers()
    {
        flood(0, Half);
        QVERIFY(m_bob->waitForTexts(QStringLiteral("flood"), 1000));
        QVERIFY(m_server->command({"CLIENT", "KILL", "TYPE", "pubsub"}).toInteger() >= 2);
        flood(Half, Total);
        verifyBobGetsEverything();
    }

    void floodSurvivesPausedServer()
    {
        flood(0, Half);
        QVERIFY(m_bob->waitForTexts(QStringLiteral("flood"), 1000));
        const qsizetype statesBefore = m_bob->states().size();
        QElapsedTimer paused;
        m_server->pause();
        paused.start();
        flood(Half, Total);
        // While the server is still silent, Bob's health check gives up on it and he starts
        // reconnecting: the pause is noticed, not merely sat out on an open socket.
        QTRY_VERIFY_WITH_TIMEOUT(
            m_bob->states().mid(statesBefore).contains(RedisConnection::State::Reconnecting),
            20000);
        // The fault itself: five seconds of silence in all.
        QTest::qWait(int(std::max<qint64>(0, 5000 - paused.elapsed())));
        m_server->resume();
        verifyBobGetsEverything();
    }

    void floodSurvivesSubscriberOutputBufferOverflow()
    {
        // Bob's worker thread stalls (a slow client) while a flood of 1 KB messages arrives:
        // the server drops his subscription once its output buffer overflows.
        const QString before = subscriberId(QStringLiteral("confab:bob:sub"));
        QVERIFY(!before.isEmpty());
        QSemaphore release;
        m_bob->run([&release] { release.acquire(); });
        flood(0, Total, 1000);
        QTRY_VERIFY_WITH_TIMEOUT(m_alice->sentCount() == Total, 60000);
        // Version-2 notices are a few dozen bytes, which the kernel's socket buffers take in
        // whole; another program's chatty notices (hints, any payload) fill the server's buffer.
        m_server->command({"EVAL",
                           "for i = 1, 20000 do redis.call('PUBLISH', KEYS[1], "
                           "string.rep('x', 1000)) end",
                           "1", "channel:{flood}"});
        release.release();
        verifyBobGetsEverything(1000);
        // The server did cut Bob off (he is on a new connection), and he caught up.
        const QString after = subscriberId(QStringLiteral("confab:bob:sub"));
        QVERIFY(!after.isEmpty());
        QVERIFY(after != before);
    }

    void outboxSurvivesRestartOfTheSender()
    {
        m_server->stop();
        flood(0, 100);
        QTRY_COMPARE_WITH_TIMEOUT(m_alice->outboxCount(), 100, 20000);
        m_alice.reset(); // quit while offline
        QVERIFY(m_server->restart());
        m_alice = std::make_unique<ThreadedWorker>(configFor(
            QStringLiteral("alice"), m_dir.filePath(QStringLiteral("alice-outbox.json"))));
        // Behind the 100 of the saved outbox. (Only Bob's log is compared: the new Alice's
        // first screen is the newest page, not the whole log.)
        sendSentinel();
        QStringList want = expected(0, 100);
        want << sentinel();
        verifyLog(*m_bob, want);
        QTRY_COMPARE_WITH_TIMEOUT(m_alice->outboxCount(), 0, 20000);
    }

private:
    static constexpr int Total = 20000;
    static constexpr int Half = Total / 2;

    static QString text(int i, int padding)
    {
        return QString::number(i).rightJustified(padding, u'.');
    }

    // Alice's last word, sent after everything else. Once a log holds it, everything before it
    // has arrived, and so would have any duplicate of it: the log is then compared exactly,
    // not as soon as it merely holds enough messages.
    static QString sentinel() { return QStringLiteral("sentinel: the flood is over"); }

    // A worker's config for the current test function.
    ChatConfig configFor(const QString &user, const QString &outboxPath = {}) const
    {
        ChatConfig config = ThreadedWorker::configFor(*m_server, user, outboxPath);
        // A paused server keeps its sockets open; only the health check notices the silence.
        // Its defaults (a PING after 15 s idle, 10 s to answer) would sleep through the five
        // seconds of the SIGSTOP test, which would then see no reconnect at all.
        if (qstrcmp(QTest::currentTestFunction(), "floodSurvivesPausedServer") == 0) {
            config.redis.healthCheckInterval = 500ms;
            config.redis.healthCheckTimeout = 1000ms;
        }
        return config;
    }

    static QStringList expected(int from, int to, int padding = 0)
    {
        QStringList out;
        for (int i = from; i < to; ++i)
            out << text(i, padding);
        return out;
    }

    // The id of the pub/sub connection with this client name, from CLIENT LIST.
    QString subscriberId(const QString &name) const
    {
        const QStringList lines =
            m_server->command({"CLIENT", "LIST", "TYPE", "pubsub"}).toString().split(u'\n');
        for (const QString &line : lines) {
            if (line.contains(QStringLiteral(" name=") + name + u' '))
                return line.section(u' ', 0, 0);
        }
        return {};
    }

    void flood(int from, int to, int padding = 0)
    {
        m_alice->run([w = m_alice->worker(), from, to, padding] {
            for (int i = from; i < to; ++i)
                w->sendMessage(QStringLiteral("flood"), text(i, padding));
        });
    }

    void sendSentinel()
    {
        m_alice->run(
            [w = m_alice->worker()] { w->sendMessage(QStringLiteral("flood"), sentinel()); });
    }

    // Waits for the sentinel in `worker`'s log, then wants exactly `want`: no gaps, no
    // duplicates, in order.
    void verifyLog(const ThreadedWorker &worker, const QStringList &want)
    {
        const bool complete = QTest::qWaitFor(
            [&worker] { return worker.texts(QStringLiteral("flood")).contains(sentinel()); },
            120000);
        const QStringList got = worker.texts(QStringLiteral("flood"));
        QVERIFY2(complete,
                 qPrintable(QStringLiteral("%1 has %2 of %3 messages, not the sentinel")
                                .arg(worker.userName())
                                .arg(got.size())
                                .arg(want.size())));
        if (got != want) {
            for (qsizetype i = 0; i < std::min(got.size(), want.size()); ++i)
                QVERIFY2(got[i] == want[i],
                         qPrintable(QStringLiteral("%1: first difference at %2: got %3, want %4")
                                        .arg(worker.userName())
                                        .arg(i)
                                        .arg(got[i].left(30), want[i].left(30))));
        }
        QCOMPARE(got.size(), want.size());
    }

    void verifyBobGetsEverything(int padding = 0)
    {
        sendSentinel();
        QStringList want = expected(0, Total, padding);
        want << sentinel();
        verifyLog(*m_bob, want);
        if (QTest::currentTestFailed())
            return;
        // Alice's own view is complete too.
        verifyLog(*m_alice, want);
        QTRY_COMPARE_WITH_TIMEOUT(m_alice->outboxCount(), 0, 20000);
    }

    QTemporaryDir m_dir;
    std::unique_ptr<RedisServerFixture> m_server;
    std::unique_ptr<ThreadedWorker> m_alice;
    std::unique_ptr<ThreadedWorker> m_bob;
};

QTEST_GUILESS_MAIN(tst_ChatFaults)
#include "tst_ChatFaults.moc"
