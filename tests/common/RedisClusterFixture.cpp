#include "RedisClusterFixture.h"

#include "redis/cluster/RedisClusterSlot.h"

#include <QDeadlineTimer>
#include <QProcess>
#include <QSet>
#include <QThread>

#include <cctype>

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

QStringList RedisClusterFixture::channelsOnEveryShard(const QString &prefix) const
{
    QStringList channels;
    QSet<quint16> owners;
    for (int n = 0; channels.size() < Masters && n < 1000; ++n) {
        const QString name = prefix + QString::number(n);
        const quint16 owner = ownerOf(RedisClusterSlot::of(name.toUtf8()));
        if (owner != 0 && !owners.contains(owner)) {
            owners.insert(owner);
            channels << name;
        }
    }
    return channels;
}

int RedisClusterFixture::indexOf(quint16 port) const
{
    for (int i = 0; i < nodeCount(); ++i) {
        if (m_nodes.at(std::size_t(i))->port() == port)
            return i;
    }
    return -1;
}

qint64 RedisClusterFixture::calls(int i, const QByteArray &name, const QByteArray &counter) const
{
    const QByteArray stats = command(i, {"INFO", "commandstats"}).bytes();
    const QByteArray marker = "cmdstat_" + name.toLower() + ":";
    const qsizetype line = stats.indexOf(marker);
    if (line < 0)
        return 0;
    const qsizetype at = stats.indexOf(QByteArray(counter + '='), line);
    const qsizetype lineEnd = stats.indexOf('\n', line);
    if (at < 0 || (lineEnd >= 0 && at > lineEnd))
        return 0;
    const qsizetype start = at + counter.size() + 1;
    qsizetype end = start;
    while (end < stats.size() && std::isdigit(static_cast<unsigned char>(stats.at(end))))
        ++end;
    return stats.mid(start, end - start).toLongLong();
}

qint64 RedisClusterFixture::rejectedCalls(int i) const
{
    const QByteArray stats = command(i, {"INFO", "commandstats"}).bytes();
    const QByteArray counter = "rejected_calls=";
    qint64 total = 0;
    for (qsizetype at = stats.indexOf(counter); at >= 0; at = stats.indexOf(counter, at + 1)) {
        qsizetype end = at + counter.size();
        while (end < stats.size() && std::isdigit(static_cast<unsigned char>(stats.at(end))))
            ++end;
        total += stats.mid(at + counter.size(), end - at - counter.size()).toLongLong();
    }
    return total;
}

int RedisClusterFixture::anotherMaster(int besides) const
{
    for (int i = 0; i < nodeCount(); ++i) {
        if (i != besides && command(i, {"ROLE"}).at(0).bytes() == "master")
            return i;
    }
    return -1;
}

bool RedisClusterFixture::migrateSlot(quint16 slot, int from, int to, bool finish)
{
    const QByteArray slotText = QByteArray::number(slot);
    const QByteArray fromId = command(from, {"CLUSTER", "MYID"}).bytes();
    const QByteArray toId = command(to, {"CLUSTER", "MYID"}).bytes();
    const RedisReply importing = command(to, {"CLUSTER", "SETSLOT", slotText, "IMPORTING", fromId});
    const RedisReply migrating = command(from, {"CLUSTER", "SETSLOT", slotText, "MIGRATING", toId});
    if (!importing.isOk() || !migrating.isOk()) {
        m_error = importing.toString() + u' ' + migrating.toString();
        return false;
    }
    return !finish || finishMigration(slot, from, to);
}

bool RedisClusterFixture::finishMigration(quint16 slot, int from, int to)
{
    const QByteArray slotText = QByteArray::number(slot);
    const QByteArray toId = command(to, {"CLUSTER", "MYID"}).bytes();
    const QByteArray toPort = QByteArray::number(node(to).port());
    for (;;) {
        const RedisReply keys = command(from, {"CLUSTER", "GETKEYSINSLOT", slotText, "100"});
        if (!keys.isArray()) {
            m_error = keys.toString();
            return false;
        }
        if (keys.size() == 0)
            break;
        QList<QByteArray> migrate{"MIGRATE", "127.0.0.1", toPort, "", "0", "5000", "KEYS"};
        for (const RedisReply &key : keys.elements())
            migrate << key.bytes();
        const RedisReply moved = command(from, migrate);
        if (!moved.isOk()) {
            m_error = QStringLiteral("MIGRATE: ") + moved.toString();
            return false;
        }
    }
    // The new owner first, then the old one, then everyone else, as redis-cli does.
    QList<int> order{to, from};
    for (int i = 0; i < nodeCount(); ++i) {
        if (!order.contains(i) && command(i, {"ROLE"}).at(0).bytes() == "master")
            order << i;
    }
    for (int i : order) {
        const RedisReply set = command(i, {"CLUSTER", "SETSLOT", slotText, "NODE", toId});
        if (!set.isOk()) {
            m_error = QStringLiteral("SETSLOT NODE on %1: %2").arg(i).arg(set.toString());
            return false;
        }
    }
    return true;
}

int RedisClusterFixture::awaitFailover(int killed)
{
    const quint16 port = node(killed).port();
    const QDeadlineTimer deadline(WholeTimeoutMs);
    while (!deadline.hasExpired()) {
        for (int i = 0; i < nodeCount(); ++i) {
            if (i == killed || !node(i).isRunning())
                continue;
            const QByteArray info = command(i, {"CLUSTER", "INFO"}).bytes();
            if (!info.contains("cluster_state:ok"))
                continue;
            const RedisReply ranges = command(i, {"CLUSTER", "SLOTS"});
            bool moved = true;
            for (const RedisReply &range : ranges.elements())
                moved = moved && range.size() >= 3 && range.at(2).at(1).toInteger() != port;
            if (!moved)
                continue;
            // The killed master's replica now leads: the one whose ROLE says master and
            // that was not a master before is the answer; any survivor knows the slots.
            for (int j = 0; j < nodeCount(); ++j) {
                if (j == killed || !node(j).isRunning())
                    continue;
                const RedisReply role = command(j, {"ROLE"});
                if (role.at(0).bytes() == "master" && role.at(2).size() == 0)
                    return j;
            }
        }
        QThread::msleep(50);
    }
    m_error =
        QStringLiteral("no failover of node %1 within %2 s").arg(killed).arg(WholeTimeoutMs / 1000);
    return -1;
}

int RedisClusterFixture::manualFailover(int master)
{
    const QByteArray masterId = command(master, {"CLUSTER", "MYID"}).bytes();
    int replica = -1;
    for (int i = 0; i < nodeCount() && replica < 0; ++i) {
        const RedisReply role = command(i, {"ROLE"});
        if (role.at(0).bytes() == "slave" && role.at(2).toInteger() == node(master).port())
            replica = i;
    }
    if (replica < 0) {
        m_error = QStringLiteral("node %1 has no replica").arg(master);
        return -1;
    }
    const RedisReply started = command(replica, {"CLUSTER", "FAILOVER"});
    if (!started.isOk()) {
        m_error = QStringLiteral("CLUSTER FAILOVER: ") + started.toString();
        return -1;
    }
    const QDeadlineTimer deadline(WholeTimeoutMs);
    while (!deadline.hasExpired()) {
        bool done = command(replica, {"ROLE"}).at(0).bytes() == "master";
        for (int i = 0; i < nodeCount() && done; ++i) {
            const QByteArray nodes = command(i, {"CLUSTER", "NODES"}).bytes();
            // Everyone sees the old master as a replica now.
            for (const QByteArray &line : nodes.split('\n')) {
                if (line.startsWith(masterId) && !line.contains("slave"))
                    done = false;
            }
        }
        if (done)
            return replica;
        QThread::msleep(50);
    }
    m_error = QStringLiteral("CLUSTER FAILOVER of node %1 did not finish").arg(master);
    return -1;
}

} // namespace Confab::Test
