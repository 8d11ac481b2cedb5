#include "NameOrder.h"

namespace Confab {

namespace {

bool isDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

// Natural comparison only: runs of ASCII digits by value, the rest case-insensitively.
int naturalCompare(QStringView a, QStringView b)
{
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < a.size() && j < b.size()) {
        if (isDigit(a[i]) && isDigit(b[j])) {
            // Compared as numbers of any length: without leading zeros, the longer run is the
            // larger number; equal lengths compare digit by digit.
            qsizetype startA = i;
            qsizetype startB = j;
            while (i < a.size() && isDigit(a[i]))
                ++i;
            while (j < b.size() && isDigit(b[j]))
                ++j;
            while (startA < i - 1 && a[startA] == u'0')
                ++startA;
            while (startB < j - 1 && b[startB] == u'0')
                ++startB;
            const qsizetype lengthA = i - startA;
            const qsizetype lengthB = j - startB;
            if (lengthA != lengthB)
                return lengthA < lengthB ? -1 : 1;
            const int digits = a.sliced(startA, lengthA).compare(b.sliced(startB, lengthB));
            if (digits != 0)
                return digits;
            continue;
        }
        const QChar x = a[i].toCaseFolded();
        const QChar y = b[j].toCaseFolded();
        if (x != y)
            return x < y ? -1 : 1;
        ++i;
        ++j;
    }
    if (i < a.size())
        return 1;
    if (j < b.size())
        return -1;
    return 0;
}

} // namespace

int NameOrder::compare(QStringView a, QStringView b)
{
    if (const int natural = naturalCompare(a, b))
        return natural;
    if (const int folded = a.compare(b, Qt::CaseInsensitive))
        return folded;
    return a.compare(b, Qt::CaseSensitive);
}

} // namespace Confab
