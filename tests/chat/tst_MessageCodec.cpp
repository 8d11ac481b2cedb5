#include "chat/ChatKeys.h"
#include "chat/MessageCodec.h"

#include <QTest>

using namespace Confab;

namespace {

RedisReply entry(const QByteArray &id, const QList<QByteArray> &fields)
{
    QList<RedisReply> list;
    for (const QByteArray &f : fields)
        list << RedisReply::string(f);
    return RedisReply::array({RedisReply::string(id), RedisReply::array(list)});
}

} // namespace

class tst_MessageCodec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void wellFormedEntry()
    {
        const auto m = MessageCodec::fromStreamEntry(
            QStringLiteral("dev"),
            entry("1700000000123-4",
                  {"v", "1", "type", "me", "from", "alice", "text", "waves", "cid", "abc"}));
        QVERIFY(m);
        QCOMPARE(m->id, (StreamId{1700000000123, 4}));
        QCOMPARE(m->type, ChatMessage::Type::Action);
        QCOMPARE(m->from, QStringLiteral("alice"));
        QCOMPARE(m->text, QStringLiteral("waves"));
        QCOMPARE(m->cid, QByteArray("abc"));
        QVERIFY(!m->isMalformed());
        QCOMPARE(m->time().toMSecsSinceEpoch(), 1700000000123);
    }

    void missingFieldsAreMarked()
    {
        const auto m =
            MessageCodec::fromStreamEntry(QStringLiteral("dev"), entry("1-0", {"text", "hi"}));
        QVERIFY(m);
        QVERIFY(m->problem.contains(QStringLiteral("no type")));
        QVERIFY(m->problem.contains(QStringLiteral("no sender")));
        QCOMPARE(m->text, QStringLiteral("hi"));
        QCOMPARE(m->from, QStringLiteral("?"));
    }

    void invalidUtf8IsReplacedAndMarked()
    {
        const auto m = MessageCodec::fromStreamEntry(
            QStringLiteral("dev"),
            entry("1-0", {"type", "msg", "from", "bob", "text", "ok \xc3\x28 bad"}));
        QVERIFY(m);
        QVERIFY(m->problem.contains(QStringLiteral("UTF-8")));
        QVERIFY(m->text.startsWith(QStringLiteral("ok ")));
        QVERIFY(m->text.contains(QChar::ReplacementCharacter));
    }

    void hugeTextIsCutForDisplay()
    {
        const QByteArray five(5 * 1024 * 1024, 'x');
        const auto m = MessageCodec::fromStreamEntry(
            QStringLiteral("dev"), entry("1-0", {"type", "msg", "from", "bob", "text", five}));
        QVERIFY(m);
        QCOMPARE(m->text.size(), MessageCodec::MaxDisplayBytes);
        QVERIFY2(m->problem.contains(QStringLiteral("too long")), qPrintable(m->problem));
    }

    // The sender field is written by whoever wrote the entry: a 4 MiB one, or one with line
    // breaks and bidi controls, is shown as a name would be (one line, 64 characters), marked.
    void senderThatIsNoAccountNameIsCutAndMarked_data()
    {
        QTest::addColumn<QByteArray>("from");
        QTest::addColumn<QString>("shown");
        QTest::newRow("4 MiB") << QByteArray(4 * 1024 * 1024, 'x') << QString(64, u'x');
        QTest::newRow("line breaks") << QByteArray("ad\nmin\r\nx") << QStringLiteral("ad min x");
        QTest::newRow("spaces") << QByteArray("hello world") << QStringLiteral("hello world");
        QTest::newRow("right-to-left override")
            << QByteArray("bob\xe2\x80\xaegnp.exe") << QStringLiteral("bobgnp.exe");
    }
    void senderThatIsNoAccountNameIsCutAndMarked()
    {
        QFETCH(QByteArray, from);
        QFETCH(QString, shown);
        const auto m = MessageCodec::fromStreamEntry(
            QStringLiteral("dev"), entry("1-0", {"type", "msg", "from", from, "text", "hi"}));
        QVERIFY(m);
        QCOMPARE(m->from, shown);
        QVERIFY2(m->problem.contains(QStringLiteral("not an account name")),
                 qPrintable(m->problem));
    }

    void unknownTypeIsKeptAndMarked()
    {
        const auto m = MessageCodec::fromStreamEntry(
            QStringLiteral("dev"), entry("1-0", {"type", "poll", "from", "bob", "text", "?"}));
        QVERIFY(m);
        QCOMPARE(m->type, ChatMessage::Type::Unknown);
        QVERIFY(m->problem.contains(QStringLiteral("poll")));
    }

    void wrongShapesNeverCrash()
    {
        QVERIFY(!MessageCodec::fromStreamEntry(QStringLiteral("d"), RedisReply::nil()));
        QVERIFY(!MessageCodec::fromStreamEntry(QStringLiteral("d"), RedisReply::integer(3)));
        QVERIFY(!MessageCodec::fromStreamEntry(QStringLiteral("d"), RedisReply::array({})));
        QVERIFY(!MessageCodec::fromStreamEntry(QStringLiteral("d"), entry("not-an-id", {})));
        const auto noFields = MessageCodec::fromStreamEntry(
            QStringLiteral("d"), RedisReply::array({RedisReply::string("5-1"), RedisReply::nil()}));
        QVERIFY(noFields);
        QVERIFY(noFields->isMalformed());
        const auto oddFields = MessageCodec::fromStreamEntry(QStringLiteral("d"),
                                                             entry("5-2", {"type", "msg", "from"}));
        QVERIFY(oddFields);
        QVERIFY(oddFields->isMalformed());
    }

    void noticesGiveAnIdAndNothingElse_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QByteArray>("id");
        QTest::newRow("v2 notice") << QByteArray(R"({"v":2,"id":"17-2"})") << QByteArray("17-2");
        // A version-1 notice carries the whole message: only its id is used.
        QTest::newRow("v1 notice")
            << QByteArray(R"({"v":1,"id":"17-2","type":"msg","from":"a","text":"x"})")
            << QByteArray("17-2");
        QTest::newRow("bare word") << QByteArray("new") << QByteArray();
        QTest::newRow("wrong type of id") << QByteArray(R"({"id":17})") << QByteArray();
        QTest::newRow("bad id") << QByteArray(R"({"id":"x"})") << QByteArray();
        QTest::newRow("invalid utf-8") << QByteArray("{\"id\":\"5-0\xc3\x28\"}") << QByteArray();
        QTest::newRow("not an object") << QByteArray("[1,2]") << QByteArray();
        QTest::newRow("huge") << QByteArray(R"({"id":"5-0","pad":")") + QByteArray(8192, 'x')
                + QByteArray(R"("})")
                              << QByteArray();
    }
    void noticesGiveAnIdAndNothingElse()
    {
        QFETCH(QByteArray, payload);
        QFETCH(QByteArray, id);
        const auto parsed = MessageCodec::noticeId(payload);
        QCOMPARE(parsed.has_value(), !id.isEmpty());
        if (parsed)
            QCOMPARE(parsed->toByteArray(), id);
    }

    void displayNameFieldIsShownNotTrusted()
    {
        const auto named = MessageCodec::fromStreamEntry(
            QStringLiteral("d"),
            entry("5-1",
                  {"type", "msg", "from", "bob", "name", "Robert\n\xe2\x80\xaeX", "text", "hi"}));
        QVERIFY(named);
        QCOMPARE(named->from, QStringLiteral("bob"));
        // One line, no direction overrides.
        QCOMPARE(named->name, QStringLiteral("Robert X"));
        QCOMPARE(named->author(), QStringLiteral("Robert X"));
        const auto plain = MessageCodec::fromStreamEntry(
            QStringLiteral("d"), entry("5-2", {"type", "msg", "from", "bob", "text", "hi"}));
        QCOMPARE(plain->author(), QStringLiteral("bob"));
    }

    // Whoever adds to a person's conversation set may write anything there; only two real
    // account names make a conversation (fuzz_names: "@@\ufffd y").
    void conversationNamesNeedTwoAccountNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("valid");
        QTest::newRow("two names") << QStringLiteral("@alice bob") << true;
        QTest::newRow("unicode") << QStringLiteral("@bob caf\u00e9") << true;
        QTest::newRow("second starts with @") << QStringLiteral("@alice @bob") << false;
        QTest::newRow("first starts with @") << QStringLiteral("@@x y") << false;
        QTest::newRow("braces") << QStringLiteral("@a{b} c") << false;
        QTest::newRow("replacement character only") << QStringLiteral("@\ufffd\u0007 y") << false;
        QTest::newRow("out of order") << QStringLiteral("@bob alice") << false;
    }
    void conversationNamesNeedTwoAccountNames()
    {
        QFETCH(QString, name);
        QFETCH(bool, valid);
        QCOMPARE(ChatKeys::directParticipants(name).size() == 2, valid);
    }

    void keysShareTheChannelsHashTag()
    {
        const ChatKeys keys;
        QCOMPARE(keys.pubsub(QStringLiteral("dev")), QByteArray("channel:{dev}"));
        QCOMPARE(keys.log(QStringLiteral("dev")), QByteArray("channel:{dev}:log"));
        QCOMPARE(keys.info(QStringLiteral("dev")), QByteArray("channel:{dev}:info"));
        QCOMPARE(keys.members(QStringLiteral("dev")), QByteArray("channel:{dev}:members"));
        QCOMPARE(keys.sent(QStringLiteral("dev"), "c1"), QByteArray("message:{dev}:c1"));
        QCOMPARE(keys.channelOfPubsub("channel:{dev}"),
                 std::optional<QString>(QStringLiteral("dev")));
        QVERIFY(!keys.channelOfPubsub("other:{dev}"));
        const ChatKeys custom("chat/", "msg/");
        QCOMPARE(custom.log(QStringLiteral("é")), QByteArray("chat/{\xc3\xa9}:log"));
        QCOMPARE(custom.sent(QStringLiteral("x"), "c"), QByteArray("msg/{x}:c"));
        QCOMPARE(ChatKeys::newCid().size(), 32);
        QVERIFY(ChatKeys::newCid() != ChatKeys::newCid());
    }

    void streamIdsOrderAndParse()
    {
        QVERIFY((StreamId{5, 1}) < (StreamId{5, 2}));
        QVERIFY((StreamId{4, 99}) < (StreamId{5, 0}));
        QCOMPARE(StreamId::parse("12-3")->toByteArray(), QByteArray("12-3"));
        QCOMPARE(*StreamId::parse("12"), (StreamId{12, 0}));
        QVERIFY(!StreamId::parse("a-1"));
        QVERIFY(!StreamId::parse("1-b"));
    }
};

QTEST_GUILESS_MAIN(tst_MessageCodec)
#include "tst_MessageCodec.moc"
