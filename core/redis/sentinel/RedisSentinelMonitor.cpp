#include "RedisSentinelMonitor.h"

namespace Confab {

using namespace std::chrono_literals;

namespace {

constexpr QByteArrayView SwitchMaster = "+switch-master";

RedisOptions sentinelLinkOptions(const RedisOptions &options)
{
    RedisOptions link = options;
    link.username = options.sentinelUsername;
    link.password = options.sentinelPassword;
    link.sentinelMaster.clear();
    link.sentinelUsername.clear();
    link.sentinelPassword.clear();
    link.db = 0;
    link.requireMaster = false;
    link.autoReconnect = true;
    link.moreSeeds.clear();
    // A sentinel that does not answer is skipped quickly: there are others.
    link.connectTimeout = std::min(options.connectTimeout, std::chrono::milliseconds(2000));
    link.reconnectMaxDelay = std::min(options.reconnectMaxDelay, std::chrono::milliseconds(2000));
    return link;
}

} // namespace

RedisSentinelMonitor::RedisSentinelMonitor(const RedisOptions &options, QObject *parent)
    : QObject(parent)
    , m_master(options.sentinelMaster)
{
    const RedisOptions link = sentinelLinkOptions(options);
    m_query = new RedisConnection(link, this);
    m_watch = new RedisConnection(link, this);
    m_query->setEndpoints(options.seeds());
    m_watch->setEndpoints(options.seeds());
    connect(m_watch, &RedisConnection::messageReceived, this, &RedisSentinelMonitor::onMessage);
    connect(m_watch, &RedisConnection::subscribed, this, [this] { Q_EMIT recheckWanted(); });
    m_watch->subscribe({SwitchMaster.toByteArray()});
}

void RedisSentinelMonitor::open()
{
    m_query->open();
    m_watch->open();
}

void RedisSentinelMonitor::close()
{
    m_query->close();
    m_watch->close();
}

void RedisSentinelMonitor::resolve(RedisConnection::Resolved done)
{
    const QString master = m_master;
    // Waits for a sentinel for as long as connecting to one may take, going through all.
    const auto patience = m_query->options().connectTimeout * 3;
    m_query->command({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", master.toUtf8()},
                     [this, done = std::move(done), master](const RedisReply &reply) {
                         const QString sentinel = m_query->options().endpoint();
                         if (reply.isError()) {
                             done(
                                 std::nullopt,
                                 QStringLiteral("Sentinel %1: %2").arg(sentinel, reply.toString()));
                             return;
                         }
                         if (reply.isNil() || !reply.isArray() || reply.size() != 2) {
                             done(std::nullopt,
                                  QStringLiteral("Sentinel %1 knows no master called \"%2\"")
                                      .arg(sentinel, master));
                             return;
                         }
                         bool ok = false;
                         const uint port = reply.at(1).bytes().toUInt(&ok);
                         const QString host = QString::fromUtf8(reply.at(0).bytes());
                         if (!ok || port == 0 || port > 65535 || host.isEmpty()) {
                             done(std::nullopt,
                                  QStringLiteral("Sentinel %1 gave an unusable address for \"%2\"")
                                      .arg(sentinel, master));
                             return;
                         }
                         done(Endpoint{host, quint16(port)}, QString());
                     },
                     {patience, RedisConnection::QueuePolicy::WaitForConnection});
}

void RedisSentinelMonitor::onMessage(const QByteArray &channel, const QByteArray &payload)
{
    if (channel != SwitchMaster)
        return;
    // "<name> <old-ip> <old-port> <new-ip> <new-port>"; the name may not contain spaces, but
    // read from the end in case it does.
    const QList<QByteArray> words = payload.split(' ');
    if (words.size() < 5)
        return;
    const QByteArray name = words.mid(0, words.size() - 4).join(' ');
    if (name != m_master.toUtf8())
        return;
    bool ok = false;
    const uint port = words.last().toUInt(&ok);
    if (!ok || port == 0 || port > 65535)
        return;
    Q_EMIT masterSwitched(Endpoint{QString::fromUtf8(words.at(words.size() - 2)), quint16(port)});
}

} // namespace Confab
