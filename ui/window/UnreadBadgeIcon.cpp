#include "UnreadBadgeIcon.h"

#include "Theme.h"

#include <QFont>
#include <QFontMetrics>
#include <QPainter>
#include <QPixmap>

namespace Confab {

QString UnreadBadgeIcon::label(int unread)
{
    return unread > MaxShown ? QStringLiteral("%1+").arg(MaxShown) : QString::number(unread);
}

QIcon UnreadBadgeIcon::compose(const QIcon &base, int unread)
{
    if (unread <= 0)
        return base;
    const QString text = label(unread);
    const QColor fill = Theme::mentionBadgeColor();
    QIcon icon;
    for (const int size : Sizes) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::SmoothPixmapTransform);
        // Scaled to the size: an icon never grows its pixmaps by itself, and a badge drawn
        // for 64 px on a 32 px pixmap would be cut off.
        painter.drawPixmap(QRect(0, 0, size, size), base.pixmap(size, size));
        // Bottom right, over about two thirds of the icon's height: readable at 16 px.
        const qreal height = size * 0.62;
        QFont font;
        font.setBold(true);
        // "99+" gets a smaller font rather than running past the icon's edges.
        int pixelSize = std::max(7, int(height * 0.78));
        font.setPixelSize(pixelSize);
        while (pixelSize > 6 && QFontMetrics(font).horizontalAdvance(text) > size - height * 0.35)
            font.setPixelSize(--pixelSize);
        painter.setFont(font);
        const qreal textWidth = painter.fontMetrics().horizontalAdvance(text);
        const qreal width = std::min(qreal(size), std::max(height, textWidth + height * 0.4));
        const QRectF badge(size - width, size - height, width, height);
        painter.setPen(Qt::NoPen);
        painter.setBrush(fill);
        painter.drawRoundedRect(badge, height / 2, height / 2);
        painter.setPen(Qt::white);
        painter.drawText(badge, Qt::AlignCenter, text);
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

} // namespace Confab
