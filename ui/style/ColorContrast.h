#pragma once

#include <QColor>

namespace Confab {

// WCAG 2.x contrast arithmetic, so that every colour the message log derives from the palette
// (author names, links, muted text) stays readable on light and dark themes alike.
class ColorContrast
{
public:
    // Relative luminance of an sRGB colour, 0 (black) to 1 (white). Alpha is ignored.
    static qreal luminance(const QColor &color);
    // (L1 + 0.05) / (L2 + 0.05) with L1 the lighter one: 1 for equal colours, 21 for black on
    // white. 4.5 is the WCAG AA minimum for normal text, 3 for large text and UI parts.
    static qreal ratio(const QColor &a, const QColor &b);
    // `color` with its HSL lightness moved away from `background` just far enough to reach
    // `minimum` (hue and saturation kept). If that direction cannot get there, the other one
    // is tried; black or white as a last resort.
    static QColor readableOn(const QColor &color, const QColor &background, qreal minimum = 4.5);
    // Linear blend: `t` = 0 gives `a`, 1 gives `b`. Opaque result.
    static QColor mix(const QColor &a, const QColor &b, qreal t);
};

} // namespace Confab
