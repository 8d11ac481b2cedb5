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

    // Claims as a first start does; true once it listens.
    static bool becomesPrimary(InstanceGuard &guard)
    {
        QSignalSpy primary(&guard, &InstanceGuard::primary);
        guard.claim("{}");
        return primary.wait(10000);
    }

    // A later start with `key`: true if it handed `request` over (and did not listen itself).
    static bool handsOver(const QString &key, const QByteArray &request)
    {
        InstanceGuard later(key);
        QSignalSpy handedOver(&later, &InstanceGuard::handedOver);
        QSignalSpy primary(&later, &InstanceGuard::primary);
        later.claim(request);
        return handedOver.wait(10000) && primary.isEmpty();
    }

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
        QSignalSpy received(&first, &InstanceGuard::requestReceived);
        QVERIFY(becomesPrimary(first));
        QVERIFY(handsOver(key, R"({"channel":"dev"})"));
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 10000);
        QCOMPARE(received.first().first().toByteArray(), QByteArray(R"({"channel":"dev"})"));
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
        QVERIFY(handsOver(key, "{}"));
#else
        QSKIP("local sockets leave no file behind here");
#endif
    }

    void newlinesInARequestCannotSplitIt()
    {
        const QString key = uniqueKey();
        InstanceGuard first(key);
        QSignalSpy received(&first, &InstanceGuard::requestReceived);
        QVERIFY(becomesPrimary(first));
        QVERIFY(handsOver(key, "one\ntwo"));
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 10000);
        QCOMPARE(received.first().first().toByteArray(), QByteArray("one two"));
    }
};

QTEST_GUILESS_MAIN(tst_InstanceGuard)
#include "tst_InstanceGuard.moc"
