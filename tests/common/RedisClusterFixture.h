#pragma once

#include "RedisServerFixture.h"

#include <memory>
#include <vector>

namespace Confab::Test {

// A Redis Cluster of three masters with one replica each, on free loopback ports, made with
// `redis-cli --cluster create` and waited for until every node says the cluster is whole
// (cluster_state:ok, all 16384 slots, six known nodes) and each master has its replica
// linked. Like RedisServerFixture, its waiting blocks on purpose: it is test scaffolding.
class RedisClusterFixture
{
public:
    static constexpr int Masters = 3;
    static constexpr int Nodes = 6;

    RedisClusterFixture();
    ~RedisClusterFixture();
    RedisClusterFixture(const RedisClusterFixture &) = delete;
    RedisClusterFixture &operator=(const RedisClusterFixture &) = delete;

    // False (and why, in errorString()) if the cluster could not be made within a minute.
    bool start();
    QString errorString() const { return m_error; }

    int nodeCount() const { return int(m_nodes.size()); }
    RedisServerFixture &node(int i) { return *m_nodes.at(std::size_t(i)); }
    // redis://127.0.0.1:P1,127.0.0.1:P2,... (every node, as seeds).
    QString url() const;
    // The port of the master that serves `slot` now (0 if none does).
    quint16 ownerOf(quint16 slot) const;
    // Runs a command on node i (see RedisServerFixture::command).
    RedisReply command(int i, const QList<QByteArray> &args) const;
    // One conversation name per master, each hashing to a slot that master serves:
    // prefix0, prefix1... as many as needed.
    QStringList channelsOnEveryShard(const QString &prefix) const;
    // The node listening on `port`, or -1.
    int indexOf(quint16 port) const;
    // The first node other than `besides` that says it is a master (ROLE), or -1.
    int anotherMaster(int besides) const;
    // Node i's calls of a command so far (INFO commandstats), e.g. "evalsha"; or another
    // of its counters, such as "rejected_calls" (refused with MOVED, CROSSSLOT...).
    qint64 calls(int i, const QByteArray &command, const QByteArray &counter = "calls") const;
    // Node i's commands of any kind refused so far (MOVED, ASK, CROSSSLOT...).
    qint64 rejectedCalls(int i) const;
    // Moves `slot` from node `from` to node `to`, keys and all, as redis-cli --cluster reshard
    // does: IMPORTING, MIGRATING, MIGRATE, then SETSLOT NODE everywhere, unless `finish` is
    // false, which leaves the slot half-way (keys not yet moved answer ASK).
    bool migrateSlot(quint16 slot, int from, int to, bool finish = true);
    // Ends a migration migrateSlot(..., false) began: the rest of the keys, SETSLOT NODE.
    bool finishMigration(quint16 slot, int from, int to);
    // After node i was killed: waits until the others have promoted its replica and serve
    // every slot again. The new master's index, or -1 (and errorString()) on timeout.
    int awaitFailover(int killed);
    // CLUSTER FAILOVER on the replica of master node `master`: the replica takes over with
    // the master's agreement, losing nothing. Waits until every node agrees. The new master's
    // index, or -1.
    int manualFailover(int master);

private:
    bool waitUntilWhole();

    std::vector<std::unique_ptr<RedisServerFixture>> m_nodes;
    QString m_error;
};

} // namespace Confab::Test
