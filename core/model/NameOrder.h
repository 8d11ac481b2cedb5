#pragma once

#include <QStringView>

namespace Confab {

// The order of the channel and member lists. Case-insensitive, because that is how people look
// names up; ties are broken case-sensitively because "Dev" and "dev" are different names in
// Redis and both rows need a fixed place.
class NameOrder
{
public:
    static bool lessThan(QStringView a, QStringView b)
    {
        const int folded = a.compare(b, Qt::CaseInsensitive);
        return folded != 0 ? folded < 0 : a.compare(b, Qt::CaseSensitive) < 0;
    }
};

} // namespace Confab
