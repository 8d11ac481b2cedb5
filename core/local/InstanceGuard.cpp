#include "InstanceGuard.h"

#include <QCryptographicHash>
#include <QDir>
#include <QStandardPaths>

namespace Confab {

namespace {

// Requests are one line; the answer is this line.
const QByteArray Acknowledgement = "ok\n";
constexpr qsizetype MaxRequestBytes = 64 * 1024;

} // namespace

InstanceGuard::InstanceGuard(const QString &key, QObject *parent)
    : QObject(parent)
{
    // Per user as well as per profile: local server names are global on Windows and live in
    // a shared temporary directory elsewhere.
    const QString owner = QDir::homePath();
    const QByteArray hash =
        QCryptographicHash::hash((owner + u'\n' + key).toUtf8(), QCryptographicHash::Sha256)
            .toHex();
    m_serverName = QStringLiteral("confab-") + QString::fromLatin1(hash.left(24));
    m_server.setSocketOptions(QLocalServer::UserAccessOption);
    m_timeout.setSingleShot(true);
    connect(&m_server, &QLocalServer::newConnection, this, &InstanceGuard::onNewConnection);
}

InstanceGuard::~InstanceGuard()
{
    m_server.close();
}

void InstanceGuard::claim(const QByteArray &request)
{
    m_request = request;
    m_request.replace('\n', ' ');
    m_client = new QLocalSocket(this);
    connect(m_client, &QLocalSocket::connected, this,
            [this] { m_client->write(m_request + '\n'); });
    connect(m_client, &QLocalSocket::readyRead, this, [this] {
        if (!m_client->canReadLine())
            return;
        const bool acknowledged = m_client->readLine() == Acknowledgement;
        dropClient();
        if (acknowledged)
            Q_EMIT handedOver();
        else
            listen();
    });
    connect(m_client, &QLocalSocket::errorOccurred, this,
            [this](QLocalSocket::LocalSocketError error) {
                if (error == QLocalSocket::PeerClosedError && m_client->canReadLine())
                    return; // readyRead has the answer
                dropClient();
                // Nobody there (or a socket file left by a crash): we are the first.
                listen();
            });
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        // A running instance that does not answer is hung; do not let it keep us from starting.
        dropClient();
        listen();
    });
    m_timeout.start(AnswerTimeoutMs);
    // Later, so that even a failure reported at once (no such server) arrives as a signal the
    // caller is already waiting for.
    QTimer::singleShot(0, m_client,
                       [client = m_client, name = m_serverName] { client->connectToServer(name); });
}

void InstanceGuard::dropClient()
{
    m_timeout.stop();
    if (!m_client)
        return;
    // Later: this runs inside the socket's own signals.
    m_client->disconnect(this);
    m_client->abort();
    m_client->deleteLater();
    m_client = nullptr;
}

void InstanceGuard::listen()
{
    if (!m_server.listen(m_serverName)) {
        // Unix: a socket file whose owner is gone (we just failed to reach it). Take it over.
        QLocalServer::removeServer(m_serverName);
        if (!m_server.listen(m_serverName))
            qWarning("confab: cannot listen on %s: %s", qPrintable(m_serverName),
                     qPrintable(m_server.errorString()));
    }
    Q_EMIT primary();
}

void InstanceGuard::onNewConnection()
{
    while (QLocalSocket *socket = m_server.nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
            if (!socket->canReadLine()) {
                if (socket->bytesAvailable() > MaxRequestBytes)
                    socket->abort();
                return;
            }
            const QByteArray request = socket->readLine().chopped(1);
            socket->write(Acknowledgement);
            socket->disconnectFromServer();
            Q_EMIT requestReceived(request);
        });
    }
}

} // namespace Confab
