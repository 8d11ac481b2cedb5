#include "RedisClusterFixture.h"

#include "redis/RedisReply.h"
#include "redis/cluster/RedisClusterSlot.h"
#include "redis/cluster/RedisRedirect.h"

#include <QTest>

using namespace Confab;
using namespace Confab::Test;

// Against a real 3+3 Redis Cluster (RedisClusterFixture). The cluster client of issue 12 grows
// here; for now: the fixture itself, and that what a node answers is what the slot and
// redirect code expect.
class tst_RedisCluster : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (RedisServerFixture::redisServerPath().isEmpty()
            || RedisServerFixture::redisCliPath().isEmpty())
            QSKIP("redis-server and redis-cli are not installed");
        QVERIFY2(m_cluster.start(), qPrintable(m_cluster.errorString()));
    }

    void theClusterIsWhole()
    {
        QCOMPARE(m_cluster.nodeCount(), RedisClusterFixture::Nodes);
        int masters = 0;
        for (int i = 0; i < m_cluster.nodeCount(); ++i)
            masters += m_cluster.command(i, {"ROLE"}).at(0).bytes() == "master";
        QCOMPARE(masters, RedisClusterFixture::Masters);
    }

    // A key sent to a node that does not own its slot comes back as MOVED to the node that
    // does, for the slot RedisClusterSlot computes; sent there, it is taken.
    void movedPointsWhereTheSlotLives()
    {
        int moved = 0;
        for (int n = 0; n < 300; ++n) {
            const QByteArray key = "channel:{dev" + QByteArray::number(n) + "}:log";
            const quint16 slot = RedisClusterSlot::of(key);
            const quint16 owner = m_cluster.ownerOf(slot);
            QVERIFY(owner != 0);
            for (int i = 0; i < m_cluster.nodeCount(); ++i) {
                if (m_cluster.command(i, {"ROLE"}).at(0).bytes() != "master")
                    continue;
                const RedisReply reply = m_cluster.command(i, {"SET", key, "x"});
                if (m_cluster.node(i).port() == owner) {
                    QVERIFY2(reply.isOk(), qPrintable(reply.toDebugString()));
                    continue;
                }
                const std::optional<RedisRedirect> redirect = RedisRedirect::parse(reply);
                QVERIFY2(redirect, qPrintable(reply.toDebugString()));
                QCOMPARE(redirect->kind, RedisRedirect::Kind::Moved);
                QCOMPARE(redirect->slot, slot);
                QCOMPARE(redirect->port, owner);
                ++moved;
            }
        }
        QCOMPARE(moved, 300 * (RedisClusterFixture::Masters - 1));
    }

private:
    RedisClusterFixture m_cluster;
};

QTEST_GUILESS_MAIN(tst_RedisCluster)
#include "tst_RedisCluster.moc"
