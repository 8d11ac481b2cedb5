#pragma once

#include "redis/RedisConnection.h"

#include <QDeadlineTimer>
#include <QTimer>
#include <QWidget>

class QLabel;

namespace Confab {

class ElidedLabel;

// The status bar's contents: connection state and server (or the error, and a countdown to the
// next retry), the current channel and its member count, whether that channel's live
// subscription is up, and how many messages wait in the outbox.
class ConnectionStatus : public QWidget
{
    Q_OBJECT
public:
    explicit ConnectionStatus(QWidget *parent = nullptr);

    void setServer(const QString &endpoint);
    void setConnectionState(RedisConnection::State state, const QString &detail);
    // When the next attempt is due while Reconnecting; the text counts down to it.
    void setRetryDeadline(const QDeadlineTimer &deadline);
    // No channel (empty) hides the channel and its subscription state.
    void setChannel(const QString &channel, int members);
    // Whether the current channel's messages arrive live.
    void setSubscribed(bool subscribed);
    void setOutboxCount(int count);

    QString connectionText() const;
    QString channelText() const;
    QString subscriptionText() const;
    QString outboxText() const;

private:
    void refresh();
    void scheduleTick();

    QLabel *m_dot = nullptr;
    ElidedLabel *m_connection = nullptr;
    QLabel *m_channel = nullptr;
    QLabel *m_subscribed = nullptr;
    QLabel *m_outbox = nullptr;
    QString m_server;
    RedisConnection::State m_state = RedisConnection::State::Disconnected;
    QString m_detail;
    QDeadlineTimer m_retryDeadline{QDeadlineTimer::Forever};
    QTimer m_tick;
};

} // namespace Confab
