#include "DesktopNotifier.h"

#include <QDBusAbstractAdaptor>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>

using namespace Confab;

namespace {

// A notification service as a desktop runs it, on the test's own session bus: it records
// what it is asked to show and can say that one was clicked.
class NotificationService : public QObject
{
    Q_OBJECT
public:
    struct Shown
    {
        QString summary;
        QString body;
        QStringList actions;
        QVariantMap hints;
        uint replaces = 0;
    };
    QList<Shown> shown;

    uint notify(const QString &, uint replaces, const QString &, const QString &summary,
                const QString &body, const QStringList &actions, const QVariantMap &hints, int)
    {
        shown.append({summary, body, actions, hints, replaces});
        return uint(shown.size());
    }

    void click(uint id)
    {
        QDBusMessage signal = QDBusMessage::createSignal(QLatin1String(DesktopNotifier::Path),
                                                         QLatin1String(DesktopNotifier::Interface),
                                                         QStringLiteral("ActionInvoked"));
        signal << id << QStringLiteral("default");
        QDBusConnection::sessionBus().send(signal);
    }
};

class NotificationAdaptor : public QDBusAbstractAdaptor
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    explicit NotificationAdaptor(NotificationService *service)
        : QDBusAbstractAdaptor(service)
        , m_service(service)
    { }

public Q_SLOTS:
    uint Notify(const QString &app, uint replaces, const QString &icon, const QString &summary,
                const QString &body, const QStringList &actions, const QVariantMap &hints,
                int timeout)
    {
        return m_service->notify(app, replaces, icon, summary, body, actions, hints, timeout);
    }

private:
    NotificationService *m_service;
};

} // namespace

// Run on a private session bus (tests/ui/with-session-bus.sh); skipped without one.
class tst_DesktopNotifier : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (!QDBusConnection::sessionBus().isConnected())
            QSKIP("no D-Bus session bus (run under tests/ui/with-session-bus.sh)");
    }

    void aNotificationGoesToTheServiceAndAClickOpensItsConversation()
    {
        NotificationService service;
        new NotificationAdaptor(&service);
        QDBusConnection bus = QDBusConnection::sessionBus();
        QVERIFY(bus.registerObject(QLatin1String(DesktopNotifier::Path), &service));
        QVERIFY(bus.registerService(QLatin1String(DesktopNotifier::Service)));
        // Gone at the end however the test ends: the next test needs a bus without it.
        const auto unregister = qScopeGuard([&bus] {
            bus.unregisterService(QLatin1String(DesktopNotifier::Service));
            bus.unregisterObject(QLatin1String(DesktopNotifier::Path));
        });

        DesktopNotifier notifier;
        QSignalSpy unavailable(&notifier, &DesktopNotifier::unavailable);
        QSignalSpy activated(&notifier, &DesktopNotifier::activated);
        notifier.show(QStringLiteral("bob in #dev"), QStringLiteral("a <b>bold</b> & true claim"),
                      QStringLiteral("dev"));
        QTRY_COMPARE_WITH_TIMEOUT(service.shown.size(), 1, 20000);
        const NotificationService::Shown &first = service.shown.first();
        QCOMPARE(first.summary, QStringLiteral("bob in #dev"));
        // Servers read the body as markup: it arrives escaped, and shows as typed.
        QCOMPARE(first.body, QStringLiteral("a &lt;b&gt;bold&lt;/b&gt; &amp; true claim"));
        QVERIFY(first.actions.contains(QStringLiteral("default")));
        QCOMPARE(first.hints.value(QStringLiteral("category")).toString(),
                 QStringLiteral("im.received"));

        // A second one replaces the first, rather than piling up.
        QTRY_COMPARE_WITH_TIMEOUT(notifier.lastId(), 1u, 20000);
        notifier.show(QStringLiteral("carol in #ops"), QStringLiteral("ping"),
                      QStringLiteral("ops"));
        QTRY_COMPARE_WITH_TIMEOUT(service.shown.size(), 2, 20000);
        QCOMPARE(service.shown.at(1).replaces, 1u);

        service.click(2);
        QTRY_COMPARE_WITH_TIMEOUT(activated.size(), 1, 20000);
        QCOMPARE(activated.first().first().toString(), QStringLiteral("ops"));
        // Another program's notification being clicked is none of ours.
        service.click(99);
        QTest::qWait(0);
        QCOMPARE(activated.size(), 1);
        QVERIFY(unavailable.isEmpty());
    }

    // Without a notification service (a desktop without one, a bare session bus) the
    // notification comes back, for the tray.
    void withoutAServiceItComesBack()
    {
        QVERIFY(!QDBusConnection::sessionBus().interface()->isServiceRegistered(
            QLatin1String(DesktopNotifier::Service)));
        DesktopNotifier notifier;
        QSignalSpy unavailable(&notifier, &DesktopNotifier::unavailable);
        notifier.show(QStringLiteral("t"), QStringLiteral("b"), QStringLiteral("dev"));
        QVERIFY(unavailable.wait(30000));
        QCOMPARE(unavailable.first().at(2).toString(), QStringLiteral("dev"));
    }
};

QTEST_MAIN(tst_DesktopNotifier)
#include "tst_DesktopNotifier.moc"
