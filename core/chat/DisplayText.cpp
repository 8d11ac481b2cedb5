#include "DisplayText.h"

#include <algorithm>

namespace Confab {

namespace {

constexpr char16_t FirstStrongIsolate = 0x2068;
constexpr char16_t PopDirectionalIsolate = 0x2069;

} // namespace

bool DisplayText::needsMarking(const QString &text)
{
    return std::any_of(text.cbegin(), text.cend(), [](QChar c) { return isMarked(c.unicode()); });
}

QString DisplayText::marked(const QString &text)
{
    if (!needsMarking(text))
        return text;
    QString out;
    out.reserve(text.size() + 16);
    for (const QChar c : text) {
        if (isMarked(c.unicode()))
            out += QStringLiteral("[U+%1]").arg(c.unicode(), 4, 16, QLatin1Char('0')).toUpper();
        else
            out += c;
    }
    return out;
}

QString DisplayText::isolated(const QString &text)
{
    return QChar(FirstStrongIsolate) + marked(text) + QChar(PopDirectionalIsolate);
}

} // namespace Confab
