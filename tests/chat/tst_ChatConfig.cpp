#include "chat/ChatConfig.h"

#include <QProcessEnvironment>
#include <QTest>

using namespace Confab;

// ChatConfig::applyEnvironment: what the variables set, and that a bad value is an error
// naming the variable and the value, not a silent default.
class tst_ChatConfig : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void retentionDefaultsWithoutTheVariable()
    {
        ChatConfig config;
        QString error;
        QVERIFY(config.applyEnvironment(QProcessEnvironment(), &error));
        QCOMPARE(config.retention, 100000);
    }

    void retentionFromTheEnvironment_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("retention"); // 0: the value is refused
        QTest::newRow("number") << QStringLiteral("5000") << 5000;
        QTest::newRow("one") << QStringLiteral("1") << 1;
        QTest::newRow("surrounding spaces") << QStringLiteral(" 42\n") << 42;
        QTest::newRow("zero") << QStringLiteral("0") << 0;
        QTest::newRow("negative") << QStringLiteral("-10") << 0;
        QTest::newRow("word") << QStringLiteral("lots") << 0;
        QTest::newRow("unit") << QStringLiteral("10k") << 0;
        QTest::newRow("fraction") << QStringLiteral("1.5") << 0;
        QTest::newRow("empty") << QString() << 0;
        QTest::newRow("beyond int") << QStringLiteral("99999999999") << 0;
    }

    void retentionFromTheEnvironment()
    {
        QFETCH(QString, value);
        QFETCH(int, retention);
        QProcessEnvironment environment;
        environment.insert(QStringLiteral("CONFAB_RETENTION"), value);
        ChatConfig config;
        QString error;
        const bool applied = config.applyEnvironment(environment, &error);
        if (retention > 0) {
            QVERIFY2(applied, qPrintable(error));
            QCOMPARE(config.retention, retention);
            return;
        }
        QVERIFY(!applied);
        QVERIFY2(error.startsWith(QStringLiteral("CONFAB_RETENTION ")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("\"%1\"").arg(value)), qPrintable(error));
        QCOMPARE(config.retention, ChatConfig().retention);
    }
};

QTEST_GUILESS_MAIN(tst_ChatConfig)
#include "tst_ChatConfig.moc"
