#include "CliRunner.h"
#include "PresenceTestSupport.h"
#include "RedisServerFixture.h"
#include "ThreadedWorker.h"

#include "presence/Presence.h"
#include "presence/PresenceTracker.h"

#include <QElapsedTimer>
#include <QTest>

using namespace Confab;
using namespace Confab::Test;

using State = Presence::State;

// Presence (PROTOCOL.md, "Presence") between real clients on a real server: what one sets,
// another sees through a notice and one read, never by polling; a client that quits goes
// offline at once, one that crashes within its key's expiry.
class tst_Presence : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<RedisServerFixture>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        m_cli = std::make_unique<CliRunner>(QStringLiteral(CONFAB_CLI_PATH));
        QVERIFY(m_cli->isValid());
        m_cli->setUrl(QStringLiteral("redis://127.0.0.1:%1").arg(m_server->port()));
    }

    void init() { QVERIFY(m_server->command({"FLUSHALL"}).isOk()); }

    void statusTextIsOneCleanLine()
    {
        QCOMPARE(Presence::cleanStatus(QStringLiteral("  in a\nmeeting\t ")),
                 QStringLiteral("in a meeting"));
        const QString longText(500, u'x');
        QCOMPARE(Presence::cleanStatus(longText).size(), Presence::MaxStatusLength);
        // Whole characters: an emoji at the limit is kept or dropped, never halved.
        const QString emoji = QString(Presence::MaxStatusLength - 1, u'a') + QStringLiteral("😀😀");
        const QString cut = Presence::cleanStatus(emoji);
        QVERIFY(!cut.back().isHighSurrogate());
        QCOMPARE(cut.right(2), QStringLiteral("😀"));
        QCOMPARE(Presence::cleanStatus(QString(QChar(0xD800)) + u'a'), QStringLiteral("a"));
    }

    void noticesAreReadStrictly()
    {
        QCOMPARE(PresenceTracker::noticeAccount(R"({"v":2,"user":"alice"})"),
                 std::optional<QString>(QStringLiteral("alice")));
        for (const QByteArray &bad :
             {QByteArray("alice"), QByteArray(R"({"user":3})"), QByteArray(R"({"v":2})"),
              QByteArray(R"({"user":"a{b}"})"), QByteArray(R"({"user":""})"),
              QByteArray(R"([{"user":"alice"}])"), QByteArray(5000, '{')})
            QVERIFY2(!PresenceTracker::noticeAccount(bad), bad.left(40).constData());
    }

    // Online, away with a status, back, and quit: each seen by another client from one notice
    // and one read.
    void anotherClientFollowsEveryChange()
    {
        ThreadedWorker alice(presenceConfig(*m_server, QStringLiteral("alice")));
        {
            ThreadedWorker bob(presenceConfig(*m_server, QStringLiteral("bob"), false));
            QVERIFY(alice.waitForReady());
            QVERIFY(bob.waitForReady());
            bob.run([w = bob.worker()] { w->watchPresence({QStringLiteral("alice")}); });
            QTRY_COMPARE_WITH_TIMEOUT(bob.presenceOf(QStringLiteral("alice")).state, State::Online,
                                      15000);
            const quint64 readsBefore = presenceReadsOf(bob);

            alice.run([w = alice.worker()] {
                w->setPresence(State::Away, QStringLiteral("lunch, back at 2"));
            });
            QTRY_COMPARE_WITH_TIMEOUT(bob.presenceOf(QStringLiteral("alice")).state, State::Away,
                                      15000);
            QCOMPARE(bob.presenceOf(QStringLiteral("alice")).status,
                     QStringLiteral("lunch, back at 2"));
            alice.run([w = alice.worker()] { w->setPresence(State::Online, QString()); });
            QTRY_COMPARE_WITH_TIMEOUT(bob.presenceOf(QStringLiteral("alice")).state, State::Online,
                                      15000);
            QVERIFY(bob.presenceOf(QStringLiteral("alice")).status.isEmpty());
            // One read per change, nothing in between.
            QCOMPARE(presenceReadsOf(bob), readsBefore + 2);
            QCOMPARE(bob.presenceHistory(QStringLiteral("alice")),
                     (QList<State>{State::Online, State::Away, State::Online}));
        }
        // bob quit: alice follows herself only; bob's own key is gone at once.
        QCOMPARE(m_server->command({"EXISTS", "user:{bob}:presence"}).toInteger(), 0);
    }

    void quittingGoesOfflineAtOnce()
    {
        ThreadedWorker bob(presenceConfig(*m_server, QStringLiteral("bob"), false));
        QVERIFY(bob.waitForReady());
        {
            ThreadedWorker alice(presenceConfig(*m_server, QStringLiteral("alice")));
            QVERIFY(alice.waitForReady());
            bob.run([w = bob.worker()] { w->watchPresence({QStringLiteral("alice")}); });
            QTRY_COMPARE_WITH_TIMEOUT(bob.presenceOf(QStringLiteral("alice")).state, State::Online,
                                      15000);
        }
        QElapsedTimer clock;
        clock.start();
        QTRY_COMPARE_WITH_TIMEOUT(bob.presenceOf(QStringLiteral("alice")).state, State::Offline,
                                  15000);
        // The key lives 30 s: offline this soon means the quit said so.
        QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(m_server->command({"EXISTS", "user:{alice}:presence"}).toInteger(), 0);
    }

    // A bot holding its presence with confab-cli, killed with SIGKILL: nobody says it left,
    // its key expires, and watchers see it offline within --ttl (plus their read slack).
    // Stopped with SIGTERM instead, it goes offline at once.
    void aCrashedClientGoesOfflineWithinItsTtl()
    {
        ThreadedWorker bob(presenceConfig(*m_server, QStringLiteral("bob"), false));
        QVERIFY(bob.waitForReady());
        bob.run([w = bob.worker()] { w->watchPresence({QStringLiteral("robot")}); });
        QTRY_COMPARE_WITH_TIMEOUT(bob.presenceHistory(QStringLiteral("robot")).size(), 1, 15000);

        for (const bool crash : {true, false}) {
            QProcess bot;
            bot.setProcessEnvironment(m_cli->environment(QStringLiteral("robot")));
            bot.start(m_cli->program(),
                      {QStringLiteral("--url"), m_cli->url(), QStringLiteral("presence"),
                       QStringLiteral("online"), QStringLiteral("--status"), QStringLiteral("beep"),
                       QStringLiteral("--hold"), QStringLiteral("--ttl"), QStringLiteral("3")});
            QVERIFY(bot.waitForStarted(30000));
            QTRY_COMPARE_WITH_TIMEOUT(bob.presenceOf(QStringLiteral("robot")).state, State::Online,
                                      15000);
            QCOMPARE(bob.presenceOf(QStringLiteral("robot")).status, QStringLiteral("beep"));
            // Renewed meanwhile: still there after more than one ttl.
            QTRY_VERIFY_WITH_TIMEOUT(
                m_server->command({"PTTL", "user:{robot}:presence"}).toInteger() > 0
                    && renewals() >= 2,
                15000);
            QElapsedTimer clock;
            clock.start();
            if (crash)
                bot.kill();
            else
                bot.terminate();
            QVERIFY(bot.waitForFinished(15000));
            QTRY_COMPARE_WITH_TIMEOUT(bob.presenceOf(QStringLiteral("robot")).state, State::Offline,
                                      15000);
            const qint64 took = clock.elapsed();
            qInfo("%s: offline after %lld ms", crash ? "SIGKILL" : "SIGTERM", took);
            if (crash) {
                QVERIFY2(took <= 3000 + 2000, qPrintable(QString::number(took)));
            } else {
                QCOMPARE(bot.exitStatus(), QProcess::NormalExit);
                QCOMPARE(bot.exitCode(), 0);
                QVERIFY2(took < 2500, qPrintable(QString::number(took)));
            }
        }
    }

    // Anyone may publish on the presence channel: a notice only makes the named account be
    // read, and a malformed one or one for an account nobody follows, not even that.
    void forgedNoticesChangeNothing()
    {
        ThreadedWorker alice(presenceConfig(*m_server, QStringLiteral("alice")));
        ThreadedWorker bob(presenceConfig(*m_server, QStringLiteral("bob"), false));
        QVERIFY(alice.waitForReady());
        QVERIFY(bob.waitForReady());
        bob.run([w = bob.worker()] { w->watchPresence({QStringLiteral("alice")}); });
        QTRY_COMPARE_WITH_TIMEOUT(bob.presenceOf(QStringLiteral("alice")).state, State::Online,
                                  15000);
        const quint64 before = presenceReadsOf(bob);
        for (const QByteArray &payload :
             {QByteArray("garbage"), QByteArray(R"({"v":2,"user":"mallory"})"),
              QByteArray(R"({"v":2,"user":"a{b}"})")})
            m_server->command({"PUBLISH", "user:presence", payload});
        m_server->command(
            {"PUBLISH", "user:presence", R"({"v":2,"user":"alice","state":"offline"})"});
        QTRY_COMPARE_WITH_TIMEOUT(presenceReadsOf(bob), before + 1, 15000);
        QCOMPARE(bob.presenceOf(QStringLiteral("alice")).state, State::Online);
        QCOMPARE(bob.presenceHistory(QStringLiteral("alice")).size(), 1);

        // Another program writing nonsense into the key: shown as online (a client keeps it),
        // the status cleaned.
        m_server->command(
            {"HSET", "user:{alice}:presence", "state", "dancing", "status", "\x1b[31mred\nalert"});
        m_server->command({"PUBLISH", "user:presence", R"({"v":2,"user":"alice"})"});
        QTRY_COMPARE_WITH_TIMEOUT(
            bob.presenceOf(QStringLiteral("alice")).status,
            QStringLiteral("\x1b[31mred alert").replace(u'\x1b', u' ').trimmed(), 15000);
        QCOMPARE(bob.presenceOf(QStringLiteral("alice")).state, State::Online);
    }

    // The key vanished while alice's client runs (a server restarted without its data, an
    // expiry during a long disconnect): the next renewal writes it again and says so.
    void aVanishedKeyIsWrittenAgain()
    {
        ChatConfig quick = presenceConfig(*m_server, QStringLiteral("alice"));
        quick.presenceIntervalMs = 200;
        ThreadedWorker alice(quick);
        ThreadedWorker bob(presenceConfig(*m_server, QStringLiteral("bob"), false));
        QVERIFY(alice.waitForReady());
        QVERIFY(bob.waitForReady());
        bob.run([w = bob.worker()] { w->watchPresence({QStringLiteral("alice")}); });
        QTRY_COMPARE_WITH_TIMEOUT(bob.presenceOf(QStringLiteral("alice")).state, State::Online,
                                  15000);
        m_server->command({"DEL", "user:{alice}:presence"});
        m_server->command({"PUBLISH", "user:presence", R"({"v":2,"user":"alice"})"});
        QTRY_COMPARE_WITH_TIMEOUT(bob.presenceOf(QStringLiteral("alice")).state, State::Offline,
                                  15000);
        QTRY_COMPARE_WITH_TIMEOUT(bob.presenceOf(QStringLiteral("alice")).state, State::Online,
                                  15000);
        QVERIFY(m_server->command({"PTTL", "user:{alice}:presence"}).toInteger() > 0);
    }

    // confab-cli who: the members with their presence, online first; presence sets a bot's.
    void cliWhoAndPresence()
    {
        for (const QString &user :
             {QStringLiteral("anna"), QStringLiteral("bert"), QStringLiteral("cleo")}) {
            const CliRunner::Result joined = m_cli->run(
                {QStringLiteral("join"), QStringLiteral("ops")}, {}, m_cli->environment(user));
            QVERIFY2(joined.succeeded(), joined.err.constData());
        }
        const CliRunner::Result set =
            m_cli->run({QStringLiteral("presence"), QStringLiteral("away"),
                        QStringLiteral("--status"), QStringLiteral("on call\tnights")},
                       {}, m_cli->environment(QStringLiteral("cleo")));
        QVERIFY2(set.succeeded(), set.err.constData());
        QVERIFY(m_server->command({"PTTL", "user:{cleo}:presence"}).toInteger() > 290000);
        const CliRunner::Result online =
            m_cli->run({QStringLiteral("presence"), QStringLiteral("online")}, {},
                       m_cli->environment(QStringLiteral("bert")));
        QVERIFY2(online.succeeded(), online.err.constData());

        const CliRunner::Result who = m_cli->run({QStringLiteral("who"), QStringLiteral("ops")});
        QVERIFY2(who.succeeded(), who.err.constData());
        QCOMPARE(who.lines(),
                 (QStringList{QStringLiteral("bert\tonline\tbert\t"),
                              QStringLiteral("cleo\taway\tcleo\ton call nights"),
                              QStringLiteral("anna\toffline\tanna\t")}));
        const CliRunner::Result json =
            m_cli->run({QStringLiteral("who"), QStringLiteral("ops"), QStringLiteral("--json")});
        QVERIFY2(json.succeeded(), json.err.constData());
        const QJsonObject cleo = QJsonDocument::fromJson(json.lines().at(1).toUtf8()).object();
        QCOMPARE(cleo.value(QLatin1String("account")).toString(), QStringLiteral("cleo"));
        QCOMPARE(cleo.value(QLatin1String("presence")).toString(), QStringLiteral("away"));
        QCOMPARE(cleo.value(QLatin1String("status")).toString(), QStringLiteral("on call nights"));
        QVERIFY(!cleo.value(QLatin1String("since")).toString().isEmpty());

        const CliRunner::Result offline =
            m_cli->run({QStringLiteral("presence"), QStringLiteral("offline")}, {},
                       m_cli->environment(QStringLiteral("cleo")));
        QVERIFY2(offline.succeeded(), offline.err.constData());
        QCOMPARE(m_server->command({"EXISTS", "user:{cleo}:presence"}).toInteger(), 0);

        const CliRunner::Result bad =
            m_cli->run({QStringLiteral("presence"), QStringLiteral("dancing")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.err.contains("online, away or offline"));
        const CliRunner::Result nobody =
            m_cli->run({QStringLiteral("who"), QStringLiteral("nowhere")});
        QCOMPARE(nobody.exitCode, 1);
        QVERIFY(nobody.err.contains("no members"));
    }

private:
    qint64 renewals() const
    {
        const QByteArray stats = m_server->command({"INFO", "commandstats"}).bytes();
        const qsizetype at = stats.indexOf("cmdstat_pexpire:calls=");
        if (at < 0)
            return 0;
        const qsizetype from = at + qsizetype(strlen("cmdstat_pexpire:calls="));
        return stats.mid(from, stats.indexOf(',', from) - from).toLongLong();
    }

    std::unique_ptr<RedisServerFixture> m_server;
    std::unique_ptr<CliRunner> m_cli;
};

QTEST_GUILESS_MAIN(tst_Presence)
#include "tst_Presence.moc"
