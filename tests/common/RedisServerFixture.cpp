#include "RedisServerFixture.h"

#include <hiredis/hiredis.h>

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTcpServer>

#include <csignal>
#include <sys/types.h>

namespace Confab::Test {

namespace {

constexpr int StartTimeoutMs = 20000;

RedisReply fromHiredis(const redisReply *r)
{
    switch (r->type) {
    case REDIS_REPLY_STRING:
        return RedisReply::string(QByteArray(r->str, qsizetype(r->len)));
    case REDIS_REPLY_STATUS:
        return RedisReply::status(QByteArray(r->str, qsizetype(r->len)));
    case REDIS_REPLY_ERROR:
        return RedisReply::error(QByteArray(r->str, qsizetype(r->len)));
    case REDIS_REPLY_INTEGER:
        return RedisReply::integer(r->integer);
    case REDIS_REPLY_ARRAY: {
        QList<RedisReply> elements;
        elements.reserve(qsizetype(r->elements));
        for (size_t i = 0; i < r->elements; ++i)
            elements << fromHiredis(r->element[i]);
        return RedisReply::array(std::move(elements));
    }
    default:
        return RedisReply::nil();
    }
}

} // namespace

RedisServerFixture::RedisServerFixture()
    : RedisServerFixture(Config())
{ }

RedisServerFixture::RedisServerFixture(Config config)
    : m_config(std::move(config))
    , m_dir(std::make_unique<QTemporaryDir>(QDir::tempPath()
                                            + QStringLiteral("/confab-redis-XXXXXX")))
{ }

RedisServerFixture::~RedisServerFixture()
{
    if (m_paused)
        resume();
    if (isRunning()) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
}

QString RedisServerFixture::redisServerPath()
{
    const QString env = qEnvironmentVariable("CONFAB_REDIS_SERVER");
    if (!env.isEmpty())
        return env;
    QString path = QStandardPaths::findExecutable(QStringLiteral("redis-server"));
    if (path.isEmpty())
        path = QStandardPaths::findExecutable(
            QStringLiteral("redis-server"),
            {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/local/bin")});
    return path;
}

int RedisServerFixture::redisServerMajorVersion()
{
    static const int major = [] {
        QProcess server;
        server.start(redisServerPath(), {QStringLiteral("--version")});
        if (!server.waitForFinished(10000))
            return 0;
        // "Redis server v=7.0.15 sha=..."
        const QByteArray out = server.readAllStandardOutput();
        const qsizetype at = out.indexOf("v=");
        return at < 0 ? 0 : out.mid(at + 2, out.indexOf('.', at) - at - 2).toInt();
    }();
    return major;
}

QString RedisServerFixture::redisBenchmarkPath()
{
    return QStandardPaths::findExecutable(QStringLiteral("redis-benchmark"));
}

QString RedisServerFixture::redisCliPath()
{
    return QStandardPaths::findExecutable(QStringLiteral("redis-cli"));
}

quint16 RedisServerFixture::freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

QString RedisServerFixture::unixSocketPath() const
{
    return m_dir->filePath(QStringLiteral("redis.sock"));
}

QString RedisServerFixture::caFile() const
{
    return m_dir->filePath(QStringLiteral("ca.crt"));
}

QString RedisServerFixture::clientCertFile() const
{
    return m_dir->filePath(QStringLiteral("client.crt"));
}

QString RedisServerFixture::clientKeyFile() const
{
    return m_dir->filePath(QStringLiteral("client.key"));
}

bool RedisServerFixture::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

bool RedisServerFixture::generateCertificates()
{
    // A CA, a server certificate for "localhost" only (so connecting by IP without a server
    // name is a host name mismatch) and a client certificate, all signed by that CA.
    const QString d = m_dir->path();
    auto run = [&](const QStringList &args) {
        QProcess openssl;
        openssl.setWorkingDirectory(d);
        openssl.setProcessChannelMode(QProcess::MergedChannels);
        openssl.start(QStringLiteral("openssl"), args);
        if (!openssl.waitForFinished(30000) || openssl.exitCode() != 0) {
            m_error = QStringLiteral("openssl %1 failed: %2")
                          .arg(args.join(u' '), QString::fromLocal8Bit(openssl.readAll()));
            return false;
        }
        return true;
    };
    QFile ext(m_dir->filePath(QStringLiteral("server.ext")));
    if (!ext.open(QIODevice::WriteOnly))
        return false;
    ext.write("subjectAltName=DNS:localhost\n");
    ext.close();
    const auto cmd = [](const char *line) {
        return QString::fromLatin1(line).split(u' ');
    };
    return run(cmd("req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "
                   "/CN=ConfabTestCA"))
        && run(cmd(
            "req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost"))
        && run(cmd("x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out "
                   "server.crt -days 2 "
                   "-extfile server.ext"))
        && run(cmd("req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj "
                   "/CN=confab-client"))
        && run(cmd("x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out "
                   "client.crt -days 2"));
}

bool RedisServerFixture::writeConfig()
{
    if (m_config.sentinel) {
        QStringList lines{
            QStringLiteral("port %1").arg(m_port),
            QStringLiteral("bind 127.0.0.1"),
            QStringLiteral("dir \"%1\"").arg(m_dir->path()),
            QStringLiteral("daemonize no"),
            QStringLiteral("logfile \"\""),
            QStringLiteral("protected-mode no"),
            QStringLiteral("sentinel resolve-hostnames no"),
        };
        lines << m_config.extraConfig;
        if (!m_config.password.isEmpty())
            lines << QStringLiteral("requirepass \"%1\"").arg(m_config.password)
                  // The sentinels talk to each other with it too.
                  << QStringLiteral("sentinel sentinel-pass \"%1\"").arg(m_config.password);
        return writeConfigLines(lines);
    }
    QStringList lines{
        QStringLiteral("port %1").arg(m_port),
        QStringLiteral("bind 127.0.0.1 -::1"),
        QStringLiteral("dir \"%1\"").arg(m_dir->path()),
        QStringLiteral("daemonize no"),
        QStringLiteral("logfile \"\""),
        QStringLiteral("save \"\""),
        QStringLiteral("protected-mode no"),
        QStringLiteral("appendonly %1")
            .arg(m_config.appendOnly ? QStringLiteral("yes") : QStringLiteral("no")),
        QStringLiteral("appendfsync always"),
    };
    // DEBUG is always allowed before Redis 7, which added the switch.
    if (redisServerMajorVersion() >= 7)
        lines << QStringLiteral("enable-debug-command yes");
    if (!m_config.password.isEmpty())
        lines << QStringLiteral("requirepass \"%1\"").arg(m_config.password);
    for (const QString &user : m_config.aclUsers)
        lines << QStringLiteral("user ") + user;
    if (m_config.unixSocket)
        lines << QStringLiteral("unixsocket \"%1\"").arg(unixSocketPath())
              << QStringLiteral("unixsocketperm 700");
    if (m_config.tls) {
        lines << QStringLiteral("tls-port %1").arg(m_tlsPort)
              << QStringLiteral("tls-cert-file \"%1\"")
                     .arg(m_dir->filePath(QStringLiteral("server.crt")))
              << QStringLiteral("tls-key-file \"%1\"")
                     .arg(m_dir->filePath(QStringLiteral("server.key")))
              << QStringLiteral("tls-ca-cert-file \"%1\"").arg(caFile())
              << QStringLiteral("tls-auth-clients %1")
                     .arg(m_config.tlsAuthClients ? QStringLiteral("yes") : QStringLiteral("no"));
    }
    lines << m_config.extraConfig;
    return writeConfigLines(lines);
}

bool RedisServerFixture::writeConfigLines(const QStringList &lines)
{
    QFile file(m_dir->filePath(QStringLiteral("redis.conf")));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        m_error = file.errorString();
        return false;
    }
    file.write(lines.join(u'\n').toUtf8() + '\n');
    return true;
}

bool RedisServerFixture::start()
{
    if (isRunning())
        return true;
    if (!m_dir->isValid()) {
        m_error = QStringLiteral("cannot create a temporary directory");
        return false;
    }
    const QString server = redisServerPath();
    if (server.isEmpty()) {
        m_error = QStringLiteral("redis-server not found (install it: packaging/setup.sh does)");
        return false;
    }
    const bool firstStart = m_port == 0;
    if (firstStart) {
        m_port = freePort();
        if (m_config.tls) {
            m_tlsPort = freePort();
            if (m_tlsPort == m_port)
                m_tlsPort = freePort();
            if (!generateCertificates())
                return false;
        }
        if (!writeConfig())
            return false;
    }

    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->setWorkingDirectory(m_dir->path());
    QStringList arguments{m_dir->filePath(QStringLiteral("redis.conf"))};
    if (m_config.sentinel)
        arguments << QStringLiteral("--sentinel");
    m_process->start(server, arguments);
    if (!m_process->waitForStarted(StartTimeoutMs)) {
        m_error = QStringLiteral("cannot start %1: %2").arg(server, m_process->errorString());
        return false;
    }
    // redis-server says when it is ready (after loading its AOF, on a restart).
    QByteArray log;
    const QDeadlineTimer deadline(StartTimeoutMs);
    // A sentinel says so by printing its ID (after it has read its configuration).
    const QByteArray ready = m_config.sentinel ? QByteArray("Sentinel ID is")
                                               : QByteArray("Ready to accept connections");
    while (!log.contains(ready)) {
        if (!m_process->waitForReadyRead(int(deadline.remainingTime())) || deadline.hasExpired()) {
            log += m_process->readAll();
            m_error = QStringLiteral("redis-server did not become ready on port %1:\n%2")
                          .arg(m_port)
                          .arg(QString::fromLocal8Bit(log));
            m_process->kill();
            m_process->waitForFinished(5000);
            return false;
        }
        log += m_process->readAll();
    }
    // Keep draining its log so a chatty server never blocks on a full pipe.
    QObject::connect(m_process.get(), &QProcess::readyRead, m_process.get(),
                     [p = m_process.get()] { p->readAll(); });
    m_paused = false;
    return true;
}

void RedisServerFixture::stop()
{
    if (!isRunning())
        return;
    if (m_paused)
        resume();
    m_process->terminate();
    if (!m_process->waitForFinished(StartTimeoutMs)) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
}

void RedisServerFixture::kill()
{
    if (!isRunning())
        return;
    m_process->kill();
    m_process->waitForFinished(5000);
    m_paused = false;
}

void RedisServerFixture::pause()
{
    if (isRunning() && !m_paused) {
        ::kill(pid_t(m_process->processId()), SIGSTOP);
        m_paused = true;
    }
}

void RedisServerFixture::resume()
{
    if (isRunning() && m_paused) {
        ::kill(pid_t(m_process->processId()), SIGCONT);
        m_paused = false;
    }
}

RedisOptions RedisServerFixture::options() const
{
    RedisOptions options;
    options.host = QStringLiteral("127.0.0.1");
    options.port = m_port;
    options.password = m_config.password;
    return options;
}

QString RedisServerFixture::url() const
{
    return QStringLiteral("redis://127.0.0.1:%1").arg(m_port);
}

RedisReply RedisServerFixture::command(const QList<QByteArray> &args) const
{
    const timeval timeout{10, 0};
    redisContext *c = redisConnectWithTimeout("127.0.0.1", m_port, timeout);
    if (!c || c->err) {
        const QByteArray why = c ? QByteArray(c->errstr) : QByteArray("out of memory");
        if (c)
            redisFree(c);
        return RedisReply::error("FIXTURE cannot connect: " + why);
    }
    redisSetTimeout(c, timeout);
    auto run = [c](const QList<QByteArray> &argv) {
        QList<const char *> ptrs;
        QList<size_t> lengths;
        for (const QByteArray &a : argv) {
            ptrs << a.constData();
            lengths << size_t(a.size());
        }
        auto *r = static_cast<redisReply *>(
            redisCommandArgv(c, int(argv.size()), ptrs.data(), lengths.data()));
        if (!r)
            return RedisReply::error("FIXTURE " + QByteArray(c->errstr));
        RedisReply reply = fromHiredis(r);
        freeReplyObject(r);
        return reply;
    };
    if (!m_config.password.isEmpty())
        run({"AUTH", m_config.password.toUtf8()});
    RedisReply reply = run(args);
    redisFree(c);
    return reply;
}

} // namespace Confab::Test
