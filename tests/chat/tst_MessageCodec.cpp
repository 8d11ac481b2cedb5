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

    void completePayloadCarriesTheMessage()
    {
        const auto n = MessageCodec::fromPayload(
            QStringLiteral("dev"),
            R"({"v":1,"id":"17-2","type":"msg","from":"alice","text":"h\u00e9 <b>","cid":"c1"})");
        QVERIFY(n.id);
        QCOMPARE(*n.id, (StreamId{17, 2}));
        QVERIFY(n.message);
        QCOMPARE(n.message->text, QStringLiteral("hé <b>"));
        QCOMPARE(n.message->channel, QStringLiteral("dev"));
    }

    void incompletePayloadsOnlyNotify_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<bool>("hasId");
        QTest::newRow("bare word") << QByteArray("new") << false;
        QTest::newRow("id only") << QByteArray(R"({"id":"5-0"})") << true;
        QTest::newRow("wrong types")
            << QByteArray(R"({"id":"5-0","type":1,"from":[],"text":null})") << true;
        QTest::newRow("unknown type")
            << QByteArray(R"({"id":"5-0","type":"poll","from":"a","text":"x"})") << true;
        QTest::newRow("bad id") << QByteArray(R"({"id":"x","type":"msg","from":"a","text":"x"})")
                                << false;
        QTest::newRow("invalid utf-8")
            << QByteArray("{\"id\":\"5-0\",\"type\":\"msg\",\"from\":\"a\",\"text\":\"\xc3\x28\"}")
            << false;
        QTest::newRow("not an object") << QByteArray("[1,2]") << false;
    }
    void incompletePayloadsOnlyNotify()
    {
        QFETCH(QByteArray, payload);
        QFETCH(bool, hasId);
        const auto n = MessageCodec::fromPayload(QStringLiteral("dev"), payload);
        QVERIFY(!n.message);
        QCOMPARE(n.id.has_value(), hasId);
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
