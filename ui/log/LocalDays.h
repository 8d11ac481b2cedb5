#pragma once

#include <QDate>
#include <QList>

namespace Confab {

// Which local calendar day a moment falls on, for the message log's day separators.
//
// Converting a time to local time asks the C library, which checks the time zone file on
// every call; for the thousands of rows a log lays out that dominated opening a channel.
// Chat messages cluster in few days, so the answer is kept per day as a range of
// milliseconds and nearly every question is answered from those.
class LocalDays
{
public:
    QDate dayOf(qint64 msecsSinceEpoch) const;
    // After the time zone may have changed.
    void clear() { m_days.clear(); }

private:
    struct Day
    {
        qint64 start = 0; // inclusive, ms since the epoch
        qint64 end = 0; // exclusive
        QDate date;
    };
    static constexpr int MaxDays = 16;
    // Most recently used first.
    mutable QList<Day> m_days;
};

} // namespace Confab
