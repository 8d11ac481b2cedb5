#pragma once

#include "presence/Presence.h"

#include <QStringList>
#include <QStyledItemDelegate>

#include <functional>

namespace Confab {

// A row of the channel list: "# name" or "@ person", bold while it has unread messages, with
// an unread count badge that turns to the accent colour when one of them mentions the user.
class ChannelDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    // What the badges say, left to right: "@2" for unread messages that mention the user
    // (red), then the unread count; one "@N" when all unread ones mention the user.
    static QStringList badges(int unread, int mentions);
    // Maps a channel name to what is shown ("dm:alice:bob" -> "bob" for alice).
    using DisplayName = std::function<QString(const QString &)>;
    // Where the other person of a direct conversation is: drawn in place of the "@".
    using PresenceOf = std::function<Presence::State(const QString &channel)>;
    explicit ChannelDelegate(DisplayName displayName, QObject *parent = nullptr,
                             PresenceOf presence = {});

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    DisplayName m_displayName;
    PresenceOf m_presence;
};

} // namespace Confab
