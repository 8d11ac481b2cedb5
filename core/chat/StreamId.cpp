#include "StreamId.h"

#include <algorithm>
#include <limits>

namespace Confab {

namespace {

// Digits only, no sign, no overflow: what Redis writes. Parsed in place, since ids are
// parsed for every entry read and QByteArray's conversions would copy each part first.
bool parseNumber(const char *begin, const char *end, quint64 *out)
{
    if (begin == end || end - begin > 20)
        return false;
    quint64 value = 0;
    for (const char *p = begin; p != end; ++p) {
        if (*p < '0' || *p > '9')
            return false;
        const quint64 digit = quint64(*p - '0');
        if (value > (std::numeric_limits<quint64>::max() - digit) / 10)
            return false;
        value = value * 10 + digit;
    }
    *out = value;
    return true;
}

} // namespace

std::optional<StreamId> StreamId::parse(QByteArrayView text)
{
    const char *begin = text.data();
    const char *end = begin + text.size();
    const char *dashAt = std::find(begin, end, '-');
    const qsizetype dash = dashAt == end ? -1 : dashAt - begin;
    StreamId id;
    if (dash < 0) {
        if (!parseNumber(begin, end, &id.ms))
            return std::nullopt;
        return id;
    }
    if (!parseNumber(begin, begin + dash, &id.ms) || !parseNumber(begin + dash + 1, end, &id.seq))
        return std::nullopt;
    return id;
}

QByteArray StreamId::toByteArray() const
{
    return QByteArray::number(ms) + '-' + QByteArray::number(seq);
}

} // namespace Confab
