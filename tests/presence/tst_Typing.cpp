#include "RedisServerFixture.h"
#include "ThreadedWorker.h"

#include "model/TypingTracker.h"
#include "presence/TypingNotifier.h"
#include "redis/RedisConnection.h"

#include <QSignalSpy>
#include <QTest>

using namespace Confab;
using namespace Confab::Test;

// Typing notices (PROTOCOL.md, "Typing"): throttled on the way out, heard by the others in
// the conversation, never in the log, and lapsing by themselves.
class tst_Typing : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<RedisServerFixture>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    }

    void init() { QVERIFY(m_server->command({"FLUSHALL"}).isOk()); }

    void noticesAreReadStrictly()
    {
        const auto notice =
            TypingNotifier::parse(TypingNotifier::payload(QStringLiteral("bob"), true));
        QVERIFY(notice);
        QCOMPARE(notice->account, QStringLiteral("bob"));
        QVERIFY(notice->typing);
        QVERIFY(!TypingNotifier::parse(R"({"v":2,"id":"1-1"})"));
        QVERIFY(!TypingNotifier::parse(R"({"typing":"bob"})"));
        QVERIFY(!TypingNotifier::parse(R"({"typing":"bob","state":"dancing"})"));
        QVERIFY(!TypingNotifier::parse(R"({"typing":"a{b}","state":"start"})"));
        QVERIFY(!TypingNotifier::parse(R"({"typing":7,"state":"start"})"));
        QVERIFY(!TypingNotifier::parse("\"typing\"" + QByteArray(2000, ' ')));
    }

    void describesOneTwoAndMany()
    {
        QCOMPARE(TypingTracker::describe({}), QString());
        QVERIFY(TypingTracker::describe({QStringLiteral("alice")}).endsWith(u"is typing…"));
        QVERIFY(TypingTracker::describe({QStringLiteral("alice")}).contains(u"alice"));
        const QString two =
            TypingTracker::describe({QStringLiteral("alice"), QStringLiteral("bob")});
        QVERIFY(two.contains(u"alice") && two.contains(u"bob") && two.endsWith(u"are typing…"));
        QCOMPARE(TypingTracker::describe(
                     {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}),
                 QStringLiteral("Several people are typing…"));
    }

    void aStartLapsesWithoutRenewal()
    {
        TypingTracker tracker;
        tracker.setExpiry(std::chrono::milliseconds(300));
        QSignalSpy changed(&tracker, &TypingTracker::changed);
        tracker.noticed(QStringLiteral("dev"), QStringLiteral("bob"), true);
        tracker.noticed(QStringLiteral("dev"), QStringLiteral("carol"), true);
        QCOMPARE(tracker.typingIn(QStringLiteral("dev")),
                 (QStringList{QStringLiteral("bob"), QStringLiteral("carol")}));
        tracker.noticed(QStringLiteral("dev"), QStringLiteral("carol"), false);
        QCOMPARE(tracker.typingIn(QStringLiteral("dev")), QStringList{QStringLiteral("bob")});
        QTRY_VERIFY_WITH_TIMEOUT(tracker.typingIn(QStringLiteral("dev")).isEmpty(), 5000);
        QCOMPARE(changed.size(), 4);
    }

    // alice types for a while: one "start" per interval goes out, bob hears it, her message
    // (or clearing the input) says "stop", and nothing of it reaches the log.
    void throttledHeardAndNeverLogged()
    {
        ThreadedWorker alice(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
        ThreadedWorker bob(ThreadedWorker::configFor(*m_server, QStringLiteral("bob")));
        for (ThreadedWorker *w : {&alice, &bob}) {
            QVERIFY(w->waitForReady());
            w->run([worker = w->worker()] { worker->joinChannel(QStringLiteral("t")); });
            QVERIFY(w->waitForJoined(QStringLiteral("t")));
        }
        // What goes over the wire, counted by a subscriber of our own.
        RedisConnection listener(m_server->options());
        QSignalSpy heard(&listener, &RedisConnection::messageReceived);
        QSignalSpy subscribed(&listener, &RedisConnection::subscribed);
        listener.open();
        listener.subscribe({"channel:{t}"});
        QVERIFY(subscribed.wait(15000));

        // 50 keystrokes at once: one notice.
        alice.run([w = alice.worker()] {
            for (int i = 0; i < 50; ++i)
                w->setTyping(QStringLiteral("t"), true);
        });
        QTRY_COMPARE_WITH_TIMEOUT(bob.typingNotices(), QStringList{QStringLiteral("t alice start")},
                                  15000);
        QTRY_COMPARE_WITH_TIMEOUT(heard.size(), 1, 15000);
        QVERIFY(alice.typingNotices().isEmpty()); // one's own is not reported
        // She sends: the stop goes out with it.
        alice.run([w = alice.worker()] {
            w->sendMessage(QStringLiteral("t"), QStringLiteral("done typing"));
        });
        QVERIFY(bob.waitForTexts(QStringLiteral("t"), 1));
        QTRY_COMPARE_WITH_TIMEOUT(bob.typingNotices().size(), 2, 15000);
        QCOMPARE(bob.typingNotices().last(), QStringLiteral("t alice stop"));
        // Stopping again sends nothing: nothing is being typed.
        const qsizetype before = heard.size();
        alice.run([w = alice.worker()] { w->setTyping(QStringLiteral("t"), false); });
        alice.run([w = alice.worker()] { w->setTyping(QStringLiteral("t"), true); });
        QTRY_COMPARE_WITH_TIMEOUT(bob.typingNotices().size(), 3, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(heard.size(), before + 1, 15000);
        // Only the message is in the log.
        QCOMPARE(m_server->command({"XLEN", "channel:{t}:log"}).toInteger(), 3); // 2 joins + 1
        // And a channel she has not joined gets nothing.
        alice.run([w = alice.worker()] { w->setTyping(QStringLiteral("elsewhere"), true); });
        alice.run([w = alice.worker()] { w->setTyping(QStringLiteral("t"), false); });
        QTRY_COMPARE_WITH_TIMEOUT(bob.typingNotices().size(), 4, 15000);
        QCOMPARE(bob.typingNotices().last(), QStringLiteral("t alice stop"));
    }

private:
    std::unique_ptr<RedisServerFixture> m_server;
};

QTEST_GUILESS_MAIN(tst_Typing)
#include "tst_Typing.moc"
