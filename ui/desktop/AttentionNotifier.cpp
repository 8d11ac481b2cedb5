#include "AttentionNotifier.h"

#include "chat/ChatMessage.h"

#include <QLocale>

namespace Confab {

AttentionNotifier::AttentionNotifier(std::function<QString(const QString &)> displayName,
                                     QObject *parent)
    : QObject(parent)
    , m_displayName(std::move(displayName))
{
    m_quiet.setSingleShot(true);
    m_quiet.setInterval(DefaultQuietMs);
    connect(&m_quiet, &QTimer::timeout, this, &AttentionNotifier::flush);
}

void AttentionNotifier::add(const QString &channel, const ChatMessage &message)
{
    if (m_quiet.isActive()) {
        ++m_heldBack;
        // The newest channel last: a click on the summary opens where the latest one was.
        m_heldChannels.removeOne(channel);
        m_heldChannels << channel;
        return;
    }
    const QString where = m_displayName(channel);
    const QString title =
        where == message.from ? message.from : tr("%1 in %2").arg(message.from, where);
    QString body = message.text.left(MaxBodyChars);
    if (message.text.size() > MaxBodyChars)
        body += u'…';
    Q_EMIT notify(title, body, channel);
    m_quiet.start();
}

void AttentionNotifier::clear()
{
    m_quiet.stop();
    m_heldBack = 0;
    m_heldChannels.clear();
}

void AttentionNotifier::flush()
{
    if (m_heldBack == 0)
        return;
    QStringList places;
    for (const QString &channel : std::as_const(m_heldChannels))
        places << m_displayName(channel);
    const QString title = m_heldBack == 1 ? tr("1 more message for you")
                                          : tr("%1 more messages for you").arg(m_heldBack);
    const QString body = QLocale().createSeparatedList(places);
    const QString channel = m_heldChannels.constLast();
    m_heldBack = 0;
    m_heldChannels.clear();
    Q_EMIT notify(title, body, channel);
    // The summary starts a quiet interval of its own, so a steady stream gives one a period.
    m_quiet.start();
}

} // namespace Confab
