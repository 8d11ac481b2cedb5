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
                         const std::optional<Endpoint> address = parseMasterAddress(reply);
                         if (!address) {
                             done(std::nullopt,
                                  QStringLiteral("Sentinel %1 gave an unusable address for \"%2\"")
                                      .arg(sentinel, master));
                             return;
                         }
                         done(address, QString());
                     },
                     {patience, RedisConnection::QueuePolicy::WaitForConnection});
}

namespace {

std::optional<quint16> portOf(const QByteArray &text)
{
    bool ok = false;
    const uint port = text.toUInt(&ok);
    if (!ok || port == 0 || port > 65535)
        return std::nullopt;
    return quint16(port);
}

bool isHost(const QByteArray &host)
{
    return !host.isEmpty() && host.size() <= 255 && !host.contains(' ') && !host.contains('\0');
}

} // namespace

std::optional<RedisSentinelMonitor::Endpoint>
RedisSentinelMonitor::parseMasterAddress(const RedisReply &reply)
{
    if (!reply.isArray() || reply.size() != 2 || !reply.at(0).isString() || !reply.at(1).isString()
        || !isHost(reply.at(0).bytes()))
        return std::nullopt;
    const std::optional<quint16> port = portOf(reply.at(1).bytes());
    if (!port)
        return std::nullopt;
    return Endpoint{QString::fromUtf8(reply.at(0).bytes()), *port};
}

std::optional<RedisSentinelMonitor::Endpoint>
RedisSentinelMonitor::parseSwitchMaster(const QByteArray &payload, const QByteArray &name)
{
    // Read from the end: the other fields never contain spaces.
    const QList<QByteArray> words = payload.split(' ');
    if (words.size() < 5 || words.mid(0, words.size() - 4).join(' ') != name)
        return std::nullopt;
    const QByteArray &host = words.at(words.size() - 2);
    const std::optional<quint16> port = portOf(words.last());
    if (!port || !isHost(host))
        return std::nullopt;
    return Endpoint{QString::fromUtf8(host), *port};
}

void RedisSentinelMonitor::onMessage(const QByteArray &channel, const QByteArray &payload)
{
    if (channel != SwitchMaster)
        return;
    if (const std::optional<Endpoint> master = parseSwitchMaster(payload, m_master.toUtf8()))
        Q_EMIT masterSwitched(*master);
}

} // namespace Confab
