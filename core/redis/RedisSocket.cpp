#include "RedisSocket.h"

#include <QFile>
#include <QLocalSocket>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpSocket>

namespace Confab {

RedisSocket::RedisSocket(const RedisOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{ }

RedisSocket::~RedisSocket()
{
    // Our children go with us; make sure none of their last signals reach a half-destroyed us.
    if (m_device)
        m_device->disconnect(this);
}

void RedisSocket::connectToServer()
{
    switch (m_options.transport) {
    case RedisOptions::Transport::UnixSocket: {
        m_local = new QLocalSocket(this);
        m_device = m_local;
        connect(m_local, &QLocalSocket::connected, this, &RedisSocket::connected);
        connect(m_local, &QLocalSocket::readyRead, this, &RedisSocket::readyRead);
        connect(m_local, &QLocalSocket::errorOccurred, this, [this] {
            fail(QStringLiteral("%1: %2").arg(m_options.endpoint(), m_local->errorString()));
        });
        connect(m_local, &QLocalSocket::disconnected, this,
                [this] { fail(QStringLiteral("server closed the connection")); });
        m_local->connectToServer(m_options.unixSocketPath);
        return;
    }
    case RedisOptions::Transport::Tcp:
        m_tcp = new QTcpSocket(this);
        m_device = m_tcp;
        setUpTcp(m_tcp);
        connect(m_tcp, &QTcpSocket::connected, this, [this] {
            m_tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            m_tcp->setSocketOption(QAbstractSocket::KeepAliveOption, 1);
            Q_EMIT connected();
        });
        m_tcp->connectToHost(m_options.host, m_options.port);
        return;
    case RedisOptions::Transport::Tls: {
        auto *ssl = new QSslSocket(this);
        m_tcp = ssl;
        m_device = ssl;
        setUpTcp(ssl);
        QString error;
        if (!setUpTls(ssl, &error)) {
            // Report asynchronously, like every other connection failure.
            QMetaObject::invokeMethod(
                this, [this, error] { fail(error); }, Qt::QueuedConnection);
            return;
        }
        connect(ssl, &QSslSocket::encrypted, this, [this, ssl] {
            ssl->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            ssl->setSocketOption(QAbstractSocket::KeepAliveOption, 1);
            Q_EMIT connected();
        });
        connect(ssl, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
            QStringList texts;
            for (const QSslError &e : errors)
                texts << e.errorString();
            m_tlsErrors = texts.join(QStringLiteral("; "));
        });
        const QString peerName =
            m_options.tlsServerName.isEmpty() ? m_options.host : m_options.tlsServerName;
        ssl->connectToHostEncrypted(m_options.host, m_options.port, peerName);
        return;
    }
    }
}

void RedisSocket::setUpTcp(QTcpSocket *socket)
{
    connect(socket, &QTcpSocket::readyRead, this, &RedisSocket::readyRead);
    connect(socket, &QTcpSocket::errorOccurred, this, [this, socket] {
        QString text = socket->errorString();
        if (!m_tlsErrors.isEmpty())
            text = QStringLiteral("TLS handshake failed: ") + m_tlsErrors;
        fail(QStringLiteral("%1: %2").arg(m_options.endpoint(), text));
    });
    connect(socket, &QTcpSocket::disconnected, this,
            [this] { fail(QStringLiteral("server closed the connection")); });
}

bool RedisSocket::setUpTls(QSslSocket *socket, QString *error)
{
    if (!QSslSocket::supportsSsl()) {
        *error = QStringLiteral("TLS is not available (no TLS backend with OpenSSL found)");
        return false;
    }
    QSslConfiguration config = socket->sslConfiguration();
    if (!m_options.tlsCaFile.isEmpty()) {
        const QList<QSslCertificate> cas = QSslCertificate::fromPath(m_options.tlsCaFile);
        if (cas.isEmpty()) {
            *error =
                QStringLiteral("no CA certificate could be read from %1").arg(m_options.tlsCaFile);
            return false;
        }
        config.setCaCertificates(cas);
    }
    if (!m_options.tlsCertFile.isEmpty()) {
        const QList<QSslCertificate> certs = QSslCertificate::fromPath(m_options.tlsCertFile);
        if (certs.isEmpty()) {
            *error = QStringLiteral("no client certificate could be read from %1")
                         .arg(m_options.tlsCertFile);
            return false;
        }
        config.setLocalCertificate(certs.first());
        QFile keyFile(m_options.tlsKeyFile.isEmpty() ? m_options.tlsCertFile
                                                     : m_options.tlsKeyFile);
        if (!keyFile.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read TLS key %1: %2")
                         .arg(keyFile.fileName(), keyFile.errorString());
            return false;
        }
        const QByteArray pem = keyFile.readAll();
        QSslKey key;
        for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
            key = QSslKey(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
            if (!key.isNull())
                break;
        }
        if (key.isNull()) {
            *error = QStringLiteral("no private key could be read from %1").arg(keyFile.fileName());
            return false;
        }
        config.setPrivateKey(key);
    }
    config.setPeerVerifyMode(m_options.tlsVerifyPeer ? QSslSocket::VerifyPeer
                                                     : QSslSocket::VerifyNone);
    socket->setSslConfiguration(config);
    return true;
}

void RedisSocket::abort(const QString &reason)
{
    if (m_closed)
        return;
    m_closed = true;
    if (m_device)
        m_device->disconnect(this);
    if (m_tcp)
        m_tcp->abort();
    if (m_local)
        m_local->abort();
    Q_EMIT closed(reason);
}

void RedisSocket::fail(const QString &reason)
{
    if (m_closed)
        return;
    // A server may answer and hang up at once (an error before closing, QUIT): deliver what
    // arrived before saying the connection is gone.
    if (m_device && m_device->bytesAvailable() > 0)
        Q_EMIT readyRead();
    abort(reason);
}

qint64 RedisSocket::write(const QByteArray &data)
{
    return m_device && !m_closed ? m_device->write(data) : -1;
}

void RedisSocket::flush()
{
    if (m_closed)
        return;
    if (m_tcp)
        m_tcp->flush();
    else if (m_local)
        m_local->flush();
}

QByteArray RedisSocket::readAll()
{
    return m_device ? m_device->readAll() : QByteArray();
}

qint64 RedisSocket::bytesAvailable() const
{
    return m_device ? m_device->bytesAvailable() : 0;
}

qint64 RedisSocket::read(char *data, qint64 size)
{
    return m_device ? m_device->read(data, size) : -1;
}

bool RedisSocket::isOpen() const
{
    return m_device && !m_closed && m_device->isOpen();
}

} // namespace Confab
