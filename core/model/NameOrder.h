#pragma once

#include <QStringView>

namespace Confab {

// The order of the channel and member lists, and of the quick switcher's ties: natural
// ("ch2" before "ch10", as file managers sort) and case-insensitive, because that is how
// people look names up. Ties are broken by the plain texts, case-insensitively and then
// case-sensitively, because "ch01" and "ch1", "Dev" and "dev" are different names in Redis and
// every row needs a fixed place.
class NameOrder
{
public:
    // <0, 0 or >0; 0 only for equal strings.
    static int compare(QStringView a, QStringView b);
    static bool lessThan(QStringView a, QStringView b) { return compare(a, b) < 0; }
};

} // namespace Confab
