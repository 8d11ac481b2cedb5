#pragma once

#include <QString>

namespace Confab {

// Widgets read some strings as markup: QLabel (unless told otherwise) and every tooltip guess
// whether a text is HTML, and menus and buttons take '&' as a shortcut marker. Text that
// anyone else can write (names, topics, a server's errors) goes through these on its way to
// such a place, so "<b>bold</b>" shows as typed and "R&D" keeps its '&'.
class PlainText
{
public:
    // For setToolTip() and Qt::ToolTipRole: shown as typed, on one line per line.
    static QString toolTip(const QString &text);
    // For QAction, QMenu and button texts: '&' shown, not taken as a shortcut marker.
    static QString forAction(const QString &text);
};

} // namespace Confab
