#include "DesktopNotifier.h"

#ifdef CONFAB_HAVE_DBUS
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#endif
#include <QGuiApplication>
#include <QVariantMap>

namespace Confab {

DesktopNotifier::DesktopNotifier(QObject *parent)
    : QObject(parent)
{ }

void DesktopNotifier::show(const QString &title, const QString &body, const QString &channel)
{
#ifdef CONFAB_HAVE_DBUS
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        Q_EMIT unavailable(title, body, channel);
        return;
    }
    if (!m_listening) {
        bus.connect(QLatin1String(Service), QLatin1String(Path), QLatin1String(Interface),
                    QStringLiteral("ActionInvoked"), this, SLOT(onActionInvoked(uint, QString)));
        bus.connect(QLatin1String(Service), QLatin1String(Path), QLatin1String(Interface),
                    QStringLiteral("NotificationClosed"), this, SLOT(onClosed(uint, uint)));
        m_listening = true;
    }
    QDBusMessage call =
        QDBusMessage::createMethodCall(QLatin1String(Service), QLatin1String(Path),
                                       QLatin1String(Interface), QStringLiteral("Notify"));
    const QVariantMap hints{
        {QStringLiteral("desktop-entry"), QGuiApplication::desktopFileName()},
        {QStringLiteral("category"), QStringLiteral("im.received")},
    };
    call << QGuiApplication::applicationDisplayName() << m_lastId
         << QGuiApplication::desktopFileName()
         << title
         // The specification lets servers read the body as a subset of HTML.
         << body.toHtmlEscaped() << QStringList{QStringLiteral("default"), tr("Open")} << hints
         << qint32(-1);
    auto *watcher = new QDBusPendingCallWatcher(bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this, watcher, title, body, channel] {
                watcher->deleteLater();
                const QDBusPendingReply<uint> reply = *watcher;
                if (reply.isError()) {
                    // No notification service (or a broken one): the tray, then.
                    Q_EMIT unavailable(title, body, channel);
                    return;
                }
                m_channels.remove(m_lastId);
                m_lastId = reply.value();
                m_channels.insert(m_lastId, channel);
            });
#else
    Q_EMIT unavailable(title, body, channel);
#endif
}

void DesktopNotifier::onActionInvoked(uint id, const QString &action)
{
    const auto it = m_channels.constFind(id);
    if (it == m_channels.cend())
        return; // another program's notification
    if (action == QLatin1String("default"))
        Q_EMIT activated(*it);
}

void DesktopNotifier::onClosed(uint id, uint reason)
{
    Q_UNUSED(reason);
    m_channels.remove(id);
    if (id == m_lastId)
        m_lastId = 0;
}

} // namespace Confab
