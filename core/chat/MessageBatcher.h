#pragma once

#include "ChatMessage.h"

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTimer>

namespace Confab {

// Coalesces messages per channel and hands them on at most once per event-loop pass, so a
// flood of thousands of messages becomes a handful of cross-thread signals and model inserts.
class MessageBatcher : public QObject
{
    Q_OBJECT
public:
    explicit MessageBatcher(QObject *parent = nullptr);

    void add(const QString &channel, const ChatMessageList &messages);
    // Hands on what is pending now: before something that must come after it, or when a
    // read is done and nothing more can join the batch in this pass.
    void flush();

Q_SIGNALS:
    void ready(const QString &channel, const Confab::ChatMessageList &messages);

private:
    QTimer m_timer;
    QHash<QString, ChatMessageList> m_pending;
    QStringList m_order;
};

} // namespace Confab
