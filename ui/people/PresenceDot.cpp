#include "PresenceDot.h"

#include "ColorContrast.h"

#include <QPainter>
#include <QPainterPath>

namespace Confab {

QColor PresenceDot::colorOf(Presence::State state, const QPalette &palette)
{
    const QColor base = palette.color(QPalette::Base);
    switch (state) {
    case Presence::State::Online:
        // Green and amber readable on the list's background, light or dark (3:1, as for
        // graphical objects).
        return ColorContrast::readableOn(QColor(0x2e, 0xa0, 0x5a), base, 3.0);
    case Presence::State::Away:
        return ColorContrast::readableOn(QColor(0xd9, 0x8e, 0x04), base, 3.0);
    case Presence::State::Offline:
        break;
    }
    return ColorContrast::readableOn(palette.color(QPalette::PlaceholderText), base, 3.0);
}

void PresenceDot::paint(QPainter *painter, const QRectF &area, Presence::State state,
                        const QPalette &palette)
{
    const qreal size = std::min(area.width(), area.height());
    const QRectF dot(area.center().x() - size / 2, area.center().y() - size / 2, size, size);
    const QColor color = colorOf(state, palette);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    switch (state) {
    case Presence::State::Online:
        painter->setPen(Qt::NoPen);
        painter->setBrush(color);
        painter->drawEllipse(dot);
        break;
    case Presence::State::Away: {
        // A crescent: the dot with a bite out of its upper right.
        QPainterPath full;
        full.addEllipse(dot);
        QPainterPath bite;
        bite.addEllipse(dot.translated(size * 0.45, -size * 0.35));
        painter->setPen(Qt::NoPen);
        painter->setBrush(color);
        painter->drawPath(full.subtracted(bite));
        break;
    }
    case Presence::State::Offline: {
        const qreal pen = std::max<qreal>(1.2, size / 6);
        painter->setPen(QPen(color, pen));
        painter->setBrush(Qt::NoBrush);
        painter->drawEllipse(dot.adjusted(pen / 2, pen / 2, -pen / 2, -pen / 2));
        break;
    }
    }
    painter->restore();
}

} // namespace Confab
