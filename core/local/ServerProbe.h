#pragma once

#include <QObject>
#include <QString>
#include <QTcpSocket>
#include <QTimer>

namespace Confab {

// Asks, without blocking, whether anything accepts TCP connections at host:port: the first
// question of a Confab with no server configured ("is there a Redis on localhost:6379?").
class ServerProbe : public QObject
{
    Q_OBJECT
public:
    ServerProbe(const QString &host, quint16 port, QObject *parent = nullptr);

    // Ends in finished(); a refused or timed-out connection means "nothing there".
    void start(int timeoutMs = 1000);

Q_SIGNALS:
    void finished(bool answering);

private:
    void finish(bool answering);

    QString m_host;
    quint16 m_port;
    QTcpSocket m_socket;
    QTimer m_timeout;
    bool m_done = false;
};

} // namespace Confab
