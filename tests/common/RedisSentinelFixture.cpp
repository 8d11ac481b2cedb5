#include "RedisSentinelFixture.h"

#include <QDeadlineTimer>
#include <QThread>

namespace Confab::Test {

namespace {

constexpr int ReadyTimeoutMs = 60000;
constexpr int PollMs = 50;

// A field of a RESP2 map reply (a flat key/value array).
QByteArray field(const RedisReply &map, const QByteArray &name)
{
    for (qsizetype i = 0; i + 1 < map.size(); i += 2) {
        if (map.at(i).bytes() == name)
            return map.at(i + 1).bytes();
    }
    return {};
}

} // namespace

RedisSentinelFixture::RedisSentinelFixture() = default;

RedisSentinelFixture::RedisSentinelFixture(Config config)
    : m_config(std::move(config))
{ }
RedisSentinelFixture::~RedisSentinelFixture() = default;

bool RedisSentinelFixture::start()
{
    RedisServerFixture::Config config;
    config.appendOnly = true; // a killed master comes back with what it had
    config.password = m_config.dataPassword;
    if (!m_config.dataPassword.isEmpty()) // a master that returns as a replica logs in too
        config.extraConfig << QStringLiteral("masterauth \"%1\"").arg(m_config.dataPassword);
    auto master = std::make_unique<RedisServerFixture>(config);
    if (!master->start()) {
        m_error = QStringLiteral("master: ") + master->errorString();
        return false;
    }
    const quint16 masterPort = master->port();
    config.extraConfig << QStringLiteral("replicaof 127.0.0.1 %1").arg(masterPort);
    auto replica = std::make_unique<RedisServerFixture>(config);
    if (!replica->start()) {
        m_error = QStringLiteral("replica: ") + replica->errorString();
        return false;
    }
    m_nodes.push_back(std::move(master));
    m_nodes.push_back(std::move(replica));
    if (!waitForReplica(1, 0))
        return false;

    for (int i = 0; i < Sentinels; ++i) {
        RedisServerFixture::Config sentinelConfig;
        sentinelConfig.sentinel = true;
        sentinelConfig.password = m_config.sentinelPassword;
        sentinelConfig.extraConfig
            << QStringLiteral("sentinel monitor %1 127.0.0.1 %2 2")
                   .arg(QLatin1String(MasterName))
                   .arg(masterPort)
            << QStringLiteral("sentinel down-after-milliseconds %1 1000")
                   .arg(QLatin1String(MasterName))
            << QStringLiteral("sentinel failover-timeout %1 5000").arg(QLatin1String(MasterName))
            << QStringLiteral("sentinel parallel-syncs %1 1").arg(QLatin1String(MasterName));
        if (!m_config.dataPassword.isEmpty())
            sentinelConfig.extraConfig
                << QStringLiteral("sentinel auth-pass %1 \"%2\"")
                       .arg(QLatin1String(MasterName), m_config.dataPassword);
        auto sentinel = std::make_unique<RedisServerFixture>(sentinelConfig);
        if (!sentinel->start()) {
            m_error = QStringLiteral("sentinel %1: %2").arg(i).arg(sentinel->errorString());
            return false;
        }
        m_sentinels.push_back(std::move(sentinel));
    }
    return waitUntilReady();
}

bool RedisSentinelFixture::waitForReplica(int index, int of)
{
    const QDeadlineTimer deadline(ReadyTimeoutMs);
    while (!deadline.hasExpired()) {
        const QByteArray info = node(index).command({"INFO", "replication"}).bytes();
        if (info.contains("role:slave") && info.contains("master_link_status:up")
            && info.contains(
                QByteArray(QByteArray("master_port:") + QByteArray::number(node(of).port()))))
            return true;
        QThread::msleep(PollMs);
    }
    m_error =
        QStringLiteral("node %1 did not become a linked replica of node %2").arg(index).arg(of);
    return false;
}

bool RedisSentinelFixture::waitUntilReady()
{
    // Polled (there is no event to wait for): every sentinel must know the replica and the
    // two other sentinels, which they learn from each other's hello messages.
    const QDeadlineTimer deadline(ReadyTimeoutMs);
    QString last;
    while (!deadline.hasExpired()) {
        bool ready = true;
        for (int i = 0; i < Sentinels && ready; ++i) {
            const RedisReply replicas = sentinel(i).command({"SENTINEL", "REPLICAS", MasterName});
            const RedisReply others = sentinel(i).command({"SENTINEL", "SENTINELS", MasterName});
            ready = replicas.size() == 1 && others.size() == Sentinels - 1;
            // Not "slave,s_down" or "slave,disconnected": a replica the sentinel can promote.
            ready = ready && field(replicas.at(0), "flags") == "slave";
            if (!ready)
                last = QStringLiteral("sentinel %1: %2 replicas, %3 other sentinels")
                           .arg(i)
                           .arg(replicas.size())
                           .arg(others.size());
        }
        if (ready)
            return true;
        QThread::msleep(PollMs);
    }
    m_error = QStringLiteral("the sentinels did not get ready within %1 s: %2")
                  .arg(ReadyTimeoutMs / 1000)
                  .arg(last);
    return false;
}

QString RedisSentinelFixture::url() const
{
    QStringList hosts;
    for (const auto &sentinel : m_sentinels)
        hosts << QStringLiteral("127.0.0.1:%1").arg(sentinel->port());
    return QStringLiteral("redis-sentinel://") + hosts.join(u',') + u'#'
        + QLatin1String(MasterName);
}

RedisOptions RedisSentinelFixture::options() const
{
    RedisOptions options = RedisOptions::fromUrl(url()).value_or(RedisOptions());
    options.password = m_config.dataPassword;
    options.sentinelPassword = m_config.sentinelPassword;
    return options;
}

int RedisSentinelFixture::masterIndex() const
{
    int named = -2;
    for (const auto &sentinel : m_sentinels) {
        if (!sentinel->isRunning())
            continue;
        const RedisReply reply =
            sentinel->command({"SENTINEL", "GET-MASTER-ADDR-BY-NAME", MasterName});
        if (reply.size() != 2)
            return -1;
        int index = -1;
        for (std::size_t i = 0; i < m_nodes.size(); ++i) {
            if (QByteArray::number(m_nodes.at(i)->port()) == reply.at(1).bytes())
                index = int(i);
        }
        if (named != -2 && named != index)
            return -1;
        named = index;
    }
    return named < 0 ? -1 : named;
}

bool RedisSentinelFixture::awaitMaster(int index)
{
    const QDeadlineTimer deadline(ReadyTimeoutMs);
    while (!deadline.hasExpired()) {
        if (masterIndex() == index && node(index).command({"ROLE"}).at(0).bytes() == "master")
            return true;
        QThread::msleep(PollMs);
    }
    m_error = QStringLiteral("node %1 did not become the master everywhere").arg(index);
    return false;
}

int RedisSentinelFixture::failover()
{
    const int before = masterIndex();
    if (before < 0) {
        m_error = QStringLiteral("the sentinels do not agree on a master");
        return -1;
    }
    const RedisReply reply = sentinel(0).command({"SENTINEL", "FAILOVER", MasterName});
    if (!reply.isOk()) {
        m_error = QStringLiteral("SENTINEL FAILOVER: ") + reply.toString();
        return -1;
    }
    const int after = 1 - before;
    return awaitMaster(after) ? after : -1;
}

bool RedisSentinelFixture::restartAsReplica(int index)
{
    if (!node(index).restart()) {
        m_error = node(index).errorString();
        return false;
    }
    return waitForReplica(index, 1 - index);
}

} // namespace Confab::Test
