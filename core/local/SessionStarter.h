#pragma once

#include "redis/RedisOptions.h"

#include <QObject>
#include <QPointer>
#include <QString>

namespace Confab {

class ChatSession;
class LocalRedisServer;

// Starts a ChatSession on the right server. A server the user chose (command line, environment,
// saved profile) is used as it is. With none, the default address is asked first; if nothing
// answers there and redis-server is installed, a private one is started (LocalRedisServer) and
// the session connects to it instead. On the way out, finish() releases that server.
class SessionStarter : public QObject
{
    Q_OBJECT
public:
    SessionStarter(ChatSession *session, const QString &privateDataDirectory,
                   QObject *parent = nullptr);
    ~SessionStarter() override;

    // serverChosen: the session's configured server is the user's choice; do not look further.
    void start(bool serverChosen);
    // Releases the private server, if one is used; ends in finished() (at once otherwise).
    void finish();

    bool usesPrivateServer() const { return m_usesPrivate; }
    LocalRedisServer *privateServer() const { return m_local; }

Q_SIGNALS:
    // Something the user should read (why the private server could not start).
    void notice(const QString &text);
    // The private server is in use: only this computer can reach it (the window says so, and
    // how to reach a shared one). `where` is its data folder, "~/" shortened.
    void privateServerStarted(const QString &where);
    void started();
    void finished();

private:
    void startPrivate();
    void startSession();

    QPointer<ChatSession> m_session;
    LocalRedisServer *m_local = nullptr;
    bool m_usesPrivate = false;
};

} // namespace Confab
