#pragma once

#include "presence/Presence.h"

#include <QPalette>
#include <QRectF>

class QPainter;

namespace Confab {

// The small dot that says where someone is: filled green when online, a filled amber half-moon
// when away, an empty ring when offline, so the three differ in shape as well as colour.
class PresenceDot
{
public:
    static QColor colorOf(Presence::State state, const QPalette &palette);
    // Draws it centred in `area` (a square of the dot's size is used).
    static void paint(QPainter *painter, const QRectF &area, Presence::State state,
                      const QPalette &palette);
};

} // namespace Confab
