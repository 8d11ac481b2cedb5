#include "redis/RedisOptions.h"

#include <QTest>

using namespace Confab;

Q_DECLARE_METATYPE(Confab::RedisOptions)

class tst_RedisOptions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void plainUrlWithDefaults()
    {
        const auto o = RedisOptions::fromUrl(QStringLiteral("redis://example.org"));
        QVERIFY(o);
        QCOMPARE(o->transport, RedisOptions::Transport::Tcp);
        QCOMPARE(o->host, QStringLiteral("example.org"));
        QCOMPARE(o->port, quint16(6379));
        QCOMPARE(o->db, 0);
        QVERIFY(o->username.isEmpty());
        QVERIFY(o->password.isEmpty());
    }

    void userPasswordPortAndDb()
    {
        const auto o =
            RedisOptions::fromUrl(QStringLiteral("redis://alice:s%3Acret@10.0.0.5:7000/3"));
        QVERIFY(o);
        QCOMPARE(o->username, QStringLiteral("alice"));
        QCOMPARE(o->password, QStringLiteral("s:cret"));
        QCOMPARE(o->host, QStringLiteral("10.0.0.5"));
        QCOMPARE(o->port, quint16(7000));
        QCOMPARE(o->db, 3);
    }

    void passwordOnlyForms()
    {
        auto o = RedisOptions::fromUrl(QStringLiteral("redis://:secret@localhost"));
        QVERIFY(o);
        QVERIFY(o->username.isEmpty());
        QCOMPARE(o->password, QStringLiteral("secret"));
        // Without a colon it is a user name (as redis-py reads it), so displayUrl round-trips.
        o = RedisOptions::fromUrl(QStringLiteral("redis://bob@localhost"));
        QVERIFY(o);
        QCOMPARE(o->username, QStringLiteral("bob"));
        QVERIFY(o->password.isEmpty());
        const auto again = RedisOptions::fromUrl(o->displayUrl());
        QVERIFY(again);
        QCOMPARE(again->username, QStringLiteral("bob"));
    }

    void tlsUrlAndParameters()
    {
        const auto o = RedisOptions::fromUrl(
            QStringLiteral("rediss://redis.example.org:6380?tls_ca=/etc/"
                           "ca.pem&tls_verify=0&client_name=confab&connect_timeout=2.5"));
        QVERIFY(o);
        QCOMPARE(o->transport, RedisOptions::Transport::Tls);
        QCOMPARE(o->port, quint16(6380));
        QCOMPARE(o->tlsCaFile, QStringLiteral("/etc/ca.pem"));
        QCOMPARE(o->tlsVerifyPeer, false);
        QCOMPARE(o->clientName, QStringLiteral("confab"));
        QCOMPARE(o->connectTimeout.count(), 2500);
    }

    void tlsVerifiesByDefault()
    {
        const auto o = RedisOptions::fromUrl(QStringLiteral("rediss://h"));
        QVERIFY(o);
        QVERIFY(o->tlsVerifyPeer);
    }

    void unixSocketUrl()
    {
        const auto o =
            RedisOptions::fromUrl(QStringLiteral("unix:///run/redis/redis.sock?db=2&password=pw"));
        QVERIFY(o);
        QCOMPARE(o->transport, RedisOptions::Transport::UnixSocket);
        QCOMPARE(o->unixSocketPath, QStringLiteral("/run/redis/redis.sock"));
        QCOMPARE(o->db, 2);
        QCOMPARE(o->password, QStringLiteral("pw"));
        QCOMPARE(o->endpoint(), QStringLiteral("/run/redis/redis.sock"));
    }

    void ipv6Host()
    {
        const auto o = RedisOptions::fromUrl(QStringLiteral("redis://[::1]:6390"));
        QVERIFY(o);
        QCOMPARE(o->host, QStringLiteral("::1"));
        QCOMPARE(o->endpoint(), QStringLiteral("[::1]:6390"));
    }

    // A Redis Cluster is named by any of its nodes, or a list of them to try in turn.
    void listOfSeedNodes()
    {
        const auto o = RedisOptions::fromUrl(
            QStringLiteral("redis://bob:pw@10.0.0.1:7001,10.0.0.2,[::1]:7003/0?client_name=c"));
        QVERIFY(o);
        QCOMPARE(o->username, QStringLiteral("bob"));
        QCOMPARE(o->password, QStringLiteral("pw"));
        QCOMPARE(o->endpoint(), QStringLiteral("10.0.0.1:7001"));
        QCOMPARE(o->seeds().size(), 3);
        QCOMPARE(o->seeds().at(1).toString(), QStringLiteral("10.0.0.2:6379"));
        QCOMPARE(o->seeds().at(2).toString(), QStringLiteral("[::1]:7003"));
        QCOMPARE(o->clientName, QStringLiteral("c"));
        QCOMPARE(o->displayUrl(),
                 QStringLiteral("redis://bob@10.0.0.1:7001,10.0.0.2:6379,[::1]:7003"));
        const RedisOptions node = o->forEndpoint(o->seeds().at(2));
        QCOMPARE(node.endpoint(), QStringLiteral("[::1]:7003"));
        QVERIFY(node.moreSeeds.isEmpty());
        QCOMPARE(node.password, QStringLiteral("pw"));
    }

    // Lettuce's syntax: the sentinels, the database, the master's name; the data password in
    // the user information, the sentinels' own one as a parameter.
    void sentinelUrl()
    {
        const auto o = RedisOptions::fromUrl(QStringLiteral(
            "redis-sentinel://app:data-pw@10.0.0.1,10.0.0.2:26380/3?sentinel_password=s-pw"
            "&sentinel_username=watcher#my%20master"));
        QVERIFY(o);
        QCOMPARE(o->transport, RedisOptions::Transport::Tcp);
        QCOMPARE(o->sentinelMaster, QStringLiteral("my master"));
        QCOMPARE(o->seeds().size(), 2);
        QCOMPARE(o->seeds().at(0).toString(), QStringLiteral("10.0.0.1:26379"));
        QCOMPARE(o->seeds().at(1).toString(), QStringLiteral("10.0.0.2:26380"));
        QCOMPARE(o->db, 3);
        QCOMPARE(o->username, QStringLiteral("app"));
        QCOMPARE(o->password, QStringLiteral("data-pw"));
        QCOMPARE(o->sentinelUsername, QStringLiteral("watcher"));
        QCOMPARE(o->sentinelPassword, QStringLiteral("s-pw"));
        QCOMPARE(
            o->displayUrl(),
            QStringLiteral("redis-sentinel://app@10.0.0.1:26379,10.0.0.2:26380/3#my%20master"));
        const auto tls = RedisOptions::fromUrl(QStringLiteral("rediss-sentinel://s1#m"));
        QVERIFY(tls);
        QCOMPARE(tls->transport, RedisOptions::Transport::Tls);
        QString error;
        QVERIFY(!RedisOptions::fromUrl(QStringLiteral("redis-sentinel://s1:26379"), &error));
        QVERIFY2(error.contains(QLatin1String("after '#'")), qPrintable(error));
        QVERIFY(!RedisOptions::fromUrl(QStringLiteral("redis://h#m"), &error));
        QVERIFY2(error.contains(QLatin1String("only a redis-sentinel://")), qPrintable(error));
        QVERIFY(!RedisOptions::fromUrl(
            QStringLiteral("redis-sentinel://s1?sentinel_password=s3cret-pw&x=1#m"), &error));
        QVERIFY2(!error.contains(QLatin1String("s3cret-pw")), qPrintable(error));
    }

    void displayUrlHidesPassword()
    {
        const auto o = RedisOptions::fromUrl(QStringLiteral("redis://bob:hunter2@host:1234/5"));
        QVERIFY(o);
        QCOMPARE(o->displayUrl(), QStringLiteral("redis://bob@host:1234/5"));
        QVERIFY(!o->displayUrl().contains(QStringLiteral("hunter2")));
    }

    void errorsNeverShowThePassword_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("bad port") << QStringLiteral("redis://:s3cret-pw@localhost:99999");
        QTest::newRow("bad scheme") << QStringLiteral("http://bob:s3cret-pw@localhost");
        QTest::newRow("bad db") << QStringLiteral("redis://bob:s3cret-pw@localhost/abc");
        QTest::newRow("bad parameter")
            << QStringLiteral("redis://localhost?password=s3cret-pw&nonsense=1");
        QTest::newRow("bad value") << QStringLiteral("redis://:s3cret-pw@h?connect_timeout=x");
        QTest::newRow("unparsable") << QStringLiteral("redis://:s3cret-pw@[::1");
        // Mistyped so that the user information is not recognised as such (fuzz_redis_options).
        QTest::newRow("one slash") << QStringLiteral("redis:/bob:s3cret-pw@localhost:99999");
        QTest::newRow("not a scheme") << QStringLiteral("uniry%20Redies/%:s3cret-pw@");
        QTest::newRow("percent in password") << QStringLiteral("redis://bob:s3cret-pw%@host");
        QTest::newRow("scheme after the password")
            << QStringLiteral("red:/0:s3cret-pw@`@2 rediss://redis@example.org:6381");
    }
    void errorsNeverShowThePassword()
    {
        QFETCH(QString, url);
        QString error;
        QVERIFY(!RedisOptions::fromUrl(url, &error));
        QVERIFY(!error.isEmpty());
        QVERIFY2(!error.contains(QStringLiteral("s3cret")), error.toUtf8().toHex(' ').constData());
    }

    void connectTimeoutIsInRange_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("1e300") << QStringLiteral("1e300") << false; // was undefined behaviour
        QTest::newRow("3000000") << QStringLiteral("3000000") << false; // was "no timeout"
        QTest::newRow("0") << QStringLiteral("0") << false;
        QTest::newRow("-1") << QStringLiteral("-1") << false;
        QTest::newRow("nan") << QStringLiteral("nan") << false;
        QTest::newRow("2.5") << QStringLiteral("2.5") << true;
        QTest::newRow("3600") << QStringLiteral("3600") << true;
    }
    void connectTimeoutIsInRange()
    {
        QFETCH(QString, value);
        QFETCH(bool, accepted);
        QString error;
        const auto options =
            RedisOptions::fromUrl(QStringLiteral("redis://h?connect_timeout=") + value, &error);
        QCOMPARE(options.has_value(), accepted);
        if (!accepted)
            QVERIFY2(error.contains(QStringLiteral("connect_timeout")), qPrintable(error));
        else
            QCOMPARE(options->connectTimeout.count(), qint64(value.toDouble() * 1000));
    }

    void rejectsBadInput_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("expected");
        QTest::newRow("scheme") << QStringLiteral("http://host")
                                << QStringLiteral("unsupported scheme");
        QTest::newRow("no host") << QStringLiteral("redis://") << QStringLiteral("no host");
        QTest::newRow("db not a number")
            << QStringLiteral("redis://host/abc") << QStringLiteral("invalid database");
        QTest::newRow("negative db")
            << QStringLiteral("redis://host?db=-1") << QStringLiteral("invalid value");
        QTest::newRow("unknown parameter")
            << QStringLiteral("redis://host?colour=red") << QStringLiteral("unknown parameter");
        QTest::newRow("bad tls_verify")
            << QStringLiteral("rediss://host?tls_verify=maybe") << QStringLiteral("invalid value");
        QTest::newRow("unix without path")
            << QStringLiteral("unix://") << QStringLiteral("no socket path");
        QTest::newRow("garbage") << QStringLiteral("redis://ho st:12")
                                 << QStringLiteral("invalid Redis URL");
        QTest::newRow("relative socket path")
            << QStringLiteral("unix:run/redis.sock") << QStringLiteral("must be absolute");
        QTest::newRow("unix with a host")
            << QStringLiteral("unix://run/redis.sock") << QStringLiteral("names a host");
        QTest::newRow("empty node in a list")
            << QStringLiteral("redis://a:1,,b:2") << QStringLiteral("invalid node \"\"");
        QTest::newRow("bad port in a list")
            << QStringLiteral("redis://a:1,b:70000") << QStringLiteral("invalid node \"b:70000\"");
    }

    // Settings store toUrl(); whatever options were in use must come back from it.
    void toUrlRoundTrips_data()
    {
        QTest::addColumn<RedisOptions>("options");
        RedisOptions unix;
        unix.transport = RedisOptions::Transport::UnixSocket;
        unix.host.clear();
        unix.port = 0;
        unix.unixSocketPath = QStringLiteral("/home/me/My Redis/#1?x=%20&y.sock");
        unix.db = 4;
        QTest::newRow("socket path with space, # and ?") << unix;

        RedisOptions tls;
        tls.transport = RedisOptions::Transport::Tls;
        tls.host = QStringLiteral("10.1.2.3");
        tls.port = 6380;
        tls.db = 2;
        tls.username = QStringLiteral("al ice:@/");
        tls.tlsServerName = QStringLiteral("redis.example.org");
        tls.tlsCaFile = QStringLiteral("/etc/ssl/my ca#1.pem");
        tls.tlsCertFile = QStringLiteral("/c&d=e.pem");
        tls.tlsKeyFile = QStringLiteral("/k+ey.pem");
        tls.tlsVerifyPeer = false;
        tls.clientName = QStringLiteral("caf\u00e9-bot");
        tls.connectTimeout = std::chrono::milliseconds(1);
        QTest::newRow("TLS with every parameter") << tls;

        RedisOptions ipv6;
        ipv6.host = QStringLiteral("::1");
        ipv6.connectTimeout = std::chrono::milliseconds(3600000);
        QTest::newRow("IPv6, longest timeout") << ipv6;
        QTest::newRow("defaults") << RedisOptions();

        RedisOptions cluster;
        cluster.host = QStringLiteral("10.0.0.1");
        cluster.port = 7001;
        cluster.moreSeeds = {{QStringLiteral("::1"), 7002}, {QStringLiteral("node-3"), 6379}};
        QTest::newRow("cluster seeds") << cluster;

        RedisOptions sentinel;
        sentinel.transport = RedisOptions::Transport::Tls;
        sentinel.host = QStringLiteral("s1");
        sentinel.port = 26379;
        sentinel.moreSeeds = {{QStringLiteral("s2"), 26380}};
        sentinel.sentinelMaster = QStringLiteral("my #master/1");
        sentinel.sentinelUsername = QStringLiteral("watch er");
        sentinel.db = 2;
        QTest::newRow("sentinel") << sentinel;

        // QUrl leaves percent-encoded noncharacters encoded (fuzz_redis_options).
        RedisOptions unicode;
        unicode.username = QStringLiteral("caf\u00e9\U0003FFFF\uFFFD");
        unicode.tlsCaFile = QStringLiteral("/\u958b\u767a/ca.pem");
        QTest::newRow("unicode and noncharacters") << unicode;
    }
    void toUrlRoundTrips()
    {
        QFETCH(RedisOptions, options);
        const QString url = options.toUrl();
        QString error;
        const auto again = RedisOptions::fromUrl(url, &error);
        QVERIFY2(again, qPrintable(url + QStringLiteral(": ") + error));
        QVERIFY2(*again == options, qPrintable(url));
    }

    void toUrlLeavesThePasswordOut()
    {
        const auto o = RedisOptions::fromUrl(
            QStringLiteral("rediss://bob:hunter2@host?tls_server_name=x&client_name=c"));
        QVERIFY(o);
        QVERIFY(!o->toUrl().contains(QStringLiteral("hunter2")));
        QVERIFY(o->toUrl().contains(QStringLiteral("tls_server_name=x")));
    }

    void rejectsBadInput()
    {
        QFETCH(QString, url);
        QFETCH(QString, expected);
        QString error;
        QVERIFY(!RedisOptions::fromUrl(url, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(tst_RedisOptions)
#include "tst_RedisOptions.moc"
