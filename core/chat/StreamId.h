#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QHashFunctions>
#include <QMetaType>

#include <compare>
#include <optional>

namespace Confab {

// A Redis stream entry id ("1700000000000-3"): milliseconds since the epoch and a sequence
// number. Ordered as Redis orders them, which is the order of the chat log.
struct StreamId
{
    quint64 ms = 0;
    quint64 seq = 0;

    static std::optional<StreamId> parse(QByteArrayView text);
    QByteArray toByteArray() const;
    QDateTime time() const { return QDateTime::fromMSecsSinceEpoch(qint64(ms)); }
    bool isNull() const { return ms == 0 && seq == 0; }

    friend auto operator<=>(const StreamId &, const StreamId &) = default;
    friend bool operator==(const StreamId &, const StreamId &) = default;
    friend size_t qHash(const StreamId &id, size_t seed = 0) noexcept
    {
        return qHashMulti(seed, id.ms, id.seq);
    }
};

} // namespace Confab

Q_DECLARE_TYPEINFO(Confab::StreamId, Q_PRIMITIVE_TYPE);
Q_DECLARE_METATYPE(Confab::StreamId)
