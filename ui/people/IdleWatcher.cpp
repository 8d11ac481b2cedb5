#include "IdleWatcher.h"

#include <QCoreApplication>
#include <QEvent>

namespace Confab {

IdleWatcher::IdleWatcher(QObject *parent)
    : QObject(parent)
{
    m_sinceInput.start();
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::VeryCoarseTimer);
    connect(&m_timer, &QTimer::timeout, this, &IdleWatcher::check);
    QCoreApplication::instance()->installEventFilter(this);
}

IdleWatcher::~IdleWatcher()
{
    if (QCoreApplication::instance())
        QCoreApplication::instance()->removeEventFilter(this);
}

void IdleWatcher::setLimit(std::chrono::milliseconds limit)
{
    m_limit = limit;
    if (m_limit.count() <= 0) {
        m_timer.stop();
        setIdle(false);
        return;
    }
    check();
}

bool IdleWatcher::eventFilter(QObject *watched, QEvent *event)
{
    switch (event->type()) {
    case QEvent::KeyPress:
    case QEvent::MouseButtonPress:
    case QEvent::MouseMove:
    case QEvent::Wheel:
    case QEvent::TouchBegin:
    case QEvent::TabletPress:
        // Cheap: no timer restarts per event, only a clock reading; check() looks later.
        m_sinceInput.restart();
        if (m_idle)
            setIdle(false);
        if (m_limit.count() > 0 && !m_timer.isActive())
            m_timer.start(m_limit);
        break;
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

void IdleWatcher::check()
{
    if (m_limit.count() <= 0)
        return;
    const qint64 quiet = m_sinceInput.elapsed();
    if (quiet >= m_limit.count()) {
        setIdle(true);
        return;
    }
    m_timer.start(std::chrono::milliseconds(m_limit.count() - quiet));
}

void IdleWatcher::setIdle(bool idle)
{
    if (idle == m_idle)
        return;
    m_idle = idle;
    Q_EMIT idleChanged(idle);
}

} // namespace Confab
