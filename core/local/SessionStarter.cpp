#include "SessionStarter.h"

#include "LocalRedisServer.h"
#include "ServerProbe.h"

#include "model/ChatSession.h"

#include <QDir>

namespace Confab {

SessionStarter::SessionStarter(ChatSession *session, const QString &privateDataDirectory,
                               QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_local(new LocalRedisServer(privateDataDirectory, this))
{ }

SessionStarter::~SessionStarter() = default;

void SessionStarter::start(bool serverChosen)
{
    if (!m_session)
        return;
    const RedisOptions configured = m_session->redisOptions();
    if (serverChosen || configured.transport != RedisOptions::Transport::Tcp) {
        startSession();
        return;
    }
    auto *probe = new ServerProbe(configured.host, configured.port, this);
    connect(probe, &ServerProbe::finished, this, [this, probe](bool answering) {
        probe->deleteLater();
        if (answering)
            startSession();
        else
            startPrivate();
    });
    probe->start();
}

void SessionStarter::startPrivate()
{
    connect(m_local, &LocalRedisServer::ready, this, [this](const RedisOptions &options) {
        if (!m_session)
            return;
        m_usesPrivate = true;
        QString where = QDir::toNativeSeparators(m_local->dataDirectory());
        const QString home = QDir::toNativeSeparators(QDir::homePath());
        if (where.startsWith(home + QDir::separator()))
            where = u'~' + where.mid(home.size());
        m_session->setServer(options, tr("the private server (%1)").arg(where));
        Q_EMIT privateServerStarted(where);
        startSession();
    });
    connect(m_local, &LocalRedisServer::failed, this, [this](const QString &error) {
        // Keep trying the default address: the user may start a server there, or pick one.
        Q_EMIT notice(error);
        startSession();
    });
    m_local->start();
}

void SessionStarter::startSession()
{
    if (m_session)
        m_session->start();
    Q_EMIT started();
}

void SessionStarter::finish()
{
    if (!m_usesPrivate) {
        Q_EMIT finished();
        return;
    }
    connect(m_local, &LocalRedisServer::released, this, &SessionStarter::finished,
            Qt::SingleShotConnection);
    m_local->release();
}

} // namespace Confab
