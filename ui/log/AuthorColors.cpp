#include "AuthorColors.h"

#include "ColorContrast.h"

namespace Confab {

quint32 AuthorColors::nameHash(const QString &name)
{
    quint32 hash = 2166136261u;
    for (const char byte : name.toUtf8()) {
        hash ^= quint8(byte);
        hash *= 16777619u;
    }
    return hash;
}

QColor AuthorColors::colorFor(const QString &name, const QPalette &palette)
{
    const QColor base = palette.color(QPalette::Active, QPalette::Base);
    const bool darkBase = ColorContrast::luminance(base) < 0.18;
    const quint32 hash = nameHash(name);

    // Low bits pick the hue; higher bits vary saturation and lightness a little so that two
    // names with nearby hues still tend to differ.
    const float hue = float(hash % 360) / 360.0f;
    const float saturation = 0.55f + float((hash >> 9) % 30) / 100.0f;
    const float shade = float((hash >> 17) % 9) / 100.0f - 0.04f;
    const float lightness = (darkBase ? 0.70f : 0.38f) + shade;
    const QColor color = QColor::fromHslF(hue, saturation, lightness);
    return ColorContrast::readableOn(color, base, MinimumContrast);
}

} // namespace Confab
