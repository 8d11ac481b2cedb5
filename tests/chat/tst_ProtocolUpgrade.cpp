// Upgrading from protocol version 1 (PROTOCOL.md, "Upgrading from version 1"). The data set is
// written by version 1's own code paths: its scripts (tests/chat/v1, as they were in the last
// version-1 release) and the plain commands its worker ran around them. Then a version-2
// client opens it, and a version-1 client goes on beside it.

#include "RedisServerFixture.h"
#include "ThreadedWorker.h"

#include "chat/ChatKeys.h"
#include "chat/LegacyUpgrade.h"
#include "model/ChannelListModel.h"
#include "model/ChatSession.h"
#include "model/MemberListModel.h"
#include "model/MessageLogModel.h"

#include <QFile>
#include <QTest>

using namespace Confab;
using namespace Confab::Test;

namespace {

QByteArray v1Script(const char *name)
{
    QByteArray source;
    for (const QString &file : QStringList{QStringLiteral("name-rule.lua"),
                                           QString::fromLatin1(name) + QStringLiteral(".lua")}) {
        QFile f(QStringLiteral(CONFAB_TEST_SOURCE_DIR "/chat/v1/") + file);
        if (!f.open(QIODevice::ReadOnly))
            qFatal("cannot read the version-1 script %s", qPrintable(file));
        source += f.readAll();
    }
    return source;
}

} // namespace

class tst_ProtocolUpgrade : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<RedisServerFixture>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    }

    void init()
    {
        QVERIFY(m_server->command({"FLUSHALL"}).isOk());
        writeVersion1DataSet();
    }

    void everythingOfVersion1IsThere()
    {
        ChatConfig config = ThreadedWorker::configFor(*m_server, QStringLiteral("alice"));
        ChatSession session(config);
        session.start();
        QTRY_VERIFY_WITH_TIMEOUT(session.isReady(), 20000);
        const QString dm = ChatKeys::directChannel(QStringLiteral("alice"), QStringLiteral("bob"));
        const QString leaky =
            ChatKeys::directChannel(QStringLiteral("alice"), QStringLiteral("bob:z"));
        // Every channel and conversation, as the person left them.
        for (const QString &channel : {QStringLiteral("dev"), QStringLiteral("ops"), dm, leaky})
            QTRY_VERIFY2_WITH_TIMEOUT(session.log(channel), qPrintable(channel), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(session.channels()->rowCount(), 4, 20000);

        // Every message.
        QTRY_COMPARE_WITH_TIMEOUT(texts(session, QStringLiteral("dev")),
                                  (QStringList{QStringLiteral("morning"), QStringLiteral("a1"),
                                               QStringLiteral("m1"), QStringLiteral("m2")}),
                                  20000);
        QTRY_COMPARE_WITH_TIMEOUT(
            texts(session, dm),
            (QStringList{QStringLiteral("secret for alice"), QStringLiteral("thanks bob")}), 20000);
        // The version-1 conversation that two pairs shared: only this pair's messages.
        QTRY_COMPARE_WITH_TIMEOUT(texts(session, leaky),
                                  (QStringList{QStringLiteral("to alice from bob:z")}), 20000);

        // Every member, and the unread counts: two after alice's mark in #dev; #ops had a
        // mark from a forged notice (ahead of the log), now the newest entry.
        QTRY_COMPARE_WITH_TIMEOUT(session.members(QStringLiteral("dev"))->members(),
                                  (QStringList{QStringLiteral("alice"), QStringLiteral("bob")}),
                                  20000);
        QTRY_COMPARE_WITH_TIMEOUT(unread(session, QStringLiteral("dev")), 2, 20000);
        QCOMPARE(unread(session, QStringLiteral("ops")), 0);
        const QByteArray opsNewest =
            m_server->command({"XREVRANGE", "channel:{ops}:log", "+", "-", "COUNT", "1"})
                .at(0)
                .at(0)
                .bytes();
        QCOMPARE(m_server->command({"HGET", "user:{alice}:read", "ops"}).bytes(), opsNewest);
        QCOMPARE(m_server->command({"HGET", "user:{alice}:read", "dev"}).bytes(), m_aliceMark);
        // The conversation keeps its version-1 ids, so its read mark still fits: unread 0.
        QCOMPARE(m_server->command({"HGET", "user:{alice}:read", dm.toUtf8()}).bytes(), m_dmMark);
        QCOMPARE(unread(session, dm), 0);
        QCOMPARE(session.displayName(dm), QStringLiteral("bob"));

        // The account: the same install, created when it was.
        QCOMPARE(m_server->command({"HGET", "user:{alice}", "created_at"}).bytes(),
                 m_server->command({"HGET", "user:alice", "created_at"}).bytes());
        QTRY_COMPARE_WITH_TIMEOUT(
            m_server->command({"HGET", "user:{alice}", "upgraded"}).toString(), QStringLiteral("1"),
            20000);

        // The peer still on version 1 is told, in the conversation it looks at.
        const RedisReply old =
            m_server->command({"XREVRANGE", "channel:{dm:alice:bob}:log", "+", "-", "COUNT", "1"});
        QVERIFY(old.at(0).at(1).toDebugString().contains(
            LegacyUpgrade::upgradeNote(QStringLiteral("alice"))));
    }

    void version1ClientsBesideVersion2()
    {
        {
            ThreadedWorker alice(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
            QVERIFY(alice.waitForJoined(QStringLiteral("dev")));
            QVERIFY(alice.waitForTexts(QStringLiteral("dev"), 4));
            // A version-1 client posts in a public channel: seen live.
            postV1(QStringLiteral("dev"), "bob", "msg", "from the old client", "v1-live");
            QVERIFY(alice.waitForTexts(QStringLiteral("dev"), 5));
            QCOMPARE(alice.texts(QStringLiteral("dev")).last(),
                     QStringLiteral("from the old client"));
            // Messaging someone who has not upgraded says so.
            alice.run([w = alice.worker()] {
                w->openDirectChannel(QStringLiteral("bob"), QStringLiteral("hello?"));
            });
            QTRY_VERIFY_WITH_TIMEOUT(!alice.errors().isEmpty(), 20000);
            QVERIFY2(alice.errors().last().contains(QStringLiteral("ask them to upgrade")),
                     qPrintable(alice.errors().last()));
            QTRY_VERIFY_WITH_TIMEOUT(
                m_server->command({"HEXISTS", "user:{alice}", "upgraded"}).toInteger() == 1, 20000);
        }
        // The version-1 peer answers in the old conversation: copied over at the next start.
        postV1(QStringLiteral("dm:alice:bob"), "bob", "msg", "did you upgrade?", "v1-late");
        const QString dm = ChatKeys::directChannel(QStringLiteral("alice"), QStringLiteral("bob"));
        ThreadedWorker again(ThreadedWorker::configFor(*m_server, QStringLiteral("alice")));
        QVERIFY(again.waitForJoined(dm));
        QTRY_COMPARE_WITH_TIMEOUT(again.texts(dm).value(2), QStringLiteral("did you upgrade?"),
                                  20000);
        QCOMPARE(again.texts(dm).size(), 3);

        // A version-1 client cannot take a name a version-2 install claimed.
        ThreadedWorker carol(ThreadedWorker::configFor(*m_server, QStringLiteral("carol")));
        QVERIFY(carol.waitForReady());
        const RedisReply stolen = m_server->command(
            {"EVAL", v1Script("claim-user"), "1", "user:carol", "another install", "carol"});
        QCOMPARE(stolen.errorCode(), QByteArray("TAKEN"));
        // Nor can a version-2 install take a name a version-1 user still has.
        ChatConfig impostor = ThreadedWorker::configFor(*m_server, QStringLiteral("bob"));
        impostor.installSecret = "not bob's install";
        ThreadedWorker fake(impostor);
        QTRY_VERIFY_WITH_TIMEOUT(!fake.rejections().isEmpty(), 20000);
    }

private:
    // What a version-1 Confab wrote, with its scripts and its worker's commands.
    void writeVersion1DataSet()
    {
        for (const char *name : {"alice", "bob", "bob:z", "alice:bob", "z"}) {
            const RedisReply claimed =
                m_server->command({"EVAL", v1Script("claim-user"), "1", "user:" + QByteArray(name),
                                   "secret-of-" + QByteArray(name), name});
            QVERIFY2(claimed.isOk(), qPrintable(claimed.toDebugString()));
        }
        // RedisWorker::join: SADD index, SADD user:U:channels, post join.
        for (const auto &[user, channel] :
             {std::pair{"alice", "dev"}, std::pair{"bob", "dev"}, std::pair{"alice", "ops"}}) {
            m_server->command({"SADD", "channel:index", channel});
            m_server->command({"SADD", "user:" + QByteArray(user) + ":channels", channel});
            postV1(QString::fromLatin1(channel), user, "join", "", "");
        }
        postV1(QStringLiteral("dev"), "bob", "msg", "morning", "");
        m_aliceMark = postV1(QStringLiteral("dev"), "alice", "msg", "a1", "");
        postV1(QStringLiteral("dev"), "bob", "msg", "m1", "");
        postV1(QStringLiteral("dev"), "bob", "msg", "m2", "");
        postV1(QStringLiteral("ops"), "alice", "msg", "deploy", "");
        // RedisWorker::markRead (v1): the mark in dev, and in ops the id of a forged notice.
        m_server->command({"EVAL", v1Script("mark-read"), "1", "user:alice:read", "dev",
                           m_aliceMark, "ops", "9999999999999-0"});

        // RedisWorker::openDirectChannel (v1), bob to alice: SADD the peer's channels, join,
        // PUBLISH the inbox, then the message.
        const char *dm = "dm:alice:bob";
        m_server->command({"SADD", "user:alice:channels", dm});
        m_server->command({"SADD", "user:bob:channels", dm});
        postV1(QString::fromLatin1(dm), "bob", "join", "", "");
        postV1(QString::fromLatin1(dm), "bob", "msg", "secret for alice", "");
        postV1(QString::fromLatin1(dm), "alice", "join", "", "");
        const QByteArray dmMark = m_dmMark =
            postV1(QString::fromLatin1(dm), "alice", "msg", "thanks bob", "");
        m_server->command({"EVAL", v1Script("mark-read"), "1", "user:alice:read", dm, dmMark});

        // The version-1 leak: (alice, bob:z) and (alice:bob, z) share "dm:alice:bob:z".
        const char *shared = "dm:alice:bob:z";
        for (const char *user : {"alice", "bob:z", "alice:bob", "z"})
            m_server->command({"SADD", "user:" + QByteArray(user) + ":channels", shared});
        postV1(QString::fromLatin1(shared), "bob:z", "msg", "to alice from bob:z", "");
        postV1(QString::fromLatin1(shared), "z", "msg", "to alice:bob from z", "");
    }

    QByteArray postV1(const QString &channel, const QByteArray &from, const QByteArray &type,
                      const QByteArray &text, QByteArray cid)
    {
        if (cid.isEmpty())
            cid = ChatKeys::newCid();
        const QByteArray tag = "channel:{" + channel.toUtf8() + '}';
        const RedisReply reply = m_server->command(
            {"EVAL", v1Script("post"), "4", tag + ":log",
             "message:{" + channel.toUtf8() + "}:" + cid, tag + ":info", tag + ":members", tag,
             "100000", "32768", "86400", type, from, text, cid, "1", channel.toUtf8()});
        if (reply.isError())
            qWarning() << "version-1 post failed:" << reply.toString();
        return reply.at(0).bytes();
    }

    static QStringList texts(const ChatSession &session, const QString &channel)
    {
        QStringList out;
        const MessageLogModel *log = session.log(channel);
        for (int row = 0; log && row < log->rowCount(); ++row) {
            const ChatMessage message = log->messageAt(row);
            if (message.type == ChatMessage::Type::Message)
                out << message.text;
        }
        return out;
    }

    static int unread(const ChatSession &session, const QString &channel)
    {
        const int row = session.channels()->indexOf(channel);
        return row < 0 ? -1
                       : session.channels()->index(row).data(ChannelListModel::UnreadRole).toInt();
    }

    std::unique_ptr<RedisServerFixture> m_server;
    QByteArray m_aliceMark;
    QByteArray m_dmMark;
};

QTEST_GUILESS_MAIN(tst_ProtocolUpgrade)
#include "tst_ProtocolUpgrade.moc"
