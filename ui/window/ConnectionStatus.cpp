#include "ConnectionStatus.h"

#include "ElidedLabel.h"
#include "PlainText.h"
#include "chat/DisplayText.h"

#include <QHBoxLayout>
#include <QLabel>

namespace Confab {

ConnectionStatus::ConnectionStatus(QWidget *parent)
    : QWidget(parent)
{
    m_dot = new QLabel(this);
    m_dot->setFixedSize(10, 10);
    // Plain text everywhere here: the state line quotes the server's own error messages, and
    // channel names may hold '<'.
    // Elided at the end, and the state comes first: a narrow window cuts the server's name or
    // the reason, never "reconnecting in 2 s" (which was clipped at 690 px).
    m_connection = new ElidedLabel(this);
    m_connection->setAccessibleName(tr("Connection"));
    m_connection->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_channel = new QLabel(this);
    m_channel->setTextFormat(Qt::PlainText);
    m_channel->setAccessibleName(tr("Current channel"));
    m_subscribed = new QLabel(this);
    m_subscribed->setAccessibleName(tr("Live updates"));
    m_outbox = new QLabel(this);
    m_outbox->setAccessibleName(tr("Unsent messages"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 0, 6, 0);
    layout->setSpacing(8);
    layout->addWidget(m_dot);
    layout->addWidget(m_connection, 1);
    layout->addWidget(m_outbox);
    layout->addWidget(m_channel);
    layout->addWidget(m_subscribed);
    m_channel->hide();
    m_subscribed->hide();
    m_tick.setSingleShot(true);
    // A coarse timer may fire a little early, which would show the same second twice.
    m_tick.setTimerType(Qt::PreciseTimer);
    connect(&m_tick, &QTimer::timeout, this, &ConnectionStatus::refresh);
    refresh();
}

void ConnectionStatus::setServer(const QString &endpoint)
{
    m_server = endpoint;
    refresh();
}

void ConnectionStatus::setConnectionState(RedisConnection::State state, const QString &detail)
{
    m_state = state;
    m_detail = detail;
    refresh();
}

void ConnectionStatus::setRetryDeadline(const QDeadlineTimer &deadline)
{
    m_retryDeadline = deadline;
    refresh();
}

void ConnectionStatus::setChannel(const QString &channel, int members)
{
    m_channel->setVisible(!channel.isEmpty());
    m_subscribed->setVisible(!channel.isEmpty());
    if (channel.isEmpty())
        m_channel->clear();
    else
        m_channel->setText(
            members == 1 ? tr("%1 · 1 member").arg(DisplayText::isolated(channel))
                         : tr("%1 · %2 members").arg(DisplayText::isolated(channel)).arg(members));
}

void ConnectionStatus::setSubscribed(bool subscribed)
{
    m_subscribed->setText(subscribed ? tr("Live") : tr("Not live"));
    m_subscribed->setToolTip(subscribed
                                 ? tr("Subscribed: new messages arrive as they are sent")
                                 : tr("Not subscribed: new messages arrive once reconnected"));
}

void ConnectionStatus::setOutboxCount(int count)
{
    m_outbox->setVisible(count > 0);
    m_outbox->setText(count == 1 ? tr("1 message waiting to be sent")
                                 : tr("%1 messages waiting to be sent").arg(count));
}

QString ConnectionStatus::connectionText() const
{
    return m_connection->fullText();
}

QString ConnectionStatus::channelText() const
{
    return m_channel->text();
}

QString ConnectionStatus::subscriptionText() const
{
    return m_subscribed->text();
}

QString ConnectionStatus::outboxText() const
{
    return m_outbox->isVisible() ? m_outbox->text() : QString();
}

void ConnectionStatus::refresh()
{
    QColor colour;
    QString text;
    // Socket errors name the server themselves ("host:6379: Connection refused"); the text
    // names it once.
    QString reason = m_detail;
    if (!m_server.isEmpty() && reason.startsWith(m_server + QLatin1String(": ")))
        reason = reason.mid(m_server.size() + 2);
    switch (m_state) {
    case RedisConnection::State::Connected:
        colour = QColor(0x3b, 0xa5, 0x5d);
        // A cluster or a Sentinel deployment is described ("Cluster · 3 shards"): that says
        // more than the address it was found through.
        text = tr("Connected to %1")
                   .arg(m_detail.contains(QStringLiteral(" \u00b7 ")) ? m_detail : m_server);
        break;
    case RedisConnection::State::Connecting:
        colour = QColor(0xe0, 0xa8, 0x2e);
        text = tr("Connecting to %1…").arg(m_server);
        break;
    case RedisConnection::State::Reconnecting: {
        colour = QColor(0xe0, 0xa8, 0x2e);
        const QString where = reason.isEmpty() ? m_server : tr("%1: %2").arg(m_server, reason);
        if (m_retryDeadline.isForever()) {
            text = tr("Reconnecting to %1").arg(where);
        } else {
            const qint64 seconds = (m_retryDeadline.remainingTime() + 999) / 1000;
            text = seconds > 0 ? tr("Reconnecting in %1 s — %2").arg(seconds).arg(where)
                               : tr("Reconnecting now — %1").arg(where);
        }
        break;
    }
    case RedisConnection::State::Disconnected:
        colour = QColor(0xd9, 0x3f, 0x3f);
        // The server is named here too: "not connected" alone does not say to what.
        if (m_server.isEmpty())
            text = reason.isEmpty() ? tr("Not connected") : tr("Not connected: %1").arg(reason);
        else if (reason.isEmpty())
            text = tr("Not connected to %1").arg(m_server);
        else
            text = tr("Not connected to %1: %2").arg(m_server, reason);
        break;
    }
    m_dot->setStyleSheet(QStringLiteral("background: %1; border-radius: 5px;").arg(colour.name()));
    m_connection->setFullText(DisplayText::marked(text));
    scheduleTick();
}

void ConnectionStatus::scheduleTick()
{
    const qint64 remaining = m_retryDeadline.isForever() ? 0 : m_retryDeadline.remainingTime();
    if (m_state != RedisConnection::State::Reconnecting || remaining <= 0) {
        m_tick.stop();
        return;
    }
    // Just after the shown number of seconds goes down by one.
    m_tick.start(int((remaining - 1) % 1000) + 1);
}

} // namespace Confab
