#include "MessageBatcher.h"

namespace Confab {

MessageBatcher::MessageBatcher(QObject *parent)
    : QObject(parent)
{
    // A zero timer rather than a queued call: starting and stopping it is bookkeeping in this
    // thread, while every queued call writes to the event loop's wake-up descriptor.
    m_timer.setSingleShot(true);
    m_timer.setInterval(0);
    connect(&m_timer, &QTimer::timeout, this, &MessageBatcher::flush);
}

void MessageBatcher::add(const QString &channel, const ChatMessageList &messages)
{
    if (messages.isEmpty())
        return;
    auto it = m_pending.find(channel);
    if (it == m_pending.end()) {
        m_pending.insert(channel, messages);
        m_order << channel;
    } else {
        it->append(messages);
    }
    // Runs once the socket data already read has all been handled, unless flush() comes first.
    if (!m_timer.isActive())
        m_timer.start();
}

void MessageBatcher::flush()
{
    m_timer.stop();
    if (m_order.isEmpty())
        return;
    const QStringList order = std::exchange(m_order, {});
    QHash<QString, ChatMessageList> pending = std::exchange(m_pending, {});
    for (const QString &channel : order)
        Q_EMIT ready(channel, pending.take(channel));
}

} // namespace Confab
