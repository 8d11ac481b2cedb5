#pragma once

#include "RedisOptions.h"

#include <QObject>
#include <QPointer>

class QIODevice;
class QLocalSocket;
class QSslSocket;
class QTcpSocket;

namespace Confab {

// One byte stream to a Redis server over TCP, TLS or a unix socket, behind one interface, so
// RedisConnection does not care which. Single use: connect once, and after closed() make a new
// one. Lives in, and is only touched from, the thread of its owner.
class RedisSocket : public QObject
{
    Q_OBJECT
public:
    explicit RedisSocket(const RedisOptions &options, QObject *parent = nullptr);
    ~RedisSocket() override;

    void connectToServer();
    // Drops the connection now, discarding unsent data; closed() follows with the reason.
    void abort(const QString &reason);

    qint64 write(const QByteArray &data);
    // Writes what is buffered now, without waiting for the event loop (never blocks).
    void flush();
    QByteArray readAll();
    // What has arrived and is not read yet, and reading up to `size` bytes of it.
    qint64 bytesAvailable() const;
    qint64 read(char *data, qint64 size);
    bool isOpen() const;

Q_SIGNALS:
    // The byte stream is usable (after the TLS handshake, for TLS).
    void connected();
    void readyRead();
    // Emitted once, whatever ended the connection (refused, reset, TLS failure, abort()).
    void closed(const QString &reason);

private:
    void setUpTcp(QTcpSocket *socket);
    bool setUpTls(QSslSocket *socket, QString *error);
    void fail(const QString &reason);

    RedisOptions m_options;
    QIODevice *m_device = nullptr;
    QTcpSocket *m_tcp = nullptr;
    QLocalSocket *m_local = nullptr;
    QString m_tlsErrors;
    bool m_closed = false;
};

} // namespace Confab
