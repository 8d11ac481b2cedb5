// The outbox on disk: what waits to be sent must survive a damaged file, and writing it must
// never leave a damaged one behind.

#include "chat/Outbox.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Confab;

namespace {

OutgoingMessage message(int i)
{
    OutgoingMessage m;
    m.cid = "cid-" + QByteArray::number(i);
    m.channel = QStringLiteral("dev");
    m.text = QStringLiteral("message %1 with \"quotes\", {braces} and \\\\ back").arg(i);
    m.created = QDateTime::currentDateTimeUtc();
    m.joined = true;
    return m;
}

QByteArray read(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void write(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

} // namespace

class tst_Outbox : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("outbox.json"));
        Outbox out(path);
        for (int i = 0; i < 3; ++i)
            out.add(message(i));
        QVERIFY(out.save());
        Outbox in(path);
        QVERIFY(in.load());
        QCOMPARE(in.size(), 3);
        QCOMPARE(in.messages().at(1).text, message(1).text);
        QVERIFY(in.messages().at(2).joined);
    }

    void aTruncatedFileGivesBackEveryIntactMessage()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("outbox.json"));
        Outbox out(path);
        for (int i = 0; i < 3; ++i)
            out.add(message(i));
        QVERIFY(out.save());
        const QByteArray whole = read(path);
        // Cut in the middle of the third record, as a crash or a full disk would.
        const QByteArray damaged = whole.left(whole.lastIndexOf("cid-2") + 3);
        write(path, damaged);

        Outbox in(path);
        QString error;
        QVERIFY(!in.load(&error));
        QCOMPARE(in.size(), 2);
        QCOMPARE(in.messages().at(0).cid, QByteArray("cid-0"));
        QCOMPARE(in.messages().at(1).text, message(1).text);
        QVERIFY2(error.contains(QStringLiteral("2 unsent message(s) were recovered")),
                 qPrintable(error));
        // The damaged file is set aside as it was, and named in the message.
        const QStringList aside =
            QDir(dir.path()).entryList({QStringLiteral("outbox.json.damaged-*")});
        QCOMPARE(aside.size(), 1);
        QCOMPARE(read(dir.filePath(aside.first())), damaged);
        QVERIFY2(error.contains(aside.first()), qPrintable(error));

        // One more typed, then quit: the file holds all three, not "[]".
        in.add(message(7));
        QVERIFY(in.save());
        Outbox again(path);
        QVERIFY(again.load());
        QCOMPARE(again.size(), 3);
        QCOMPARE(again.messages().last().cid, QByteArray("cid-7"));
        QCOMPARE(read(dir.filePath(aside.first())), damaged);
    }

    void garbageRecoversWhatItCan_data()
    {
        QTest::addColumn<QByteArray>("contents");
        QTest::addColumn<int>("recovered");
        QTest::newRow("empty") << QByteArray("") << 0;
        QTest::newRow("not json") << QByteArray("\\xff\\xfe\\x00garbage") << 0;
        QTest::newRow("one bad record among good ones")
            << QByteArray("[{\"cid\":\"a\",\"channel\":\"dev\",\"type\":\"msg\",\"text\":\"x\"},"
                          "{\"cid\":\"b\",\"channel\":\"dev\",\"type\":\"msg\",\"text\":\"y"
                          ",{\"cid\":\"c\",\"channel\":\"dev\",\"type\":\"msg\",\"text\":\"z\"}]")
            << 1;
        QTest::newRow("braces inside strings") << QByteArray(
            "[{\"cid\":\"a\",\"channel\":\"dev\",\"type\":\"msg\",\"text\":\"} ] { \\\" \\\\\"},")
                                               << 1;
    }
    void garbageRecoversWhatItCan()
    {
        QFETCH(QByteArray, contents);
        QFETCH(int, recovered);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("outbox.json"));
        write(path, contents);
        Outbox in(path);
        QString error;
        QVERIFY(!in.load(&error));
        QCOMPARE(in.size(), recovered);
        QVERIFY(!error.isEmpty());
        QVERIFY(!QFile::exists(path)); // set aside, not left to be overwritten
    }
};

QTEST_GUILESS_MAIN(tst_Outbox)
#include "tst_Outbox.moc"
