#pragma once

#include "redis/RedisConnection.h"

#include <QWidget>

class QLabel;

namespace Confab {

// The status bar's contents: connection state and server (or the error, or the retry), the
// current channel and its member count, whether its live subscription is up, and how many
// messages wait in the outbox.
class ConnectionStatus : public QWidget
{
    Q_OBJECT
public:
    explicit ConnectionStatus(QWidget *parent = nullptr);

    void setServer(const QString &endpoint);
    void setConnectionState(RedisConnection::State state, const QString &detail);
    void setChannel(const QString &channel, int members);
    void setSubscribed(bool subscribed);
    void setOutboxCount(int count);

    QString connectionText() const;
    QString channelText() const;
    QString subscriptionText() const;
    QString outboxText() const;

private:
    void refresh();

    QLabel *m_dot = nullptr;
    QLabel *m_connection = nullptr;
    QLabel *m_channel = nullptr;
    QLabel *m_subscribed = nullptr;
    QLabel *m_outbox = nullptr;
    QString m_server;
    RedisConnection::State m_state = RedisConnection::State::Disconnected;
    QString m_detail;
};

} // namespace Confab
