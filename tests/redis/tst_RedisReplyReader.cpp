#include "redis/RedisReplyReader.h"

#include <QTest>

using namespace Confab;

namespace {

QList<RedisReply> parseAll(RedisReplyReader &reader)
{
    QList<RedisReply> out;
    RedisReply reply;
    while (reader.next(&reply) == RedisReplyReader::Result::Reply)
        out << reply;
    return out;
}

// An array of `count` bulk strings, as LRANGE answers.
QByteArray bulkArray(int count)
{
    QByteArray wire = "*" + QByteArray::number(count) + "\r\n";
    wire.reserve(qsizetype(count) * 16);
    for (int i = 0; i < count; ++i) {
        const QByteArray value = QByteArray::number(i);
        wire += "$" + QByteArray::number(value.size()) + "\r\n" + value + "\r\n";
    }
    return wire;
}

} // namespace

class tst_RedisReplyReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyReplyType()
    {
        RedisReplyReader reader;
        const QByteArray wire =
            "+OK\r\n-ERR bad thing\r\n:42\r\n:-7\r\n$5\r\nhello\r\n$-1\r\n*-1\r\n*0\r\n";
        reader.feed(wire.constData(), wire.size());
        const QList<RedisReply> replies = parseAll(reader);
        QCOMPARE(replies.size(), 8);
        QVERIFY(replies[0].isOk());
        QVERIFY(replies[1].isError());
        QCOMPARE(replies[1].errorCode(), QByteArray("ERR"));
        QCOMPARE(replies[1].bytes(), QByteArray("ERR bad thing"));
        QCOMPARE(replies[2].toInteger(), 42);
        QCOMPARE(replies[3].toInteger(), -7);
        QCOMPARE(replies[4], RedisReply::string("hello"));
        QVERIFY(replies[5].isNil());
        QVERIFY(replies[6].isNil());
        QVERIFY(replies[7].isArray());
        QCOMPARE(replies[7].size(), 0);
    }

    void nestedArraysKeepTheirShape()
    {
        RedisReplyReader reader;
        const QByteArray wire = "*3\r\n*2\r\n$1\r\na\r\n*1\r\n:1\r\n$-1\r\n*2\r\n+x\r\n$0\r\n\r\n";
        reader.feed(wire.constData(), wire.size());
        const QList<RedisReply> replies = parseAll(reader);
        QCOMPARE(replies.size(), 1);
        const RedisReply expected = RedisReply::array(
            {RedisReply::array(
                 {RedisReply::string("a"), RedisReply::array({RedisReply::integer(1)})}),
             RedisReply::nil(),
             RedisReply::array({RedisReply::status("x"), RedisReply::string("")})});
        QCOMPARE(replies[0], expected);
    }

    void binarySafeBulkStrings()
    {
        RedisReplyReader reader;
        const QByteArray payload("a\0b\r\n\xff\xfe", 7);
        const QByteArray wire = "$7\r\n" + payload + "\r\n";
        reader.feed(wire.constData(), wire.size());
        RedisReply reply;
        QCOMPARE(reader.next(&reply), RedisReplyReader::Result::Reply);
        QCOMPARE(reply.bytes(), payload);
        QCOMPARE(reply.bytes().size(), 7);
    }

    void bytesSplitAnywhereGiveTheSameReplies()
    {
        const QByteArray wire =
            "*2\r\n$3\r\nfoo\r\n*2\r\n:12345\r\n+PONG\r\n-ERR x\r\n$4\r\nab\r\n\r\n";
        RedisReplyReader whole;
        whole.feed(wire.constData(), wire.size());
        const QList<RedisReply> expected = parseAll(whole);
        QCOMPARE(expected.size(), 3);

        RedisReplyReader bytewise;
        QList<RedisReply> got;
        for (char c : wire) {
            bytewise.feed(&c, 1);
            got << parseAll(bytewise);
        }
        QCOMPARE(got, expected);
    }

    void protocolErrorIsReported()
    {
        RedisReplyReader reader;
        const QByteArray wire = "?what\r\n";
        reader.feed(wire.constData(), wire.size());
        RedisReply reply;
        QCOMPARE(reader.next(&reply), RedisReplyReader::Result::ProtocolError);
        QVERIFY(!reader.errorString().isEmpty());
        reader.reset();
        const QByteArray ok = "+OK\r\n";
        reader.feed(ok.constData(), ok.size());
        QCOMPARE(reader.next(&reply), RedisReplyReader::Result::Reply);
        QVERIFY(reply.isOk());
    }

    void arrayHeadersDoNotAllocateWhatTheyClaim_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<bool>("accepted"); // within MaxArrayElements: waits for the elements
        // 13 bytes that used to reserve 2^31 replies (std::bad_alloc, exit 134).
        QTest::newRow("2^31 - 1") << QByteArray("*2147483647\r\n") << false;
        QTest::newRow("20 million") << QByteArray("*20000000\r\n") << false;
        QTest::newRow("nested") << QByteArray("*1\r\n*2000000000\r\n") << false;
        QTest::newRow("the most accepted")
            << "*" + QByteArray::number(RedisReplyReader::MaxArrayElements) + "\r\n"
            << true;
    }
    void arrayHeadersDoNotAllocateWhatTheyClaim()
    {
        QFETCH(QByteArray, header);
        QFETCH(bool, accepted);
        RedisReplyReader reader;
        reader.feed(header.constData(), header.size());
        RedisReply reply;
        if (accepted) {
            // Nothing taken on the header's word: the few elements that came are all there is.
            QCOMPARE(reader.next(&reply), RedisReplyReader::Result::NeedMoreData);
            const QByteArray some = ":1\r\n:2\r\n";
            reader.feed(some.constData(), some.size());
            QCOMPARE(reader.next(&reply), RedisReplyReader::Result::NeedMoreData);
            return;
        }
        QCOMPARE(reader.next(&reply), RedisReplyReader::Result::ProtocolError);
        QVERIFY2(reader.errorString().contains(QStringLiteral("elements (at most")),
                 qPrintable(reader.errorString()));
    }

    void millionElementArray()
    {
        constexpr int count = 1000000;
        QByteArray wire = "*" + QByteArray::number(count) + "\r\n";
        wire.reserve(count * 12);
        for (int i = 0; i < count; ++i)
            wire += ":" + QByteArray::number(i) + "\r\n";
        RedisReplyReader reader;
        // In socket-sized pieces, as it arrives in practice.
        for (qsizetype pos = 0; pos < wire.size(); pos += 65536)
            reader.feed(wire.constData() + pos, std::min<qsizetype>(65536, wire.size() - pos));
        RedisReply reply;
        QCOMPARE(reader.next(&reply), RedisReplyReader::Result::Reply);
        QCOMPARE(reply.size(), count);
        QCOMPARE(reply.at(0).toInteger(), 0);
        QCOMPARE(reply.at(count - 1).toInteger(), count - 1);
    }

    void millionBulkArrayInSocketSlices()
    {
        // Fed as RedisConnection::onReadyRead feeds it: 16 KiB at a time, drained after each.
        // (Its speed against raw hiredis is bench_redis's "LRANGE 1M".)
        constexpr int count = 1000000;
        constexpr qsizetype slice = 16 * 1024;
        const QByteArray wire = bulkArray(count);
        RedisReplyReader reader;
        RedisReply reply;
        int replies = 0;
        for (qsizetype offset = 0; offset < wire.size(); offset += slice) {
            reader.feed(wire.constData() + offset, std::min(slice, wire.size() - offset));
            while (reader.next(&reply) == RedisReplyReader::Result::Reply)
                ++replies;
        }
        QCOMPARE(replies, 1);
        QCOMPARE(reply.size(), count);
        QCOMPARE(reply.at(0).bytes(), QByteArray("0"));
        QCOMPARE(reply.at(count - 1).bytes(), QByteArray::number(count - 1));
    }

    void bufferIsReleasedAfterHugeReply()
    {
        constexpr qsizetype size = 50 * 1024 * 1024;
        const QByteArray body(size, 'x');
        const QByteArray header = "$" + QByteArray::number(size) + "\r\n";
        RedisReplyReader reader;
        reader.feed(header.constData(), header.size());
        for (qsizetype pos = 0; pos < size; pos += 65536)
            reader.feed(body.constData() + pos, std::min<qsizetype>(65536, size - pos));
        reader.feed("\r\n", 2);
        QVERIFY(reader.bufferCapacity() >= size);
        RedisReply reply;
        QCOMPARE(reader.next(&reply), RedisReplyReader::Result::Reply);
        QCOMPARE(reply.bytes().size(), size);
        QCOMPARE(reader.next(&reply), RedisReplyReader::Result::NeedMoreData);
        QVERIFY2(reader.bufferCapacity() < 1024 * 1024,
                 QByteArray::number(reader.bufferCapacity()));
    }
};

QTEST_GUILESS_MAIN(tst_RedisReplyReader)
#include "tst_RedisReplyReader.moc"
