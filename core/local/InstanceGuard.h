#pragma once

#include <QByteArray>
#include <QLocalServer>
#include <QLocalSocket>
#include <QObject>
#include <QString>
#include <QTimer>

namespace Confab {

// One running Confab per profile. The first start listens on a local socket named after the
// profile; a later start with the same profile hands its request (which channel to open) to the
// running one and exits, so a double-click focuses the window already open instead of starting
// a second copy that would claim the same user name.
class InstanceGuard : public QObject
{
    Q_OBJECT
public:
    // key: what makes a profile (settings location, server, user); equal keys share one instance.
    explicit InstanceGuard(const QString &key, QObject *parent = nullptr);
    ~InstanceGuard() override;

    QString serverName() const { return m_serverName; }

    // Ends in primary() (no other instance: we listen from now on) or handedOver() (the running
    // instance took `request`; this process should exit).
    void claim(const QByteArray &request);

    // Bound on how long a running instance has to answer before we take its place.
    static constexpr int AnswerTimeoutMs = 3000;

Q_SIGNALS:
    void primary();
    void handedOver();
    // In the primary: a later start asked for this.
    void requestReceived(const QByteArray &request);

private:
    void listen();
    // Done with the running instance, whatever it answered.
    void dropClient();
    void onNewConnection();

    QString m_serverName;
    QByteArray m_request;
    QLocalServer m_server;
    QLocalSocket *m_client = nullptr;
    QTimer m_timeout;
};

} // namespace Confab
