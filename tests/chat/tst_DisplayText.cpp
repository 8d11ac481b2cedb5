#include "chat/DisplayText.h"

#include <QTest>

using namespace Confab;

class tst_DisplayText : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void marksOverridesAndControls_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("shown");
        QTest::newRow("plain") << QStringLiteral("hello") << QStringLiteral("hello");
        QTest::newRow("right-to-left override")
            << QStringLiteral("gnp\u202e.exe") << QStringLiteral("gnp[U+202E].exe");
        QTest::newRow("every embedding and isolate")
            << QStringLiteral("\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069")
            << QStringLiteral("[U+202A][U+202B][U+202C][U+202D][U+2066][U+2067][U+2068][U+2069]");
        QTest::newRow("escape and bell")
            << QStringLiteral("\x1b[31mred\x07") << QStringLiteral("[U+001B][31mred[U+0007]");
        QTest::newRow("C1 and delete")
            << QStringLiteral("a\u0085b\x7f") << QStringLiteral("a[U+0085]b[U+007F]");
        // Kept: line breaks and tabs are the view's business, marks are ordinary RTL text.
        QTest::newRow("line breaks and tabs")
            << QStringLiteral("a\nb\r\nc\td") << QStringLiteral("a\nb\r\nc\td");
        QTest::newRow("right-to-left mark and Arabic")
            << QStringLiteral("\u200f\u0645\u0631\u062d\u0628\u0627")
            << QStringLiteral("\u200f\u0645\u0631\u062d\u0628\u0627");
    }
    void marksOverridesAndControls()
    {
        QFETCH(QString, text);
        QFETCH(QString, shown);
        QCOMPARE(DisplayText::marked(text), shown);
        QCOMPARE(DisplayText::needsMarking(text), text != shown);
    }

    void isolatesInAFirstStrongIsolate()
    {
        const QString isolated =
            DisplayText::isolated(QStringLiteral("\u05e9\u05dc\u05d5\u05dd\u202e"));
        QCOMPARE(isolated, QStringLiteral("\u2068\u05e9\u05dc\u05d5\u05dd[U+202E]\u2069"));
    }
};

QTEST_GUILESS_MAIN(tst_DisplayText)
#include "tst_DisplayText.moc"
