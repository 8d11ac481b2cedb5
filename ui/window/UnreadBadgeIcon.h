#pragma once

#include <QIcon>

namespace Confab {

// The tray's icon: the application icon with the number of unread messages on a red badge in
// its corner, as chat clients show it, so that the count is visible without hovering.
class UnreadBadgeIcon
{
public:
    // Sizes the badge is drawn for; trays ask for one of these.
    static constexpr int Sizes[] = {16, 22, 24, 32, 48, 64};
    // More than this shows as "99+".
    static constexpr int MaxShown = 99;

    // `base` unchanged for no unread messages.
    static QIcon compose(const QIcon &base, int unread);
    // The badge's text: "7", "99+".
    static QString label(int unread);
};

} // namespace Confab
