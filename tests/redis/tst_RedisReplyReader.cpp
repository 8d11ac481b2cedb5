#include "redis/RedisFlatReply.h"
#include "redis/RedisReplyReader.h"
#include "redis/RedisReplyView.h"

#include <QTest>

using namespace Confab;

namespace {

QList<RedisReply> parseAll(RedisReplyReader &reader,
                           RedisReplyReader::Form form = RedisReplyReader::Form::Tree)
{
    QList<RedisReply> out;
    RedisReply reply;
    while (reader.next(&reply, form) == RedisReplyReader::Result::Reply)
        out << reply;
    return out;
}

// What a stream read answers: [[id, [field, value, ...]], ...].
QByteArray streamPage(int entries)
{
    QByteArray wire = "*" + QByteArray::number(entries) + "\r\n";
    for (int i = 0; i < entries; ++i) {
        const QByteArray id = "1700000000000-" + QByteArray::number(i);
        const QByteArray text = "message " + QByteArray::number(i);
        wire += "*2\r\n$" + QByteArray::number(id.size()) + "\r\n" + id + "\r\n";
        wire += "*4\r\n$4\r\nfrom\r\n$5\r\nalice\r\n$4\r\ntext\r\n$"
            + QByteArray::number(text.size()) + "\r\n" + text + "\r\n";
    }
    return wire;
}

// Every shape a reply can take, arrays nested in arrays with every type inside.
const char EveryShapeBytes[] = "+OK\r\n-ERR bad thing\r\n:42\r\n$5\r\nhello\r\n$-1\r\n*-1\r\n*0\r\n"
                               "*3\r\n*2\r\n$1\r\na\r\n*1\r\n:1\r\n$-1\r\n*2\r\n+x\r\n$0\r\n\r\n"
                               "*4\r\n-ERR inside\r\n*0\r\n*-1\r\n*1\r\n*1\r\n*1\r\n:-9\r\n"
                               "*2\r\n$3\r\na\0b\r\n$0\r\n\r\n";
const QByteArray EveryShape(EveryShapeBytes, sizeof(EveryShapeBytes) - 1);

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

    void flatFormGivesTheSameReplies()
    {
        RedisReplyReader tree;
        tree.feed(EveryShape.constData(), EveryShape.size());
        const QList<RedisReply> expected = parseAll(tree);
        QCOMPARE(expected.size(), 10);

        // Byte by byte, so that every reply is begun in one call and finished in another.
        RedisReplyReader reader;
        QList<RedisReply> got;
        for (char c : EveryShape) {
            reader.feed(&c, 1);
            got << parseAll(reader, RedisReplyReader::Form::Flat);
        }
        QCOMPARE(got.size(), expected.size());
        for (qsizetype i = 0; i < got.size(); ++i) {
            // Only arrays take the flat form; the rest are ordinary replies.
            QCOMPARE(got[i].flat() != nullptr, expected[i].isArray());
            QCOMPARE(got[i].type(), expected[i].type());
            QCOMPARE(got[i].size(), expected[i].size());
            QCOMPARE(got[i], expected[i]);
            QCOMPARE(RedisReplyView(got[i]).toReply(), expected[i]);
            QCOMPARE(got[i].toDebugString(), expected[i].toDebugString());
            // Asked for its elements like a tree, a flat reply gives them all the same.
            QCOMPARE(got[i].elements(), expected[i].elements());
            QCOMPARE(got[i].size(), expected[i].size());
        }
    }

    void viewsReadBothFormsAlike()
    {
        const QByteArray wire = streamPage(3) + EveryShape;
        RedisReplyReader treeReader;
        RedisReplyReader flatReader;
        treeReader.feed(wire.constData(), wire.size());
        flatReader.feed(wire.constData(), wire.size());
        const QList<RedisReply> trees = parseAll(treeReader);
        const QList<RedisReply> flats = parseAll(flatReader, RedisReplyReader::Form::Flat);
        QCOMPARE(flats.size(), trees.size());

        const RedisReplyView page(flats[0]);
        QVERIFY(flats[0].flat());
        QCOMPARE(page.size(), 3);
        int entries = 0;
        for (const RedisReplyView entry : page) {
            QCOMPARE(entry.size(), 2);
            QCOMPARE(entry.at(0).bytes().toByteArray(),
                     "1700000000000-" + QByteArray::number(entries));
            const RedisReplyView fields = entry.at(1);
            QCOMPARE(fields.size(), 4);
            QStringList seen;
            for (const RedisReplyView field : fields)
                seen << QString::fromLatin1(field.bytes());
            QCOMPARE(
                seen,
                (QStringList{QStringLiteral("from"), QStringLiteral("alice"),
                             QStringLiteral("text"), QStringLiteral("message %1").arg(entries)}));
            ++entries;
        }
        QCOMPARE(entries, 3);
        QCOMPARE(page.at(2).at(1).at(3).bytes().toByteArray(), QByteArray("message 2"));
        // Out of range and into a non-array: nil, never a crash.
        QVERIFY(page.at(3).isNil());
        QVERIFY(page.at(-1).isNil());
        QVERIFY(page.at(0).at(0).at(0).isNil());
        QCOMPARE(page.at(0).at(0).size(), 0);
        QVERIFY(page.at(0).at(0).begin() == page.at(0).at(0).end());

        // Every element of every reply reads the same through a view of either form.
        const auto same = [](auto &&self, RedisReplyView a, RedisReplyView b) -> bool {
            if (a.type() != b.type() || a.size() != b.size() || a.bytes() != b.bytes()
                || a.toInteger() != b.toInteger())
                return false;
            auto ib = b.begin();
            for (const RedisReplyView element : a) {
                if (ib == b.end() || !self(self, element, *ib))
                    return false;
                ++ib;
            }
            return ib == b.end();
        };
        for (qsizetype i = 0; i < trees.size(); ++i)
            QVERIFY2(same(same, trees[i], flats[i]), qPrintable(trees[i].toDebugString()));
        QCOMPARE(RedisReplyView(flats[9]).at(3).at(0).at(0).at(0).toInteger(), -9);
        QCOMPARE(RedisReplyView(flats[10]).at(0).bytes().toByteArray(), QByteArray("a\0b", 3));
    }

    void aReplyEndsInTheFormItBeganIn()
    {
        const QByteArray page = streamPage(2);
        RedisReplyReader reader;
        reader.feed(page.constData(), page.size() / 2);
        RedisReply reply;
        QCOMPARE(reader.next(&reply, RedisReplyReader::Form::Flat),
                 RedisReplyReader::Result::NeedMoreData);
        reader.feed(page.constData() + page.size() / 2, page.size() - page.size() / 2);
        reader.feed(page.constData(), page.size());
        QCOMPARE(reader.next(&reply, RedisReplyReader::Form::Tree),
                 RedisReplyReader::Result::Reply);
        QVERIFY(reply.flat());
        QCOMPARE(reply.size(), 2);
        QCOMPARE(reader.next(&reply, RedisReplyReader::Form::Tree),
                 RedisReplyReader::Result::Reply);
        QVERIFY(!reply.flat());
        QCOMPARE(reply.at(1).at(1).at(3).bytes(), QByteArray("message 1"));
    }

    void flatArrayHeadersAreLimitedToo()
    {
        const QByteArray wire = "*1\r\n*2000000000\r\n";
        RedisReplyReader reader;
        reader.feed(wire.constData(), wire.size());
        RedisReply reply;
        QCOMPARE(reader.next(&reply, RedisReplyReader::Form::Flat),
                 RedisReplyReader::Result::ProtocolError);
        QVERIFY2(reader.errorString().contains(QStringLiteral("elements (at most")),
                 qPrintable(reader.errorString()));
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
