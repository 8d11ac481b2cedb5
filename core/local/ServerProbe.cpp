#include "ServerProbe.h"

namespace Confab {

ServerProbe::ServerProbe(const QString &host, quint16 port, QObject *parent)
    : QObject(parent)
    , m_host(host)
    , m_port(port)
{
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] { finish(false); });
    connect(&m_socket, &QTcpSocket::connected, this, [this] { finish(true); });
    connect(&m_socket, &QTcpSocket::errorOccurred, this, [this] { finish(false); });
}

void ServerProbe::start(int timeoutMs)
{
    m_done = false;
    m_timeout.start(timeoutMs);
    m_socket.connectToHost(m_host, m_port);
}

void ServerProbe::finish(bool answering)
{
    if (m_done)
        return;
    m_done = true;
    m_timeout.stop();
    m_socket.abort();
    Q_EMIT finished(answering);
}

} // namespace Confab
