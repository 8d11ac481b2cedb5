// Protocol version 2's promises (PROTOCOL.md): keys that no choice of names can make collide,
// direct conversations only their two people can reach, a log that no notice can overrule,
// membership that a failed join does not fake, and validated key prefixes. Against a real
// redis-server; "another program" is the test's own connection.

#include "RedisServerFixture.h"
#include "ThreadedWorker.h"

#include "chat/ChatConfig.h"
#include "chat/ChatKeys.h"
#include "chat/ChatScripts.h"
#include "chat/NameRule.h"

#include <QTest>

using namespace Confab;
using namespace Confab::Test;

class tst_ProtocolV2 : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<RedisServerFixture>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    }

    void init() { QVERIFY(m_server->command({"FLUSHALL"}).isOk()); }

    void directConversationNamesAreInjective_data()
    {
        QTest::addColumn<QString>("a1");
        QTest::addColumn<QString>("b1");
        QTest::addColumn<QString>("a2");
        QTest::addColumn<QString>("b2");
        // Version 1 made both of these "dm:gui1:z:q_".
        QTest::newRow("colons") << QStringLiteral("z:q_") << QStringLiteral("gui1")
                                << QStringLiteral("gui1:z") << QStringLiteral("q_");
        QTest::newRow("prefix") << QStringLiteral("a") << QStringLiteral("bc")
                                << QStringLiteral("ab") << QStringLiteral("c");
        QTest::newRow("at signs") << QStringLiteral("a@b") << QStringLiteral("c")
                                  << QStringLiteral("a") << QStringLiteral("b@c");
        QTest::newRow("unicode") << QStringLiteral("é") << QStringLiteral("e")
                                 << QStringLiteral("e\u0301") << QStringLiteral("x");
    }
    void directConversationNamesAreInjective()
    {
        QFETCH(QString, a1);
        QFETCH(QString, b1);
        QFETCH(QString, a2);
        QFETCH(QString, b2);
        const QString first = ChatKeys::directChannel(a1, b1);
        const QString second = ChatKeys::directChannel(a2, b2);
        QVERIFY(first != second);
        QCOMPARE(ChatKeys::directChannel(b1, a1), first); // order does not matter
        const QStringList people = ChatKeys::directParticipants(first);
        QCOMPARE(QSet<QString>(people.begin(), people.end()), (QSet<QString>{a1, b1}));
        QCOMPARE(ChatKeys::directPeer(first, a1), b1);
        if (a2 != a1 && a2 != b1)
            QCOMPARE(ChatKeys::directPeer(first, a2), QString());
        // No channel can be called that.
        QVERIFY(!NameRule::isValid(first));
    }

    void keysOfDifferentThingsNeverCollide()
    {
        // Every pair of (kind, name) below gives a different key, with names chosen to look
        // like other keys' suffixes.
        const ChatKeys keys;
        const QStringList names{QStringLiteral("gui1"),          QStringLiteral("gui1:read"),
                                QStringLiteral("gui1:channels"), QStringLiteral("read"),
                                QStringLiteral("log"),           QStringLiteral("index"),
                                QStringLiteral("x:log"),         QStringLiteral("@a b")};
        QSet<QByteArray> seen;
        int made = 0;
        for (const QString &name : names) {
            for (const QByteArray &key :
                 {keys.log(name), keys.info(name), keys.members(name), keys.user(name),
                  keys.userChannels(name), keys.userReadMarks(name), keys.userDirect(name),
                  keys.sent(name, "c1")}) {
                seen.insert(key);
                ++made;
            }
        }
        seen.insert(keys.index());
        QCOMPARE(seen.size(), made + 1);
        QCOMPARE(keys.user(QStringLiteral("gui1:read")), QByteArray("user:{gui1:read}"));
        QCOMPARE(keys.userReadMarks(QStringLiteral("gui1")), QByteArray("user:{gui1}:read"));
        // The namespace goes in front of everything.
        const ChatKeys spaced("channel:", "message:", "teamA:");
        QCOMPARE(spaced.user(QStringLiteral("bob")), QByteArray("teamA:user:{bob}"));
        QCOMPARE(spaced.log(QStringLiteral("dev")), QByteArray("teamA:channel:{dev}:log"));
        QCOMPARE(spaced.index(), QByteArray("teamA:channel:index"));
    }

    void namesWithColonsCannotReachEachOthersConversations()
    {
        // The version-1 leak: (z:q_, gui1) and (gui1:z, q_) shared one conversation.
        ThreadedWorker zq(ThreadedWorker::configFor(*m_server, QStringLiteral("z:q_")));
        ThreadedWorker gui1(ThreadedWorker::configFor(*m_server, QStringLiteral("gui1")));
        ThreadedWorker gui1z(ThreadedWorker::configFor(*m_server, QStringLiteral("gui1:z")));
        ThreadedWorker q(ThreadedWorker::configFor(*m_server, QStringLiteral("q_")));
        for (ThreadedWorker *w : {&zq, &gui1, &gui1z, &q})
            QVERIFY(w->waitForReady());
        zq.run([w = zq.worker()] {
            w->openDirectChannel(QStringLiteral("gui1"), QStringLiteral("for gui1 only"));
        });
        gui1z.run([w = gui1z.worker()] {
            w->openDirectChannel(QStringLiteral("q_"), QStringLiteral("for q_ only"));
        });
        const QString first =
            ChatKeys::directChannel(QStringLiteral("z:q_"), QStringLiteral("gui1"));
        const QString second =
            ChatKeys::directChannel(QStringLiteral("gui1:z"), QStringLiteral("q_"));
        QVERIFY(gui1.waitForTexts(first, 1));
        QVERIFY(q.waitForTexts(second, 1));
        QCOMPARE(gui1.texts(first), QStringList{QStringLiteral("for gui1 only")});
        QCOMPARE(q.texts(second), QStringList{QStringLiteral("for q_ only")});
        // Nobody else was told about either, or can read into them through the client.
        QVERIFY(!q.joined().contains(first) && !gui1.joined().contains(second));
        QVERIFY(!zq.joined().contains(second) && !gui1z.joined().contains(first));
        // And a third party cannot post into one, even bypassing the client.
        const QByteArray tag = "channel:{" + first.toUtf8() + '}';
        const RedisReply intrusion = m_server->command(
            {"EVAL", ChatScripts::post().source(), "4", tag + ":log",
             "message:{" + first.toUtf8() + "}:x", tag + ":info", tag + ":members", tag, "100",
             "1000", "60", "join", "gui1:z", "", "x", "2", first.toUtf8(), ""});
        QCOMPARE(intrusion.errorCode(), QByteArray("NOTMEMBER"));
    }

    void userNamesThatLookLikeKeysStayApart()
    {
        ThreadedWorker gui1(ThreadedWorker::configFor(*m_server, QStringLiteral("gui1")));
        QVERIFY(gui1.waitForReady());
        gui1.run([w = gui1.worker()] { w->joinChannel(QStringLiteral("dev")); });
        QVERIFY(gui1.waitForJoined(QStringLiteral("dev")));
        // In version 1 these wrote into gui1's read marks and channel list.
        for (const QString &name : {QStringLiteral("gui1:read"), QStringLiteral("gui1:channels")}) {
            ThreadedWorker other(ThreadedWorker::configFor(*m_server, name));
            QVERIFY(other.waitForReady());
            other.run([w = other.worker()] { w->joinChannel(QStringLiteral("other")); });
            QVERIFY(other.waitForJoined(QStringLiteral("other")));
            QVERIFY(other.errors().isEmpty());
        }
        QCOMPARE(m_server->command({"TYPE", "user:{gui1}:channels"}).toString(),
                 QStringLiteral("set"));
        QCOMPARE(m_server->command({"SMEMBERS", "user:{gui1}:channels"}).size(), 1);
        QCOMPARE(m_server->command({"SMEMBERS", "user:{gui1:channels}:channels"}).size(), 1);
        QVERIFY(m_server->command({"HGET", "user:{gui1}:read", "other"}).isNil());
    }

    // A read the server refuses is tried again by itself: the notice that caused it may be the
    // last one for a long time, and what the log holds meanwhile must still be delivered.
    void aRefusedReadIsRetriedWithoutAnotherNotice()
    {
        ThreadedWorker alice(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
        ThreadedWorker bob(ThreadedWorker::configFor(*m_server, QStringLiteral("bob")));
        QVERIFY(alice.waitForReady() && bob.waitForReady());
        for (ThreadedWorker *w : {&alice, &bob}) {
            w->run([w = w->worker()] { w->joinChannel(QStringLiteral("dev")); });
            QVERIFY(w->waitForJoined(QStringLiteral("dev")));
        }
        bob.run([w = bob.worker()] {
            w->sendMessage(QStringLiteral("dev"), QStringLiteral("before"));
        });
        QVERIFY(alice.waitForTexts(QStringLiteral("dev"), 1));

        // Someone puts a string where the log was, and a notice makes Alice read it.
        const QByteArray log = "channel:{dev}:log";
        QVERIFY(m_server->command({"RENAME", log, "saved"}).isOk());
        QVERIFY(m_server->command({"SET", log, "not a stream"}).isOk());
        QVERIFY(m_server->command({"PUBLISH", "channel:{dev}", R"({"v":2})"}).toInteger() >= 1);
        QTRY_VERIFY_WITH_TIMEOUT(
            alice.errors().join(u'\n').contains(QLatin1String("Cannot read the history of #dev")),
            20000);

        // The log comes back with one more entry, and no notice says so.
        QVERIFY(m_server->command({"DEL", log}).toInteger() == 1);
        QVERIFY(m_server->command({"RENAME", "saved", log}).isOk());
        const RedisReply entry =
            m_server->command({"XREVRANGE", log, "+", "-", "COUNT", "1"}).at(0); // "before"
        QList<QByteArray> xadd{"XADD", log, "*"};
        for (qsizetype i = 0; i + 1 < entry.at(1).size(); i += 2) {
            const QByteArray field = entry.at(1).at(i).bytes();
            QByteArray value = entry.at(1).at(i + 1).bytes();
            if (field == "text")
                value = "after";
            else if (field == "cid")
                value = "0123456789abcdef0123456789abcdef";
            xadd << field << value;
        }
        QVERIFY(m_server->command(xadd).isString());
        QVERIFY(alice.waitForTexts(QStringLiteral("dev"), 2));
        QCOMPARE(alice.texts(QStringLiteral("dev")),
                 (QStringList{QStringLiteral("before"), QStringLiteral("after")}));
        // Reported once, not at every attempt.
        QCOMPARE(alice.errors().filter(QLatin1String("Cannot read")).size(), 1);
    }

    void aNoticeCannotMuteOrInvent_data()
    {
        QTest::addColumn<QByteArray>("notice"); // %1: an id far ahead of the log
        QTest::newRow("id ahead of the log") << QByteArray(
            R"({"v":1,"id":"9999999999999-0","type":"msg","from":"mallory","text":"fake"})");
        QTest::newRow("id that does not exist")
            << QByteArray(R"({"v":2,"id":"1-1","type":"msg","from":"mallory","text":"fake"})");
        QTest::newRow("fields that differ from the entry") << QByteArray("MATCHING");
        QTest::newRow("garbage") << QByteArray("\xff\xfe not json");
    }
    void aNoticeCannotMuteOrInvent()
    {
        QFETCH(QByteArray, notice);
        ThreadedWorker alice(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
        ThreadedWorker bob(ThreadedWorker::configFor(*m_server, QStringLiteral("bob")));
        QVERIFY(alice.waitForReady() && bob.waitForReady());
        alice.run([w = alice.worker()] { w->joinChannel(QStringLiteral("dev")); });
        bob.run([w = bob.worker()] { w->joinChannel(QStringLiteral("dev")); });
        QVERIFY(alice.waitForJoined(QStringLiteral("dev"))
                && bob.waitForJoined(QStringLiteral("dev")));
        bob.run([w = bob.worker()] {
            w->sendMessage(QStringLiteral("dev"), QStringLiteral("real 0"));
        });
        QVERIFY(alice.waitForTexts(QStringLiteral("dev"), 1));
        if (notice == "MATCHING") {
            // The newest real id, with a text other than the one in the log.
            const QByteArray id =
                m_server->command({"XREVRANGE", "channel:{dev}:log", "+", "-", "COUNT", "1"})
                    .at(0)
                    .at(0)
                    .bytes();
            notice = "{\"v\":2,\"id\":\"" + id
                + "\",\"type\":\"msg\",\"from\":\"bob\",\"text\":\"forged\"}";
        }
        QVERIFY(m_server->command({"PUBLISH", "channel:{dev}", notice}).toInteger() >= 2);
        for (int i = 1; i <= 5; ++i) {
            bob.run([w = bob.worker(), i] {
                w->sendMessage(QStringLiteral("dev"), QStringLiteral("real %1").arg(i));
            });
        }
        QVERIFY(alice.waitForTexts(QStringLiteral("dev"), 6));
        const QStringList expected{QStringLiteral("real 0"), QStringLiteral("real 1"),
                                   QStringLiteral("real 2"), QStringLiteral("real 3"),
                                   QStringLiteral("real 4"), QStringLiteral("real 5")};
        QCOMPARE(alice.texts(QStringLiteral("dev")), expected);
        // Exactly the entries of the log, in its order.
        const RedisReply log = m_server->command({"XRANGE", "channel:{dev}:log", "-", "+"});
        const ChatMessageList got = alice.messages(QStringLiteral("dev"));
        QCOMPARE(got.size(), log.size());
        for (qsizetype i = 0; i < got.size(); ++i)
            QCOMPARE(got.at(i).id.toByteArray(), log.at(i).at(0).bytes());

        // A read mark only takes an id that was delivered, never one a notice named.
        alice.run([w = alice.worker()] {
            w->markRead(QStringLiteral("dev"), StreamId{9999999999999, 0});
        });
        const StreamId last = got.last().id;
        alice.run([w = alice.worker(), last] { w->markRead(QStringLiteral("dev"), last); });
        QTRY_COMPARE_WITH_TIMEOUT(m_server->command({"HGET", "user:{alice}:read", "dev"}).bytes(),
                                  last.toByteArray(), 20000);
    }

    void aFailedJoinLeavesNoTrace()
    {
        ThreadedWorker alice(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
        QVERIFY(alice.waitForReady());
        // Refused by the server (a hostile prefix of another deployment would do the same):
        // here the log key holds another type, so the join entry cannot be written.
        QVERIFY(m_server->command({"SET", "channel:{broken}:log", "not a stream"}).isOk());
        alice.run([w = alice.worker()] { w->joinChannel(QStringLiteral("broken")); });
        QTRY_VERIFY_WITH_TIMEOUT(!alice.errors().isEmpty(), 20000);
        QVERIFY2(alice.errors().first().contains(QStringLiteral("Cannot join #broken")),
                 qPrintable(alice.errors().first()));
        QVERIFY(!alice.joined().contains(QStringLiteral("broken")));
        QCOMPARE(m_server->command({"EXISTS", "user:{alice}:channels"}).toInteger(), 0);
        QCOMPARE(m_server->command({"SISMEMBER", "channel:index", "broken"}).toInteger(), 0);
        QCOMPARE(m_server->command({"EXISTS", "channel:{broken}:members"}).toInteger(), 0);
    }

    void keyPrefixesAreValidated_data()
    {
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("why"); // empty: accepted
        QTest::newRow("default") << QStringLiteral("CHANNEL_PREFIX") << QStringLiteral("channel:")
                                 << QString();
        QTest::newRow("namespace")
            << QStringLiteral("CONFAB_NAMESPACE") << QStringLiteral("teamA:") << QString();
        QTest::newRow("empty channel prefix")
            << QStringLiteral("CHANNEL_PREFIX") << QString() << QStringLiteral("may not be empty");
        QTest::newRow("empty message prefix")
            << QStringLiteral("MESSAGE_PREFIX") << QString() << QStringLiteral("may not be empty");
        for (const char *bad : {"ch{", "ch}", "ch*", "ch?", "ch[", "ch]", "ch\\"}) {
            QTest::newRow(bad) << QStringLiteral("CHANNEL_PREFIX") << QString::fromLatin1(bad)
                               << QStringLiteral("may not contain any of");
            QTest::newRow(QByteArray(QByteArray("namespace ") + bad).constData())
                << QStringLiteral("CONFAB_NAMESPACE") << QString::fromLatin1(bad)
                << QStringLiteral("may not contain any of");
        }
        QTest::newRow("space") << QStringLiteral("MESSAGE_PREFIX") << QStringLiteral("m :")
                               << QStringLiteral("whitespace");
        QTest::newRow("same as messages")
            << QStringLiteral("CHANNEL_PREFIX") << QStringLiteral("message:")
            << QStringLiteral("may not be the same");
        QTest::newRow("user prefix") << QStringLiteral("CHANNEL_PREFIX") << QStringLiteral("user:")
                                     << QStringLiteral("user keys use it");
    }
    void keyPrefixesAreValidated()
    {
        QFETCH(QString, variable);
        QFETCH(QString, value);
        QFETCH(QString, why);
        QProcessEnvironment env;
        env.insert(variable, value);
        ChatConfig config;
        QString error;
        const bool ok = config.applyEnvironment(env, &error);
        QCOMPARE(ok, why.isEmpty());
        if (!ok) {
            QVERIFY2(error.contains(why), qPrintable(error));
            QVERIFY2(error.contains(variable), qPrintable(error));
        }
    }

    void portAndDatabaseMayNotContradictTheUrl()
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("REDIS_URL"), QStringLiteral("redis://127.0.0.1:6380/2"));
        env.insert(QStringLiteral("REDIS_PORT"), QStringLiteral("6380")); // says the same: fine
        ChatConfig config;
        QString error;
        QVERIFY2(config.applyEnvironment(env, &error), qPrintable(error));
        env.insert(QStringLiteral("REDIS_PORT"), QStringLiteral("6379"));
        QVERIFY(!ChatConfig().applyEnvironment(env, &error));
        QVERIFY2(error.contains(QStringLiteral("REDIS_PORT (6379) contradicts")),
                 qPrintable(error));
        env.remove(QStringLiteral("REDIS_PORT"));
        env.insert(QStringLiteral("REDIS_DB"), QStringLiteral("0"));
        QVERIFY(!ChatConfig().applyEnvironment(env, &error));
        QVERIFY2(error.contains(QStringLiteral("REDIS_DB (0) contradicts")), qPrintable(error));
    }

    void namespacesKeepDeploymentsApart()
    {
        ChatConfig a = ThreadedWorker::configFor(*m_server, QStringLiteral("alice"));
        a.keyNamespace = "teamA:";
        ChatConfig b = ThreadedWorker::configFor(*m_server, QStringLiteral("alice"));
        b.keyNamespace = "teamB:";
        b.installSecret = "another person called alice";
        ThreadedWorker first(a);
        ThreadedWorker second(b);
        // The same name in two deployments: two accounts, no "taken".
        QVERIFY(first.waitForReady() && second.waitForReady());
        first.run([w = first.worker()] { w->joinChannel(QStringLiteral("dev")); });
        QVERIFY(first.waitForJoined(QStringLiteral("dev")));
        QCOMPARE(m_server->command({"EXISTS", "teamA:channel:{dev}:log"}).toInteger(), 1);
        QCOMPARE(m_server->command({"EXISTS", "teamB:channel:{dev}:log"}).toInteger(), 0);
        QCOMPARE(m_server->command({"SMEMBERS", "teamA:user:{alice}:channels"}).size(), 1);
        // Nothing outside the namespaces (no version-1 reservation either).
        QCOMPARE(m_server->command({"KEYS", "user:*"}).size(), 0);
        QCOMPARE(m_server->command({"KEYS", "channel:*"}).size(), 0);
    }

private:
    std::unique_ptr<RedisServerFixture> m_server;
};

QTEST_GUILESS_MAIN(tst_ProtocolV2)
#include "tst_ProtocolV2.moc"
