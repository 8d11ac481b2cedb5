#include "RedisServerFixture.h"
#include "ThreadedWorker.h"

#include "chat/ChatScripts.h"

#include <QTest>

using namespace Confab;
using namespace Confab::Test;

class tst_ChatExchange : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<RedisServerFixture>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    }

    void init() { QVERIFY(m_server->command({"FLUSHALL"}).isOk()); }

    void twoUsersExchangeMessagesInSeveralChannels()
    {
        ThreadedWorker alice(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
        ThreadedWorker bob(ThreadedWorker::configFor(*m_server, QStringLiteral("bob")));
        QVERIFY(alice.waitForReady());
        QVERIFY(bob.waitForReady());
        for (const QString &channel : {QStringLiteral("general"), QStringLiteral("random")}) {
            alice.run([w = alice.worker(), channel] { w->joinChannel(channel); });
            bob.run([w = bob.worker(), channel] { w->joinChannel(channel); });
            QVERIFY(alice.waitForJoined(channel));
            QVERIFY(bob.waitForJoined(channel));
        }
        alice.run([w = alice.worker()] {
            w->sendMessage(QStringLiteral("general"), QStringLiteral("hi bob"));
            w->sendMessage(QStringLiteral("random"), QStringLiteral("random thought"));
        });
        QVERIFY(bob.waitForTexts(QStringLiteral("general"), 1));
        bob.run([w = bob.worker()] {
            w->sendMessage(QStringLiteral("general"), QStringLiteral("hi alice"));
            w->sendMessage(QStringLiteral("general"),
                           QStringLiteral("<b>not bold</b> & \"quoted\""));
        });
        QVERIFY(alice.waitForTexts(QStringLiteral("general"), 3));
        QVERIFY(bob.waitForTexts(QStringLiteral("general"), 3));
        QVERIFY(bob.waitForTexts(QStringLiteral("random"), 1));

        const QStringList expected{QStringLiteral("hi bob"), QStringLiteral("hi alice"),
                                   QStringLiteral("<b>not bold</b> & \"quoted\"")};
        QCOMPARE(alice.texts(QStringLiteral("general")), expected);
        QCOMPARE(bob.texts(QStringLiteral("general")), expected);
        QCOMPARE(bob.texts(QStringLiteral("random")),
                 QStringList{QStringLiteral("random thought")});
        // Senders are recorded by the server side of the protocol.
        const ChatMessageList log = alice.messages(QStringLiteral("general"));
        QCOMPARE(
            std::count_if(log.begin(), log.end(),
                          [](const ChatMessage &m) { return m.from == QStringLiteral("bob"); }),
            3);
        for (qsizetype i = 1; i < log.size(); ++i)
            QVERIFY(log[i - 1].id < log[i].id);
        QCOMPARE(alice.sentCount(), 2);
        QVERIFY(alice.errors().isEmpty());
    }

    void joinAndLeaveAreSeenByOthers()
    {
        ThreadedWorker alice(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
        ThreadedWorker bob(ThreadedWorker::configFor(*m_server, QStringLiteral("bob")));
        QVERIFY(alice.waitForReady());
        QVERIFY(bob.waitForReady());
        alice.run([w = alice.worker()] { w->joinChannel(QStringLiteral("#lobby")); });
        QVERIFY(alice.waitForJoined(QStringLiteral("lobby")));
        bob.run([w = bob.worker()] { w->joinChannel(QStringLiteral("lobby")); });
        QVERIFY(bob.waitForJoined(QStringLiteral("lobby")));
        bob.run([w = bob.worker()] { w->leaveChannel(QStringLiteral("lobby")); });
        auto has = [&alice](ChatMessage::Type type, const QString &who) {
            const ChatMessageList log = alice.messages(QStringLiteral("lobby"));
            return std::any_of(log.begin(), log.end(), [&](const ChatMessage &m) {
                return m.type == type && m.from == who;
            });
        };
        QTRY_VERIFY_WITH_TIMEOUT(has(ChatMessage::Type::Join, QStringLiteral("bob"))
                                     && has(ChatMessage::Type::Leave, QStringLiteral("bob")),
                                 20000);
        QVERIFY(has(ChatMessage::Type::Join, QStringLiteral("alice")));
        QTRY_VERIFY(!bob.joined().contains(QStringLiteral("lobby")));
        QCOMPARE(m_server->command({"SMEMBERS", "channel:{lobby}:members"}).size(), 1);
    }

    void createListAndTopic()
    {
        ThreadedWorker alice(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
        QVERIFY(alice.waitForReady());
        alice.run([w = alice.worker()] {
            w->createChannel(QStringLiteral("dev"), QStringLiteral("Where code happens"));
        });
        alice.run([w = alice.worker()] { w->listChannels(); });
        QTRY_VERIFY_WITH_TIMEOUT(alice.listings() == 1, 20000);
        QCOMPARE(alice.lastListing().size(), 1);
        const ChannelInfo dev = alice.lastListing().first();
        QCOMPARE(dev.name, QStringLiteral("dev"));
        QCOMPARE(dev.topic, QStringLiteral("Where code happens"));
        QCOMPARE(dev.createdBy, QStringLiteral("alice"));
        QVERIFY(dev.createdAt.isValid());
        QCOMPARE(dev.memberCount, 0);

        // Creating it again is an error; joining it is not.
        alice.run([w = alice.worker()] { w->createChannel(QStringLiteral("dev"), QString()); });
        QTRY_VERIFY_WITH_TIMEOUT(!alice.errors().isEmpty(), 20000);
        QVERIFY2(alice.errors().last().contains(QStringLiteral("already exists")),
                 qPrintable(alice.errors().last()));
        alice.run([w = alice.worker()] { w->joinChannel(QStringLiteral("dev")); });
        QVERIFY(alice.waitForJoined(QStringLiteral("dev")));
        QCOMPARE(alice.errors().size(), 1);

        alice.run([w = alice.worker()] {
            w->setTopic(QStringLiteral("dev"), QStringLiteral("Ship it"));
        });
        QTRY_VERIFY_WITH_TIMEOUT(!alice.messages(QStringLiteral("dev")).isEmpty()
                                     && alice.messages(QStringLiteral("dev")).last().type
                                         == ChatMessage::Type::Topic,
                                 20000);
        QCOMPARE(alice.messages(QStringLiteral("dev")).last().text, QStringLiteral("Ship it"));
        alice.run([w = alice.worker()] { w->joinChannel(QStringLiteral("another")); });
        QVERIFY(alice.waitForJoined(QStringLiteral("another")));
        alice.run([w = alice.worker()] { w->listChannels(); });
        QTRY_VERIFY_WITH_TIMEOUT(alice.listings() == 2, 20000);
        const ChannelInfoList listing = alice.lastListing();
        QCOMPARE(listing.size(), 2);
        QCOMPARE(listing.at(0).name, QStringLiteral("another"));
        QCOMPARE(listing.at(1).topic, QStringLiteral("Ship it"));
        QCOMPARE(listing.at(1).memberCount, 1);
        QVERIFY(!listing.at(1).lastId.isNull());
        QVERIFY(listing.at(1).joined);
    }

    void joinedChannelsAreRestoredAtStart()
    {
        {
            ThreadedWorker alice(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
            QVERIFY(alice.waitForReady());
            alice.run([w = alice.worker()] { w->joinChannel(QStringLiteral("keep")); });
            QVERIFY(alice.waitForJoined(QStringLiteral("keep")));
        }
        ThreadedWorker again(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
        QVERIFY(again.waitForJoined(QStringLiteral("keep")));
        // Rejoining on start writes no second join entry.
        QCOMPARE(m_server->command({"XLEN", "channel:{keep}:log"}).toInteger(), 1);
    }

    // A leave asked for at once, before the account is ready, runs before the restored channel
    // list comes back: that list must not join the channel again.
    void aLeaveAtStartIsNotUndoneByTheRestore()
    {
        {
            ThreadedWorker alice(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
            QVERIFY(alice.waitForReady());
            alice.run([w = alice.worker()] {
                w->joinChannel(QStringLiteral("gone"));
                w->joinChannel(QStringLiteral("kept"));
            });
            QVERIFY(alice.waitForJoined(QStringLiteral("kept")));
        }
        ThreadedWorker again(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
        again.run([w = again.worker()] { w->leaveChannel(QStringLiteral("gone")); });
        // The restore of "kept" is answered after anything it would have sent for "gone".
        QVERIFY(again.waitForJoined(QStringLiteral("kept")));
        QCOMPARE(m_server->command({"SISMEMBER", "channel:{gone}:members", "alice"}).toInteger(),
                 0);
        QCOMPARE(m_server->command({"SISMEMBER", "user:{alice}:channels", "gone"}).toInteger(), 0);
    }

    void takenUserNameIsRefused()
    {
        ThreadedWorker alice(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
        QVERIFY(alice.waitForReady());
        ChatConfig impostor = ThreadedWorker::configFor(*m_server, QStringLiteral("alice"));
        impostor.installSecret = "another install";
        ThreadedWorker other(impostor);
        QTRY_VERIFY_WITH_TIMEOUT(!other.rejections().isEmpty(), 20000);
        QVERIFY2(other.rejections().first().contains(QStringLiteral("already exists")),
                 qPrintable(other.rejections().first()));
        QVERIFY(other.userName().isEmpty());
        // The same install gets its name back.
        ThreadedWorker sameInstall(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
        QVERIFY(sameInstall.waitForReady());
    }

    void nickChangesTheDisplayNameNotTheAccount()
    {
        ThreadedWorker alice(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
        QVERIFY(alice.waitForReady());
        alice.run([w = alice.worker()] { w->joinChannel(QStringLiteral("n")); });
        QVERIFY(alice.waitForJoined(QStringLiteral("n")));
        alice.run([w = alice.worker()] { w->setDisplayName(QStringLiteral("Alicia Keys")); });
        QTRY_COMPARE_WITH_TIMEOUT(alice.displayName(), QStringLiteral("Alicia Keys"), 20000);
        alice.run([w = alice.worker()] {
            w->sendMessage(QStringLiteral("n"), QStringLiteral("new name"));
        });
        QVERIFY(alice.waitForTexts(QStringLiteral("n"), 1));
        const ChatMessageList log = alice.messages(QStringLiteral("n"));
        QVERIFY(std::any_of(log.begin(), log.end(), [](const ChatMessage &m) {
            return m.type == ChatMessage::Type::Nick && m.from == QStringLiteral("alice")
                && m.text == QStringLiteral("Alicia Keys");
        }));
        QCOMPARE(log.last().from, QStringLiteral("alice"));
        QCOMPARE(log.last().author(), QStringLiteral("Alicia Keys"));
        QCOMPARE(alice.userName(), QStringLiteral("alice"));
        // Nothing moved: the member set, the account and its keys are the same.
        QCOMPARE(m_server->command({"SMEMBERS", "channel:{n}:members"}).size(), 1);
        QCOMPARE(m_server->command({"SISMEMBER", "channel:{n}:members", "alice"}).toInteger(), 1);
        QCOMPARE(m_server->command({"HGET", "user:{alice}", "display"}).toString(),
                 QStringLiteral("Alicia Keys"));
        // A second rename says which name it replaces.
        alice.run([w = alice.worker()] { w->setDisplayName(QStringLiteral("AK")); });
        QTRY_VERIFY_WITH_TIMEOUT(
            alice.messages(QStringLiteral("n")).last().type == ChatMessage::Type::Nick, 20000);
        QCOMPARE(alice.messages(QStringLiteral("n")).last().author(),
                 QStringLiteral("Alicia Keys"));
        QCOMPARE(alice.messages(QStringLiteral("n")).last().text, QStringLiteral("AK"));
        alice.run([w = alice.worker()] { w->setDisplayName(QStringLiteral("Alicia Keys")); });
        QTRY_COMPARE_WITH_TIMEOUT(alice.displayName(), QStringLiteral("Alicia Keys"), 20000);
        // An invalid display name is refused with a reason, and nothing changes.
        alice.run([w = alice.worker()] { w->setDisplayName(QStringLiteral("two\nlines")); });
        QTRY_VERIFY_WITH_TIMEOUT(!alice.errors().isEmpty(), 20000);
        QVERIFY2(alice.errors().last().contains(QStringLiteral("line breaks")),
                 qPrintable(alice.errors().last()));
        QCOMPARE(alice.displayName(), QStringLiteral("Alicia Keys"));
    }

    void badChannelNamesAreRefusedClearly_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("space") << QStringLiteral("two words");
        QTest::newRow("braces") << QStringLiteral("a{b}");
        QTest::newRow("glob") << QStringLiteral("all*");
    }
    void badChannelNamesAreRefusedClearly()
    {
        QFETCH(QString, name);
        ThreadedWorker alice(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
        QVERIFY(alice.waitForReady());
        alice.run([w = alice.worker(), name] { w->joinChannel(name); });
        QTRY_VERIFY_WITH_TIMEOUT(!alice.errors().isEmpty(), 20000);
        QVERIFY2(alice.errors().first().contains(QStringLiteral("Cannot join")),
                 qPrintable(alice.errors().first()));
        QCOMPARE(m_server->command({"SCARD", "channel:index"}).toInteger(), 0);
    }

    void oversizedMessageIsRefusedAndNothingIsWritten()
    {
        ThreadedWorker alice(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
        QVERIFY(alice.waitForReady());
        alice.run([w = alice.worker()] { w->joinChannel(QStringLiteral("big")); });
        QVERIFY(alice.waitForJoined(QStringLiteral("big")));
        const QString fiveMegabytes(5 * 1024 * 1024, u'x');
        alice.run([w = alice.worker(), fiveMegabytes] {
            w->sendMessage(QStringLiteral("big"), fiveMegabytes);
        });
        QTRY_VERIFY_WITH_TIMEOUT(!alice.sendErrors().isEmpty(), 20000);
        QVERIFY2(alice.sendErrors().first().contains(QStringLiteral("too long")),
                 qPrintable(alice.sendErrors().first()));
        QCOMPARE(alice.outboxCount(), 0);
        QCOMPARE(m_server->command({"XLEN", "channel:{big}:log"}).toInteger(), 1); // the join only
    }

    void serverSideLimitsHoldForOtherClients()
    {
        // A client that bypasses our checks still meets the script's.
        const QByteArray sha =
            m_server->command({"SCRIPT", "LOAD", ChatScripts::post().source()}).bytes();
        QCOMPARE(sha, ChatScripts::post().sha1());
        auto post = [&](const QByteArray &type, const QByteArray &text, const QByteArray &cid) {
            return m_server->command({"EVALSHA", sha, "4", "channel:{s}:log", "message:{s}:" + cid,
                                      "channel:{s}:info", "channel:{s}:members", "channel:{s}",
                                      "100", "10", "60", type, "mallory", text, cid, "2", "s", ""});
        };
        // Posting needs joining first, for everyone.
        QCOMPARE(post("msg", "hello", "c0").errorCode(), QByteArray("NOTMEMBER"));
        QCOMPARE(m_server->command({"EXISTS", "channel:{s}:log"}).toInteger(), 0);
        QCOMPARE(post("join", "", "j1").at(1).toInteger(), 0);
        QCOMPARE(post("msg", "01234567890", "c1").errorCode(), QByteArray("TOOLARGE"));
        QCOMPARE(post("poll", "x", "c2").errorCode(), QByteArray("INVALID"));
        QCOMPARE(post("msg", "", "c3").errorCode(), QByteArray("INVALID"));
        const RedisReply first = post("msg", "once", "c4");
        QCOMPARE(first.at(1).toInteger(), 0);
        const RedisReply again = post("msg", "once", "c4");
        QCOMPARE(again.at(1).toInteger(), 1);
        QCOMPARE(again.at(0).bytes(), first.at(0).bytes());
        QCOMPARE(m_server->command({"XLEN", "channel:{s}:log"}).toInteger(), 2); // join, once
    }

    void readMarksOnlyMoveForward()
    {
        const auto markRead = [this](QList<QByteArray> pairs) {
            QList<QByteArray> command{"EVAL", ChatScripts::markRead().source(), "1",
                                      "user:alice:read"};
            command.append(pairs);
            return m_server->command(command).toInteger();
        };
        QCOMPARE(markRead({"dev", "1700000000000-5", "ops", "1700000000000-0"}), 2);
        // Older, equal or malformed ids, and bad channel names, change nothing.
        QCOMPARE(markRead({"dev", "1700000000000-4", "ops", "1700000000000-0"}), 0);
        QCOMPARE(markRead({"dev", "not-an-id", "bad name", "1800000000000-0"}), 0);
        QCOMPARE(m_server->command({"HGET", "user:alice:read", "dev"}).toString(),
                 QStringLiteral("1700000000000-5"));
        QCOMPARE(m_server->command({"HEXISTS", "user:alice:read", "bad name"}).toInteger(), 0);
        // Newer ones move, by sequence within a millisecond and by a longer number.
        QCOMPARE(markRead({"dev", "1700000000000-10", "ops", "17000000000000-0"}), 2);
        QCOMPARE(m_server->command({"HGET", "user:alice:read", "dev"}).toString(),
                 QStringLiteral("1700000000000-10"));
    }

    void scriptsCheckNamesThemselves_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QString>("why"); // empty: the name is fine
        QTest::newRow("letters") << QByteArray("café") << QString();
        QTest::newRow("cjk") << QByteArray("開発") << QString();
        QTest::newRow("punctuation") << QByteArray("ops:alerts#2") << QString();
        QTest::newRow("version-1 direct channel name") << QByteArray("dm:alice:bob") << QString();
        QTest::newRow("64 characters") << QString(64, u'é').toUtf8() << QString();
        // 50 characters of four bytes each: at the byte limit, well within the character one.
        QTest::newRow("200 bytes")
            << QString::fromUtf8("\U0001F600").repeated(50).toUtf8() << QString();

        QTest::newRow("201 bytes") << QByteArray(201, 'x') << QStringLiteral("too long (201 bytes");
        QTest::newRow("65 characters")
            << QString(65, u'é').toUtf8() << QStringLiteral("too long (65 characters");
        const QString whitespace =
            QStringLiteral("may not contain whitespace or control characters");
        QTest::newRow("space") << QByteArray("two words") << whitespace;
        QTest::newRow("tab") << QByteArray("a\tb") << whitespace;
        QTest::newRow("newline") << QByteArray("a\r\nb") << whitespace;
        QTest::newRow("nul") << QByteArray("a\0b", 3) << whitespace;
        QTest::newRow("escape") << QByteArray("a\x1b[31m") << whitespace;
        QTest::newRow("delete") << QByteArray("a\x7f") << whitespace;
        for (const char *bad : {"a{b", "a}b", "all*", "what?", "a[b", "a]b", "back\\slash"})
            QTest::newRow(bad) << QByteArray(bad)
                               << QStringLiteral("may not contain any of { } * ? [ ] \\");
        for (const char *bad : {"#dev", "/dev", "@dev"})
            QTest::newRow(bad) << QByteArray(bad) << QStringLiteral("may not start with #, / or @");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("is empty");
    }

    void scriptsCheckNamesThemselves()
    {
        // A client that bypasses NameRule still meets the scripts' part of it (PROTOCOL.md,
        // "Names"), with an error saying what is wrong and nothing written.
        QFETCH(QByteArray, name);
        QFETCH(QString, why);
        struct Case
        {
            const char *script;
            QString what;
            RedisReply reply;
        };
        QList<Case> cases{
            {"post (channel)", QStringLiteral("channel name"), runPost(name, "mallory")},
            {"create-channel (channel)", QStringLiteral("channel name"),
             runCreateChannel(name, "mallory")},
            {"create-channel (creator)", QStringLiteral("user name"),
             runCreateChannel("fine", name)},
            {"claim-user", QStringLiteral("user name"), runClaimUser(name)},
        };
        // An empty sender is the older INVALID error (serverSideLimitsHoldForOtherClients).
        if (!name.isEmpty())
            cases.append(Case{"post (sender)", QStringLiteral("user name"), runPost("fine", name)});
        for (const Case &c : std::as_const(cases)) {
            const QString context =
                QLatin1String(c.script) + QStringLiteral(": ") + c.reply.toDebugString();
            if (why.isEmpty()) {
                QVERIFY2(!c.reply.isError(), qPrintable(context));
                continue;
            }
            QVERIFY2(c.reply.errorCode() == "BADNAME", qPrintable(context));
            if (name.startsWith('@') && c.what == QStringLiteral("channel name")
                && QByteArray(c.script).startsWith("post")) {
                // '@' starts the name of a direct conversation, which "@dev" is not either.
                QVERIFY2(c.reply.toString().contains(QStringLiteral("is not \"@A B\"")),
                         qPrintable(context));
                continue;
            }
            const QString prefix = QStringLiteral("BADNAME ") + c.what;
            QVERIFY2(c.reply.toString().startsWith(prefix), qPrintable(context));
            QVERIFY2(c.reply.toString().contains(why), qPrintable(context));
            // One line, whatever bytes the name had.
            QVERIFY2(!c.reply.bytes().contains('\n') && !c.reply.bytes().contains('\r'),
                     qPrintable(context));
        }
        if (!why.isEmpty())
            QCOMPARE(m_server->command({"DBSIZE"}).toInteger(), 0);
    }

private:
    // The scripts run directly, as another client would, with `name` where the rule applies.
    RedisReply runPost(const QByteArray &channel, const QByteArray &from) const
    {
        const QByteArray tagged = "channel:{" + channel + '}';
        return m_server->command({"EVAL", ChatScripts::post().source(), "4", tagged + ":log",
                                  "message:{" + channel + "}:c1", tagged + ":info",
                                  tagged + ":members", tagged, "100", "1000", "60", "join", from,
                                  "", "c1", "2", channel, ""});
    }

    RedisReply runCreateChannel(const QByteArray &channel, const QByteArray &creator) const
    {
        return m_server->command({"EVAL", ChatScripts::createChannel().source(), "1",
                                  "channel:{" + channel + "}:info", channel, creator, "", "1"});
    }

    RedisReply runClaimUser(const QByteArray &name) const
    {
        return m_server->command({"EVAL", ChatScripts::claimUser().source(), "1",
                                  "user:{" + name + '}', "secret", name, ""});
    }

    std::unique_ptr<RedisServerFixture> m_server;
};

QTEST_GUILESS_MAIN(tst_ChatExchange)
#include "tst_ChatExchange.moc"
