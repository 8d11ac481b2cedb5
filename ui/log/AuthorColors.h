#pragma once

#include <QColor>
#include <QPalette>
#include <QString>

namespace Confab {

// The colour of a user's name in the message log, as IRC and Twitch clients do it: the same
// name always gets the same hue (on every machine and every run, so people learn them), and
// the shade is picked so that the name stays readable (WCAG contrast >= 4.5) on the palette's
// Base colour, light theme or dark.
class AuthorColors
{
public:
    static constexpr qreal MinimumContrast = 4.5;

    static QColor colorFor(const QString &name, const QPalette &palette);

    // The stable part: FNV-1a over the name's UTF-8. Not qHash, whose seed changes per run.
    static quint32 nameHash(const QString &name);
};

} // namespace Confab
