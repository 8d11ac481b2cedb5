#include "LocalDays.h"

#include <QDateTime>

namespace Confab {

QDate LocalDays::dayOf(qint64 msecsSinceEpoch) const
{
    for (qsizetype i = 0; i < m_days.size(); ++i) {
        const Day &day = m_days.at(i);
        if (msecsSinceEpoch >= day.start && msecsSinceEpoch < day.end) {
            if (i > 0)
                m_days.move(i, 0);
            return m_days.constFirst().date;
        }
    }
    const QDate date = QDateTime::fromMSecsSinceEpoch(msecsSinceEpoch).date();
    const Day day{QDateTime(date, QTime(0, 0)).toMSecsSinceEpoch(),
                  QDateTime(date.addDays(1), QTime(0, 0)).toMSecsSinceEpoch(), date};
    // A day whose midnight a time zone skips may not come out as a clean range: not kept.
    if (msecsSinceEpoch >= day.start && msecsSinceEpoch < day.end) {
        m_days.prepend(day);
        if (m_days.size() > MaxDays)
            m_days.removeLast();
    }
    return date;
}

} // namespace Confab
