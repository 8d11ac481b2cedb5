#pragma once

#include <QHash>
#include <QObject>
#include <QString>

namespace Confab {

// Desktop notifications through the freedesktop notification service (org.freedesktop.
// Notifications on the session bus), which every Linux desktop runs, with or without a tray
// (stock GNOME has none). Clicking one opens its conversation. Where no service answers
// (another OS, no session bus, a build without Qt D-Bus) unavailable() hands the notification
// back, for the tray icon to show. Nothing here blocks: every call is asynchronous.
class DesktopNotifier : public QObject
{
    Q_OBJECT
public:
    explicit DesktopNotifier(QObject *parent = nullptr);

    // `title` and `body` are plain text (escaped here: the service reads the body as markup).
    void show(const QString &title, const QString &body, const QString &channel);

    // The service's id of the one on screen (0: none yet); the next one replaces it.
    uint lastId() const { return m_lastId; }

    static constexpr const char *Service = "org.freedesktop.Notifications";
    static constexpr const char *Path = "/org/freedesktop/Notifications";
    static constexpr const char *Interface = "org.freedesktop.Notifications";

Q_SIGNALS:
    // The notification for `channel` was clicked.
    void activated(const QString &channel);
    // No service took it: show it another way.
    void unavailable(const QString &title, const QString &body, const QString &channel);

private Q_SLOTS:
    // Old-style slots: QDBusConnection::connect() names them by signature.
    void onActionInvoked(uint id, const QString &action);
    void onClosed(uint id, uint reason);

private:
    QHash<uint, QString> m_channels; // notification id -> conversation
    uint m_lastId = 0; // replaced by the next one: one notification on screen at a time
    bool m_listening = false;
};

} // namespace Confab
