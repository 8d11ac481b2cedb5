#include "CliRunner.h"
#include "RedisClusterFixture.h"

#include "redis/cluster/RedisClusterSlot.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace Confab;
using namespace Confab::Test;
using namespace Qt::StringLiterals;

// Every confab-cli command against a Redis Cluster URL (the seed list of a 3+3
// RedisClusterFixture), with channels on every shard, and a tail that outlives the master it
// was reading from. The kill comes last: the cluster is not the same afterwards.
class tst_ConfabCliCluster : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(QFile::exists(QStringLiteral(CONFAB_CLI_PATH)));
        QVERIFY(m_cli.isValid());
        if (RedisServerFixture::redisServerPath().isEmpty()
            || RedisServerFixture::redisCliPath().isEmpty())
            QSKIP("redis-server and redis-cli are not installed");
        QVERIFY2(m_cluster.start(), qPrintable(m_cluster.errorString()));
        m_cli.setUrl(m_cluster.url());
        m_channels = m_cluster.channelsOnEveryShard(u"team"_s);
        QCOMPARE(m_channels.size(), RedisClusterFixture::Masters);
    }

    void joinSendHistoryChannelsAndLeaveOnEveryShard()
    {
        for (const QString &channel : std::as_const(m_channels)) {
            const Result joined = cli({u"join"_s, channel});
            QVERIFY2(joined.succeeded(), joined.err.constData());
        }
        QByteArray input;
        for (int i = 0; i < 200; ++i)
            input += "line " + QByteArray::number(i) + '\n';
        for (const QString &channel : std::as_const(m_channels)) {
            const Result sent = cli({u"send"_s, channel}, input);
            QVERIFY2(sent.succeeded(), sent.err.constData());
        }
        for (const QString &channel : std::as_const(m_channels)) {
            const Result history =
                cli({u"--json"_s, u"history"_s, channel, u"--count"_s, u"1000"_s});
            QVERIFY2(history.succeeded(), history.err.constData());
            const QStringList got = texts(history);
            QCOMPARE(got.size(), 200);
            QCOMPARE(got.first(), u"line 0"_s);
            QCOMPARE(got.last(), u"line 199"_s);
            // Written on the master that owns the channel's slot.
            const quint16 owner = m_cluster.ownerOf(RedisClusterSlot::of(channel.toUtf8()));
            const QByteArray log = "channel:{" + channel.toUtf8() + "}:log";
            QCOMPARE(m_cluster.command(m_cluster.indexOf(owner), {"XLEN", log}).toInteger(), 201);
        }
        const Result listing = cli({u"channels"_s});
        QVERIFY2(listing.succeeded(), listing.err.constData());
        QCOMPARE(listing.lines().size(), m_channels.size());
        const Result left = cli({u"leave"_s, m_channels.at(1)});
        QVERIFY2(left.succeeded(), left.err.constData());
        const Result after = cli({u"channels"_s});
        for (const QString &line : after.lines()) {
            const QStringList fields = line.split(u'\t');
            QCOMPARE(fields.value(1), fields.value(0) == m_channels.at(1) ? u"0"_s : u"1"_s);
        }
    }

    // A direct conversation's notice is heard by a peer whose subscription is on any node.
    void directMessages()
    {
        const QProcessEnvironment bob = m_cli.environment(u"bob"_s);
        QVERIFY(cli({u"join"_s, m_channels.first()}, {}, bob).succeeded());
        const Result sent = cli({u"dm"_s, u"bob"_s, u"psst"_s});
        QVERIFY2(sent.succeeded(), sent.err.constData());
        QCOMPARE(texts(cli({u"--json"_s, u"history"_s, u"@tester"_s}, {}, bob)),
                 QStringList{u"psst"_s});
    }

    // A send whose master dies half-way waits through the failover (bounded by --timeout)
    // and exits 0 with every line in the log once, in order.
    void sendWaitsThroughAFailover()
    {
        const QString channel = m_channels.at(2);
        QVERIFY(cli({u"join"_s, channel}).succeeded());
        const int victim =
            m_cluster.indexOf(m_cluster.ownerOf(RedisClusterSlot::of(channel.toUtf8())));
        QVERIFY(victim >= 0);
        QProcess send;
        send.setProcessEnvironment(environment());
        send.start(QStringLiteral(CONFAB_CLI_PATH),
                   {u"--url"_s, m_cluster.url(), u"--timeout"_s, u"90"_s, u"send"_s, channel});
        QVERIFY(send.waitForStarted(30000));
        QByteArray first;
        for (int i = 0; i < 200; ++i)
            first += "before " + QByteArray::number(i) + '\n';
        send.write(first);
        const QByteArray log = "channel:{" + channel.toUtf8() + "}:log";
        QTRY_VERIFY_WITH_TIMEOUT(m_cluster.command(victim, {"XLEN", log}).toInteger() >= 100,
                                 30000);
        m_cluster.node(victim).kill();
        QByteArray second;
        for (int i = 0; i < 200; ++i)
            second += "after " + QByteArray::number(i) + '\n';
        send.write(second);
        send.closeWriteChannel();
        QVERIFY2(m_cluster.awaitFailover(victim) >= 0, qPrintable(m_cluster.errorString()));
        QVERIFY(send.waitForFinished(120000));
        QVERIFY2(send.exitCode() == 0, send.readAllStandardError().constData());

        const Result history = cli({u"--json"_s, u"history"_s, channel, u"--count"_s, u"1000"_s});
        QVERIFY2(history.succeeded(), history.err.constData());
        QStringList expected;
        for (int i = 0; i < 200; ++i)
            expected << u"before %1"_s.arg(i);
        for (int i = 0; i < 200; ++i)
            expected << u"after %1"_s.arg(i);
        QStringList got;
        for (const QString &text : texts(history)) {
            if (text.startsWith(u"before "_s) || text.startsWith(u"after "_s))
                got << text;
        }
        QCOMPARE(got, expected);
    }

    // The tail reads through a node that dies: its subscription moves to another node, its
    // commands to the promoted replica, and what was sent meanwhile is printed once, in order.
    void tailFollowsTheClusterThroughAFailover()
    {
        const QString channel = m_channels.first();
        const int victim =
            m_cluster.indexOf(m_cluster.ownerOf(RedisClusterSlot::of(channel.toUtf8())));
        QVERIFY(victim >= 0);
        QProcess tail;
        // The tail's first node is the victim: both of its links start there.
        const QString url =
            u"redis://127.0.0.1:%1,"_s.arg(m_cluster.node(victim).port()) + m_cluster.url().mid(8);
        tail.setProcessEnvironment(environment());
        tail.start(QStringLiteral(CONFAB_CLI_PATH), {u"--url"_s, url, u"tail"_s, channel});
        QVERIFY(tail.waitForStarted(30000));
        for (int attempt = 0; attempt < 30 && !tail.canReadLine(); ++attempt) {
            QVERIFY(cli({u"send"_s, channel, u"warm-up %1"_s.arg(attempt)}).succeeded());
            tail.waitForReadyRead(1000);
        }
        QVERIFY(tail.canReadLine());
        tail.readAll();

        m_cluster.node(victim).kill();
        QVERIFY2(m_cluster.awaitFailover(victim) >= 0, qPrintable(m_cluster.errorString()));
        const Result sent = cli({u"send"_s, channel}, "after 1\nafter 2\nafter 3\n");
        QVERIFY2(sent.succeeded(), sent.err.constData());

        const QStringList lines = CliRunner::readLines(tail, u"<tester> after"_s, 3);
        QCOMPARE(lines.size(), 3);
        for (int i = 0; i < 3; ++i)
            QVERIFY2(lines[i].endsWith(u"<tester> after %1"_s.arg(i + 1)), qPrintable(lines[i]));
        QCOMPARE(tail.state(), QProcess::Running);
        tail.terminate();
        QVERIFY(tail.waitForFinished(30000));
    }

private:
    using Result = CliRunner::Result;

    Result cli(const QStringList &args, const QByteArray &input = {},
               const QProcessEnvironment &env = {}) const
    {
        return m_cli.run(args, input, env);
    }
    QProcessEnvironment environment() const { return m_cli.environment(); }
    static QStringList texts(const Result &result) { return CliRunner::texts(result); }

    CliRunner m_cli{QStringLiteral(CONFAB_CLI_PATH)};
    RedisClusterFixture m_cluster;
    QStringList m_channels;
};

QTEST_GUILESS_MAIN(tst_ConfabCliCluster)
#include "tst_ConfabCliCluster.moc"
