#pragma once

#include "RedisServerFixture.h"

#include <memory>
#include <vector>

namespace Confab::Test {

// A master and its replica watched by three sentinels (quorum 2), on free loopback ports,
// waited for until the replica is linked and every sentinel knows the replica and the other
// sentinels (so that a failover can be agreed on). Nodes keep their index when their roles
// change: node(0) starts as the master. Its waiting blocks on purpose: test scaffolding.
class RedisSentinelFixture
{
public:
    static constexpr int Sentinels = 3;
    static constexpr const char *MasterName = "mymaster";

    struct Config
    {
        QString dataPassword; // requirepass of the master and the replica
        QString sentinelPassword; // requirepass of the sentinels
    };

    RedisSentinelFixture();
    explicit RedisSentinelFixture(Config config);
    ~RedisSentinelFixture();
    RedisSentinelFixture(const RedisSentinelFixture &) = delete;
    RedisSentinelFixture &operator=(const RedisSentinelFixture &) = delete;

    bool start();
    QString errorString() const { return m_error; }

    RedisServerFixture &node(int i) { return *m_nodes.at(std::size_t(i)); }
    RedisServerFixture &sentinel(int i) { return *m_sentinels.at(std::size_t(i)); }
    // redis-sentinel://127.0.0.1:S1,127.0.0.1:S2,127.0.0.1:S3#mymaster (no passwords)
    QString url() const;
    // With both passwords set, when there are any.
    RedisOptions options() const;
    // The data node the sentinels name as master (-1 if they disagree or cannot say).
    int masterIndex() const;

    // SENTINEL FAILOVER, then waits until every sentinel names the other node and it says
    // it is the master. The new master's index, or -1.
    int failover();
    // Waits until every running sentinel names node `index` and its ROLE is master.
    bool awaitMaster(int index);
    // Restarts a node that was killed; the sentinels make it a replica of the current master.
    // Waits until it is one, with its link up.
    bool restartAsReplica(int index);

private:
    bool waitUntilReady();
    bool waitForReplica(int index, int of);

    Config m_config;
    std::vector<std::unique_ptr<RedisServerFixture>> m_nodes;
    std::vector<std::unique_ptr<RedisServerFixture>> m_sentinels;
    QString m_error;
};

} // namespace Confab::Test
