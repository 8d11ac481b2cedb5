#include "RedisServerFixture.h"
#include "ThreadedWorker.h"

#include <QSemaphore>
#include <QTemporaryDir>
#include <QTest>

using namespace Confab;
using namespace Confab::Test;

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
        m_alice = std::make_unique<ThreadedWorker>(
            ThreadedWorker::configFor(*m_server, QStringLiteral("alice"), m_dir.filePath(QStringLiteral("alice-outbox.json"))));
        m_bob = std::make_unique<ThreadedWorker>(ThreadedWorker::configFor(*m_server, QStringLiteral("bob")));
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
        m_server->pause();
        flood(Half, Total);
        QTest::qWait(5000); // the fault itself: five seconds of silence
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
        m_alice = std::make_unique<ThreadedWorker>(
            ThreadedWorker::configFor(*m_server, QStringLiteral("alice"), m_dir.filePath(QStringLiteral("alice-outbox.json"))));
        QVERIFY(m_bob->waitForTexts(QStringLiteral("flood"), 100));
        QTRY_COMPARE_WITH_TIMEOUT(m_alice->outboxCount(), 0, 20000);
        QCOMPARE(m_bob->texts(QStringLiteral("flood")), expected(0, 100));
    }

private:
    static constexpr int Total = 20000;
    static constexpr int Half = Total / 2;

    static QString text(int i, int padding) { return QString::number(i).rightJustified(padding, u'.'); }

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
        const QStringList lines = m_server->command({"CLIENT", "LIST", "TYPE", "pubsub"}).toString().split(u'\n');
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

    void verifyBobGetsEverything(int padding = 0)
    {
        const bool complete = m_bob->waitForTexts(QStringLiteral("flood"), Total, 120000);
        const QStringList got = m_bob->texts(QStringLiteral("flood"));
        QVERIFY2(complete, qPrintable(QStringLiteral("bob has %1 of %2").arg(got.size()).arg(Total)));
        const QStringList want = expected(0, Total, padding);
        if (got != want) {
            for (qsizetype i = 0; i < std::min(got.size(), want.size()); ++i)
                QVERIFY2(got[i] == want[i], qPrintable(QStringLiteral("first difference at %1: got %2").arg(i).arg(got[i].left(20))));
        }
        QCOMPARE(got.size(), want.size());
        // Alice's own view is complete too.
        QVERIFY(m_alice->waitForTexts(QStringLiteral("flood"), Total, 60000));
        QCOMPARE(m_alice->texts(QStringLiteral("flood")), want);
        QTRY_COMPARE_WITH_TIMEOUT(m_alice->outboxCount(), 0, 20000);
    }

    QTemporaryDir m_dir;
    std::unique_ptr<RedisServerFixture> m_server;
    std::unique_ptr<ThreadedWorker> m_alice;
    std::unique_ptr<ThreadedWorker> m_bob;
};

QTEST_GUILESS_MAIN(tst_ChatFaults)
#include "tst_ChatFaults.moc"
