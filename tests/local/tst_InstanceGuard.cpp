#include "local/InstanceGuard.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTest>
#include <QUuid>

using namespace Confab;

class tst_InstanceGuard : public QObject
{
    Q_OBJECT

    // A key no other run shares.
    static QString uniqueKey() { return QUuid::createUuid().toString(); }

private Q_SLOTS:
    void theFirstStartBecomesPrimary()
    {
        InstanceGuard guard(uniqueKey());
        QSignalSpy primary(&guard, &InstanceGuard::primary);
        QSignalSpy handedOver(&guard, &InstanceGuard::handedOver);
        guard.claim("{}");
        QVERIFY(primary.wait(10000));
        QVERIFY(handedOver.isEmpty());
    }

    void aSecondStartHandsItsRequestToTheFirst()
    {
        const QString key = uniqueKey();
        InstanceGuard first(key);
        QSignalSpy primary(&first, &InstanceGuard::primary);
        QSignalSpy received(&first, &InstanceGuard::requestReceived);
        first.claim("{}");
        QVERIFY(primary.wait(10000));

        InstanceGuard second(key);
        QSignalSpy handedOver(&second, &InstanceGuard::handedOver);
        QSignalSpy secondPrimary(&second, &InstanceGuard::primary);
        second.claim(R"({"channel":"dev"})");
        QVERIFY(handedOver.wait(10000));
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 10000);
        QCOMPARE(received.first().first().toByteArray(), QByteArray(R"({"channel":"dev"})"));
        QVERIFY(secondPrimary.isEmpty());
    }

    void anotherProfileRunsBesideIt()
    {
        InstanceGuard first(uniqueKey());
        InstanceGuard other(uniqueKey());
        QVERIFY(first.serverName() != other.serverName());
        QSignalSpy firstPrimary(&first, &InstanceGuard::primary);
        QSignalSpy otherPrimary(&other, &InstanceGuard::primary);
        QSignalSpy received(&first, &InstanceGuard::requestReceived);
        first.claim("{}");
        QVERIFY(firstPrimary.wait(10000));
        other.claim("{}");
        QVERIFY(otherPrimary.wait(10000));
        QVERIFY(received.isEmpty());
    }

    void aSocketLeftByACrashIsTakenOver()
    {
#ifdef Q_OS_UNIX
        const QString key = uniqueKey();
        InstanceGuard guard(key);
        // What a killed instance leaves: the socket file, with nobody listening.
        const QString path = QDir::tempPath() + u'/' + guard.serverName();
        QFile stale(path);
        QVERIFY(stale.open(QIODevice::WriteOnly));
        stale.close();
        QSignalSpy primary(&guard, &InstanceGuard::primary);
        guard.claim("{}");
        QVERIFY(primary.wait(10000));

        // And it really listens now: a next start is handed over to it.
        InstanceGuard next(key);
        QSignalSpy handedOver(&next, &InstanceGuard::handedOver);
        next.claim("{}");
        QVERIFY(handedOver.wait(10000));
#else
        QSKIP("local sockets leave no file behind here");
#endif
    }

    void newlinesInARequestCannotSplitIt()
    {
        const QString key = uniqueKey();
        InstanceGuard first(key);
        QSignalSpy primary(&first, &InstanceGuard::primary);
        QSignalSpy received(&first, &InstanceGuard::requestReceived);
        first.claim("{}");
        QVERIFY(primary.wait(10000));
        InstanceGuard second(key);
        QSignalSpy handedOver(&second, &InstanceGuard::handedOver);
        second.claim("one\ntwo");
        QVERIFY(handedOver.wait(10000));
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 10000);
        QCOMPARE(received.first().first().toByteArray(), QByteArray("one two"));
    }
};

QTEST_GUILESS_MAIN(tst_InstanceGuard)
#include "tst_InstanceGuard.moc"
