#include "StreamId.h"

namespace Confab {

std::optional<StreamId> StreamId::parse(const QByteArray &text)
{
    const qsizetype dash = text.indexOf('-');
    bool okMs = false;
    bool okSeq = true;
    StreamId id;
    if (dash < 0) {
        id.ms = text.toULongLong(&okMs);
    } else {
        id.ms = text.left(dash).toULongLong(&okMs);
        id.seq = text.mid(dash + 1).toULongLong(&okSeq);
    }
    if (!okMs || !okSeq)
        return std::nullopt;
    return id;
}

QByteArray StreamId::toByteArray() const
{
    return QByteArray::number(ms) + '-' + QByteArray::number(seq);
}

} // namespace Confab
