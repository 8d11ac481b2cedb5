#include "chat/NameRule.h"

#include <QTest>

using namespace Confab;

class tst_NameRule : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void acceptsOrdinaryAndUnicodeNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("ascii") << QStringLiteral("general");
        QTest::newRow("dashes and dots") << QStringLiteral("team-dev.backend_2");
        QTest::newRow("accents") << QStringLiteral("café");
        QTest::newRow("cyrillic") << QStringLiteral("разработка");
        QTest::newRow("cjk") << QStringLiteral("開発");
        QTest::newRow("emoji") << QStringLiteral("party🎉");
        QTest::newRow("colon") << QStringLiteral("ops:alerts");
        QTest::newRow("64 characters") << QString(64, u'x');
    }
    void acceptsOrdinaryAndUnicodeNames()
    {
        QFETCH(QString, name);
        QVERIFY2(NameRule::isValid(name), qPrintable(NameRule::check(name)));
    }

    void rejectsWithAClearReason_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("reason");
        QTest::newRow("empty") << QString() << QStringLiteral("empty");
        QTest::newRow("space") << QStringLiteral("my channel") << QStringLiteral("whitespace");
        QTest::newRow("tab") << QStringLiteral("a\tb") << QStringLiteral("whitespace");
        QTest::newRow("no-break space")
            << QStringLiteral("a\u00a0b") << QStringLiteral("whitespace");
        QTest::newRow("open brace") << QStringLiteral("a{b") << QStringLiteral("\"{\"");
        QTest::newRow("close brace") << QStringLiteral("a}b") << QStringLiteral("\"}\"");
        QTest::newRow("star") << QStringLiteral("a*") << QStringLiteral("\"*\"");
        QTest::newRow("question mark") << QStringLiteral("a?") << QStringLiteral("\"?\"");
        QTest::newRow("brackets") << QStringLiteral("[a]") << QStringLiteral("\"[\"");
        QTest::newRow("backslash") << QStringLiteral("a\\b") << QStringLiteral("\"\\\"");
        QTest::newRow("control") << QStringLiteral("a\u0007b") << QStringLiteral("control");
        QTest::newRow("zero width") << QStringLiteral("a\u200bb") << QStringLiteral("invisible");
        QTest::newRow("too long") << QString(65, u'x') << QStringLiteral("too long");
        QTest::newRow("too many bytes")
            << QStringLiteral("🎉").repeated(51) << QStringLiteral("bytes");
        QTest::newRow("leading hash") << QStringLiteral("#x") << QStringLiteral("start with");
        QTest::newRow("leading slash") << QStringLiteral("/x") << QStringLiteral("start with");
    }
    void rejectsWithAClearReason()
    {
        QFETCH(QString, name);
        QFETCH(QString, reason);
        const QString problem = NameRule::check(name, QStringLiteral("channel name"));
        QVERIFY2(problem.contains(reason), qPrintable(problem));
        QVERIFY(problem.contains(QStringLiteral("channel name")));
    }

    void normalizesTypedChannelNames()
    {
        QCOMPARE(NameRule::normalizedChannel(QStringLiteral("  #dev ")), QStringLiteral("dev"));
        QCOMPARE(NameRule::normalizedChannel(QStringLiteral("dev")), QStringLiteral("dev"));
    }

    // A display name that is accepted is shown exactly as it was given (found by fuzz_names:
    // a run of spaces was accepted, then shown collapsed).
    void acceptedDisplayNamesAreShownUnchanged_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("plain") << QStringLiteral("Alice Smith") << true;
        QTest::newRow("unicode") << QStringLiteral("Zoë 開発 🎉") << true;
        QTest::newRow("two spaces") << QStringLiteral("Alice  Smith") << false;
        QTest::newRow("tab") << QStringLiteral("Alice\tSmith") << false;
        QTest::newRow("override") << QStringLiteral("Alice\u202e") << false;
        QTest::newRow("64 characters") << QString(64, u'x') << true;
    }
    void acceptedDisplayNamesAreShownUnchanged()
    {
        QFETCH(QString, name);
        QFETCH(bool, accepted);
        QCOMPARE(NameRule::checkDisplayName(name).isEmpty(), accepted);
        if (accepted)
            QCOMPARE(NameRule::displayable(name), name);
    }
};

QTEST_GUILESS_MAIN(tst_NameRule)
#include "tst_NameRule.moc"
