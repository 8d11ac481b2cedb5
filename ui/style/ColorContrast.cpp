#include "ColorContrast.h"

#include <QtMath>

#include <algorithm>

namespace Confab {

namespace {

qreal linearChannel(qreal c)
{
    return c <= 0.04045 ? c / 12.92 : qPow((c + 0.055) / 1.055, 2.4);
}

// Moves lightness in `step` increments until `minimum` is met or the end of the range.
bool searchLightness(const QColor &color, const QColor &background, qreal minimum, qreal step,
                     QColor *found)
{
    float h = 0, s = 0, l = 0, a = 1;
    color.getHslF(&h, &s, &l, &a);
    for (qreal light = l; light >= 0 && light <= 1; light += step) {
        const QColor candidate = QColor::fromHslF(h, s, float(light), a);
        if (ColorContrast::ratio(candidate, background) >= minimum) {
            *found = candidate;
            return true;
        }
    }
    return false;
}

} // namespace

qreal ColorContrast::luminance(const QColor &color)
{
    const QColor rgb = color.toRgb();
    return 0.2126 * linearChannel(rgb.redF()) + 0.7152 * linearChannel(rgb.greenF())
        + 0.0722 * linearChannel(rgb.blueF());
}

qreal ColorContrast::ratio(const QColor &a, const QColor &b)
{
    const qreal la = luminance(a);
    const qreal lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor ColorContrast::readableOn(const QColor &color, const QColor &background, qreal minimum)
{
    if (ratio(color, background) >= minimum)
        return color;
    // Away from the background first: darker on light backgrounds, lighter on dark ones.
    const qreal away = luminance(background) > 0.18 ? -0.01 : 0.01;
    QColor found;
    if (searchLightness(color, background, minimum, away, &found)
        || searchLightness(color, background, minimum, -away, &found))
        return found;
    return luminance(background) > 0.18 ? QColor(Qt::black) : QColor(Qt::white);
}

QColor ColorContrast::mix(const QColor &a, const QColor &b, qreal t)
{
    const QColor x = a.toRgb();
    const QColor y = b.toRgb();
    const auto blend = [t](float p, float q) {
        return float(p + (q - p) * t);
    };
    return QColor::fromRgbF(blend(x.redF(), y.redF()), blend(x.greenF(), y.greenF()),
                            blend(x.blueF(), y.blueF()));
}

} // namespace Confab
