#include "RedisClusterFixture.h"

#include <QDeadlineTimer>
#include <QProcess>
#include <QThread>

namespace Confab::Test {

namespace {

constexpr int CreateTimeoutMs = 60000;
constexpr int WholeTimeoutMs = 60000;

} // namespace

RedisClusterFixture::RedisClusterFixture() = default;

RedisClusterFixture::~RedisClusterFixture() = default;

bool RedisClusterFixture::start()
{
    if (RedisServerFixture::redisServerPath().isEmpty()
        || RedisServerFixture::redisCliPath().isEmpty()) {
        m_error = QStringLiteral("redis-server and redis-cli are needed (packaging/setup.sh)");
        return false;
    }
    QStringList addresses;
    for (int i = 0; i < Nodes; ++i) {
        RedisServerFixture::Config config;
        config.extraConfig << QStringLiteral("cluster-enabled yes")
                           << QStringLiteral("cluster-config-file nodes.conf")
                           // Its own free port: port + 10000, the default, may be beyond 65535.
                           << QStringLiteral("cluster-port %1").arg(RedisServerFixture::freePort())
                           // Short enough for failover tests, long enough for two busy cores.
                           << QStringLiteral("cluster-node-timeout 3000");
        auto node = std::make_unique<RedisServerFixture>(config);
        if (!node->start()) {
            m_error = QStringLiteral("node %1: %2").arg(i).arg(node->errorString());
            return false;
        }
        addresses << QStringLiteral("127.0.0.1:%1").arg(node->port());
        m_nodes.push_back(std::move(node));
    }
    QProcess create;
    create.setProcessChannelMode(QProcess::MergedChannels);
    create.start(RedisServerFixture::redisCliPath(),
                 QStringList{QStringLiteral("--cluster"), QStringLiteral("create")} + addresses
                     + QStringList{QStringLiteral("--cluster-replicas"), QStringLiteral("1"),
                                   QStringLiteral("--cluster-yes")});
    if (!create.waitForFinished(CreateTimeoutMs) || create.exitCode() != 0) {
        m_error = QStringLiteral("redis-cli --cluster create failed: ")
            + QString::fromUtf8(create.readAll().right(2000));
        return false;
    }
    return waitUntilWhole();
}

bool RedisClusterFixture::waitUntilWhole()
{
    // Polled (there is no event to wait for): every node must see the same whole cluster.
    const QDeadlineTimer deadline(WholeTimeoutMs);
    QString last;
    while (!deadline.hasExpired()) {
        bool whole = true;
        for (int i = 0; i < nodeCount() && whole; ++i) {
            const QByteArray info = command(i, {"CLUSTER", "INFO"}).bytes();
            whole = info.contains("cluster_state:ok") && info.contains("cluster_slots_ok:16384")
                && info.contains("cluster_known_nodes:6");
            if (!whole)
                last = QStringLiteral("node %1: %2").arg(i).arg(QString::fromUtf8(info.left(300)));
        }
        // Each master's replica is linked: a write is acknowledged by one replica.
        for (int i = 0; i < nodeCount() && whole; ++i) {
            const QByteArray role = command(i, {"ROLE"}).at(0).bytes();
            if (role != "master")
                continue;
            const RedisReply replicas = command(i, {"ROLE"}).at(2);
            whole = replicas.size() == 1;
            if (!whole)
                last = QStringLiteral("node %1 has %2 replicas").arg(i).arg(replicas.size());
        }
        if (whole)
            return true;
        QThread::msleep(20);
    }
    m_error = QStringLiteral("the cluster did not become whole within %1 s: %2")
                  .arg(WholeTimeoutMs / 1000)
                  .arg(last);
    return false;
}

QString RedisClusterFixture::url() const
{
    QStringList hosts;
    for (const auto &node : m_nodes)
        hosts << QStringLiteral("127.0.0.1:%1").arg(node->port());
    return QStringLiteral("redis://") + hosts.join(u',');
}

quint16 RedisClusterFixture::ownerOf(quint16 slot) const
{
    // CLUSTER SLOTS: [[first, last, [ip, port, id], replicas...], ...]
    const RedisReply ranges = command(0, {"CLUSTER", "SLOTS"});
    for (const RedisReply &range : ranges.elements()) {
        if (range.size() >= 3 && range.at(0).toInteger() <= slot && slot <= range.at(1).toInteger())
            return quint16(range.at(2).at(1).toInteger());
    }
    return 0;
}

RedisReply RedisClusterFixture::command(int i, const QList<QByteArray> &args) const
{
    return m_nodes.at(std::size_t(i))->command(args);
}

} // namespace Confab::Test
