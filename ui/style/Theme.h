#pragma once

#include "AppSettings.h"

#include <QPalette>

class QWidget;

namespace Confab {

// The application's colours, on the Fusion style: it draws every widget from the palette, so
// a palette is a complete theme and looks the same on every OS. System takes the platform's
// palette (a desktop in dark mode gives a dark Confab), Light is Fusion's own, Dark is ours.
class Theme
{
public:
    static void apply(AppSettings::Theme theme);

    static QPalette lightPalette();
    static QPalette darkPalette();

    // Text colours for errors and success messages that stay readable on the palette's window
    // background, light or dark.
    static QColor errorTextColor(const QPalette &palette);
    static QColor successTextColor(const QPalette &palette);
    // Secondary text (hints, notes): quieter than the window text but 4.5:1 on the window
    // background. A disabled label looks like that, but screen readers call it unavailable.
    static QColor hintTextColor(const QPalette &palette);
    // The fill of a badge that counts mentions of me (channel list, quick switcher, tray), with
    // white text on it at 5:1 in every theme.
    static QColor mentionBadgeColor();
    static void styleAsHint(QWidget *label);
};

} // namespace Confab
