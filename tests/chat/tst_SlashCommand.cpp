#include "chat/SlashCommand.h"

#include <QTest>

using namespace Confab;

class tst_SlashCommand : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesTheCommands_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("argument");
        QTest::addColumn<QString>("user");
        using K = SlashCommand::Kind;
        QTest::newRow("text") << QStringLiteral("hello") << int(K::Text) << QStringLiteral("hello")
                              << QString();
        QTest::newRow("escaped slash") << QStringLiteral("//etc/hosts") << int(K::Text)
                                       << QStringLiteral("/etc/hosts") << QString();
        QTest::newRow("join") << QStringLiteral("/join #dev") << int(K::Join)
                              << QStringLiteral("#dev") << QString();
        QTest::newRow("upper case")
            << QStringLiteral("/JOIN dev") << int(K::Join) << QStringLiteral("dev") << QString();
        QTest::newRow("msg") << QStringLiteral("/msg bob  hi there ") << int(K::Msg)
                             << QStringLiteral("hi there") << QStringLiteral("bob");
        QTest::newRow("nick keeps spaces") << QStringLiteral("/nick Alice Smith") << int(K::Nick)
                                           << QStringLiteral("Alice Smith") << QString();
        // Any Unicode whitespace separates words, as it does for the name rule (fuzz_names
        // found "/leave a<U+2029>b" taken as one channel name).
        QTest::newRow("paragraph separator") << QStringLiteral("/msg bob\u2029hi") << int(K::Msg)
                                             << QStringLiteral("hi") << QStringLiteral("bob");
        QTest::newRow("no-break space after the command")
            << QStringLiteral("/join\u00a0dev") << int(K::Join) << QStringLiteral("dev")
            << QString();
        QTest::newRow("channel with a no-break space")
            << QStringLiteral("/leave a\u00a0b") << int(K::Invalid) << QString() << QString();
        QTest::newRow("channel with a paragraph separator")
            << QStringLiteral("/leave a\u2029b") << int(K::Invalid) << QString() << QString();
        QTest::newRow("unknown") << QStringLiteral("/frobnicate") << int(K::Invalid) << QString()
                                 << QString();
        QTest::newRow("missing argument")
            << QStringLiteral("/join") << int(K::Invalid) << QString() << QString();
    }
    void parsesTheCommands()
    {
        QFETCH(QString, line);
        QFETCH(int, kind);
        QFETCH(QString, argument);
        QFETCH(QString, user);
        const SlashCommand command = SlashCommand::parse(line);
        QCOMPARE(int(command.kind), kind);
        QCOMPARE(command.error.isEmpty(), kind != int(SlashCommand::Kind::Invalid));
        if (kind != int(SlashCommand::Kind::Invalid)) {
            QCOMPARE(command.argument, argument);
            QCOMPARE(command.user, user);
        }
    }

    // Errors go to one status line: what was typed is quoted, but not a pasted page of it.
    void errorsQuoteALimitedPartOfTheLine()
    {
        const QString junk(100000, u'x');
        for (const QString &line :
             {QString(u'/' + junk), QString(QStringLiteral("/join a ") + junk)}) {
            const SlashCommand command = SlashCommand::parse(line);
            QCOMPARE(command.kind, SlashCommand::Kind::Invalid);
            QVERIFY2(command.error.size() < 300, qPrintable(command.error.left(400)));
        }
    }
};

QTEST_GUILESS_MAIN(tst_SlashCommand)
#include "tst_SlashCommand.moc"
