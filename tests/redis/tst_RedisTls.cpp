#include "RedisServerFixture.h"
#include "RunCommand.h"

#include "redis/RedisConnection.h"

#include <QSslSocket>
#include <QTest>

using namespace Confab;
using namespace Confab::Test;

// The fixture's server certificate is issued by a CA made for this run, for "localhost" only.
class tst_RedisTls : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QSslSocket::supportsSsl(), "Qt has no TLS backend here");
        RedisServerFixture::Config config;
        config.tls = true;
        m_server = std::make_unique<RedisServerFixture>(config);
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        config.tlsAuthClients = true;
        m_mutualServer = std::make_unique<RedisServerFixture>(config);
        QVERIFY2(m_mutualServer->start(), qPrintable(m_mutualServer->errorString()));
    }

    void verifiedConnectionWithTestCa()
    {
        RedisConnection c(tlsOptions(*m_server));
        QVERIFY2(openAndWait(c), qPrintable(c.lastError()));
        QCOMPARE(runCommand(c, {"PING"}), RedisReply::status("PONG"));
        QVERIFY(runCommand(c, {"CLIENT", "INFO"})
                    .toString()
                    .contains(QStringLiteral("laddr=127.0.0.1:%1").arg(m_server->tlsPort())));
    }

    void urlWithCaParameter()
    {
        const auto options = RedisOptions::fromUrl(QStringLiteral("rediss://localhost:%1?tls_ca=%2")
                                                       .arg(m_server->tlsPort())
                                                       .arg(m_server->caFile()));
        QVERIFY(options);
        RedisConnection c(*options);
        QVERIFY2(openAndWait(c), qPrintable(c.lastError()));
    }

    void wrongHostNameIsRefused()
    {
        RedisOptions options = tlsOptions(*m_server);
        options.tlsServerName = QStringLiteral("not-the-server.example");
        options.autoReconnect = false;
        RedisConnection c(options);
        c.open();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), RedisConnection::State::Disconnected, 15000);
        QVERIFY2(c.lastError().contains(QStringLiteral("host name"), Qt::CaseInsensitive),
                 qPrintable(c.lastError()));
    }

    void connectingByIpWithoutServerNameIsRefused()
    {
        RedisOptions options = tlsOptions(*m_server);
        options.tlsServerName.clear(); // the certificate names localhost, not 127.0.0.1
        options.autoReconnect = false;
        RedisConnection c(options);
        c.open();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), RedisConnection::State::Disconnected, 15000);
        QVERIFY2(c.lastError().contains(QStringLiteral("TLS")), qPrintable(c.lastError()));
    }

    void unknownCaIsRefused()
    {
        RedisOptions options = tlsOptions(*m_server);
        options.tlsCaFile.clear(); // system CAs only: they do not know the test CA
        options.autoReconnect = false;
        RedisConnection c(options);
        c.open();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), RedisConnection::State::Disconnected, 15000);
        QVERIFY2(c.lastError().contains(QStringLiteral("TLS handshake failed")),
                 qPrintable(c.lastError()));
    }

    void verifyOffAcceptsAnyCertificate()
    {
        RedisOptions options = tlsOptions(*m_server);
        options.tlsCaFile.clear();
        options.tlsServerName.clear();
        options.tlsVerifyPeer = false;
        RedisConnection c(options);
        QVERIFY2(openAndWait(c), qPrintable(c.lastError()));
        QCOMPARE(runCommand(c, {"PING"}), RedisReply::status("PONG"));
    }

    void clientCertificateWhenRequired()
    {
        RedisOptions without = tlsOptions(*m_mutualServer);
        without.autoReconnect = false;
        RedisConnection refused(without);
        refused.open();
        QTRY_COMPARE_WITH_TIMEOUT(refused.state(), RedisConnection::State::Disconnected, 15000);

        RedisOptions with = tlsOptions(*m_mutualServer);
        with.tlsCertFile = m_mutualServer->clientCertFile();
        with.tlsKeyFile = m_mutualServer->clientKeyFile();
        RedisConnection accepted(with);
        QVERIFY2(openAndWait(accepted), qPrintable(accepted.lastError()));
        QCOMPARE(runCommand(accepted, {"PING"}), RedisReply::status("PONG"));
    }

    void missingCaFileIsAClearError()
    {
        RedisOptions options = tlsOptions(*m_server);
        options.tlsCaFile = QStringLiteral("/nonexistent/ca.pem");
        options.autoReconnect = false;
        RedisConnection c(options);
        c.open();
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), RedisConnection::State::Disconnected, 15000);
        QVERIFY2(c.lastError().contains(QStringLiteral("/nonexistent/ca.pem")),
                 qPrintable(c.lastError()));
    }

private:
    static RedisOptions tlsOptions(const RedisServerFixture &server)
    {
        RedisOptions options;
        options.transport = RedisOptions::Transport::Tls;
        options.host = QStringLiteral("127.0.0.1");
        options.port = server.tlsPort();
        options.tlsServerName = QStringLiteral("localhost");
        options.tlsCaFile = server.caFile();
        return options;
    }

    std::unique_ptr<RedisServerFixture> m_server;
    std::unique_ptr<RedisServerFixture> m_mutualServer;
};

QTEST_GUILESS_MAIN(tst_RedisTls)
#include "tst_RedisTls.moc"
