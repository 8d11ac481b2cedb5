#include "MessageBatcher.h"

#include <QMetaObject>

namespace Confab {

MessageBatcher::MessageBatcher(QObject *parent)
    : QObject(parent)
{ }

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
    if (!m_scheduled) {
        // Queued to ourselves: runs once the socket data already read has all been handled.
        m_scheduled = true;
        QMetaObject::invokeMethod(this, &MessageBatcher::flush, Qt::QueuedConnection);
    }
}

void MessageBatcher::flush()
{
    m_scheduled = false;
    const QStringList order = std::exchange(m_order, {});
    QHash<QString, ChatMessageList> pending = std::exchange(m_pending, {});
    for (const QString &channel : order)
        Q_EMIT ready(channel, pending.take(channel));
}

} // namespace Confab
