#include "CliRunner.h"
#include "RedisSentinelFixture.h"

#include <QProcess>
#include <QTest>

using namespace Confab;
using namespace Confab::Test;
using namespace Qt::StringLiterals;

// Every confab-cli command against a redis-sentinel:// URL, with a data password in the URL
// and the sentinels' own password in REDIS_SENTINEL_PASSWORD, and a tail that follows a
// SENTINEL FAILOVER. The failover comes last.
class tst_ConfabCliSentinel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(QFile::exists(QStringLiteral(CONFAB_CLI_PATH)));
        QVERIFY(m_cli.isValid());
        if (RedisServerFixture::redisServerPath().isEmpty())
            QSKIP("redis-server is not installed");
        QVERIFY2(m_fixture.start(), qPrintable(m_fixture.errorString()));
        m_cli.setUrl(
            m_fixture.url().replace(u"redis-sentinel://"_s, u"redis-sentinel://:data-pw@"_s));
    }

    void joinSendHistoryChannelsLeaveAndDm()
    {
        QVERIFY(run({u"join"_s, u"ops"_s}).succeeded());
        QByteArray input;
        for (int i = 0; i < 100; ++i)
            input += "line " + QByteArray::number(i) + '\n';
        const CliRunner::Result sent = run({u"send"_s, u"ops"_s}, input);
        QVERIFY2(sent.succeeded(), sent.err.constData());
        const CliRunner::Result history =
            run({u"--json"_s, u"history"_s, u"ops"_s, u"--count"_s, u"500"_s});
        QVERIFY2(history.succeeded(), history.err.constData());
        QCOMPARE(CliRunner::texts(history).size(), 100);
        QCOMPARE(m_fixture.node(0).command({"XLEN", "channel:{ops}:log"}).toInteger(), 101);
        const CliRunner::Result listing = run({u"channels"_s});
        QVERIFY2(listing.succeeded(), listing.err.constData());
        QCOMPARE(listing.lines().size(), 1);

        QVERIFY(run({u"join"_s, u"ops"_s}, {}, u"bob"_s).succeeded());
        QVERIFY(run({u"dm"_s, u"bob"_s, u"psst"_s}).succeeded());
        QCOMPARE(CliRunner::texts(run({u"--json"_s, u"history"_s, u"@tester"_s}, {}, u"bob"_s)),
                 QStringList{u"psst"_s});
        const CliRunner::Result left = run({u"leave"_s, u"ops"_s}, {}, u"bob"_s);
        QVERIFY2(left.succeeded(), left.err.constData());
    }

    // The sentinels' password is theirs: without it, a clear error naming a sentinel.
    void aWrongSentinelPasswordIsAClearError()
    {
        QProcessEnvironment env = m_cli.environment();
        env.insert(u"REDIS_SENTINEL_PASSWORD"_s, u"not-it"_s);
        const CliRunner::Result result = m_cli.run({u"channels"_s}, {}, env);
        QVERIFY(!result.succeeded());
        QVERIFY2(result.err.contains("Sentinel") && result.err.contains("WRONGPASS"),
                 result.err.constData());
        QVERIFY2(!result.err.contains("not-it") && !result.err.contains("data-pw"),
                 result.err.constData());
    }

    void tailFollowsASentinelFailover()
    {
        QVERIFY(run({u"join"_s, u"live"_s}).succeeded());
        QProcess tail;
        tail.setProcessEnvironment(environment(u"tester"_s));
        tail.start(m_cli.program(), {u"--url"_s, url(), u"tail"_s, u"live"_s});
        QVERIFY(tail.waitForStarted(30000));
        for (int attempt = 0; attempt < 30 && !tail.canReadLine(); ++attempt) {
            QVERIFY(run({u"send"_s, u"live"_s, u"warm-up %1"_s.arg(attempt)}).succeeded());
            tail.waitForReadyRead(1000);
        }
        QVERIFY(tail.canReadLine());
        tail.readAll();

        const int after = m_fixture.failover();
        QVERIFY2(after >= 0, qPrintable(m_fixture.errorString()));
        const CliRunner::Result sent = run({u"send"_s, u"live"_s}, "after 1\nafter 2\nafter 3\n");
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
    QString url() const
    {
        return m_fixture.url().replace(u"redis-sentinel://"_s, u"redis-sentinel://:data-pw@"_s);
    }
    QProcessEnvironment environment(const QString &user) const
    {
        QProcessEnvironment env = m_cli.environment(user);
        env.insert(u"REDIS_SENTINEL_PASSWORD"_s, u"sentinel-pw"_s);
        return env;
    }
    CliRunner::Result run(const QStringList &args, const QByteArray &input = {},
                          const QString &user = u"tester"_s) const
    {
        return m_cli.run(args, input, environment(user));
    }

    CliRunner m_cli{QStringLiteral(CONFAB_CLI_PATH)};
    RedisSentinelFixture m_fixture{{u"data-pw"_s, u"sentinel-pw"_s}};
};

QTEST_GUILESS_MAIN(tst_ConfabCliSentinel)
#include "tst_ConfabCliSentinel.moc"
