// PROTOCOL.md is a document another team implements from, so what it shows must work: every
// ```sh block runs, in order, against a real redis-server, with no error reply. Its ACL recipe
// is then put to use: alice and bob, each their own Redis user, chat with Confab, and cannot
// write (or read) what the recipe keeps from them.

#include "RedisServerFixture.h"
#include "ThreadedWorker.h"

#include "chat/ChatKeys.h"
#include "chat/RedisWorker.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

using namespace Confab;
using namespace Confab::Test;

namespace {

const QString SourceDir = QStringLiteral(CONFAB_SOURCE_DIR);

QStringList shellBlocks()
{
    QFile file(SourceDir + QStringLiteral("/core/chat/PROTOCOL.md"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QStringList blocks;
    QString current;
    bool inside = false;
    for (const QString &line : QString::fromUtf8(file.readAll()).split(u'\n')) {
        if (!inside && line.trimmed() == QStringLiteral("```sh")) {
            inside = true;
            current.clear();
        } else if (inside && line.trimmed() == QStringLiteral("```")) {
            inside = false;
            blocks << current;
        } else if (inside) {
            current += line + u'\n';
        }
    }
    return blocks;
}

struct Shell
{
    int exitCode = -1;
    QString output;
};

Shell bash(const QString &script)
{
    QProcess process;
    process.setWorkingDirectory(SourceDir);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral("bash"), {QStringLiteral("-c"), script});
    Shell result;
    if (!process.waitForFinished(120000)) {
        process.kill();
        process.waitForFinished();
        result.output = QStringLiteral("timed out");
        return result;
    }
    result.exitCode = process.exitCode();
    result.output = QString::fromUtf8(process.readAll());
    return result;
}

// An error reply, as redis-cli prints it (it exits 0 all the same).
bool hasErrorReply(const QString &output)
{
    static const QRegularExpression error(
        QStringLiteral("^(\\(error\\) )?(ERR|NOPERM|WRONGTYPE|NOSCRIPT|BADNAME|INVALID|NOTMEMBER|"
                       "TAKEN|TOOLARGE|NOUSER)\\b"),
        QRegularExpression::MultilineOption);
    return error.match(output).hasMatch();
}

} // namespace

class tst_ProtocolDoc : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<RedisServerFixture>();
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
    }

    void everyShellExampleRuns()
    {
        const QStringList blocks = shellBlocks();
        QVERIFY2(blocks.size() >= 3, "PROTOCOL.md has no ```sh examples");
        bool sawAcl = false;
        // The ACL recipe uses Redis 7 selectors; the fixtures also run on the 6.2 floor.
        const bool redis7 = RedisServerFixture::redisServerMajorVersion() >= 7;
        for (qsizetype i = 0; i < blocks.size(); ++i) {
            if (!redis7 && blocks.at(i).contains(QStringLiteral("ACL SETUSER")))
                continue;
            // In order, as a reader would run them, each in a fresh shell.
            const Shell run =
                bash(QStringLiteral("set -e -o pipefail\n"
                                    "redis-cli() { command redis-cli -p %1 \"$@\"; }\n")
                         .arg(m_server->port())
                     + blocks.at(i));
            const QString context = QStringLiteral("block %1:\n%2\n--- printed:\n%3")
                                        .arg(i + 1)
                                        .arg(blocks.at(i), run.output);
            QVERIFY2(run.exitCode == 0, qPrintable(context));
            QVERIFY2(!hasErrorReply(run.output), qPrintable(context));
            sawAcl = sawAcl || blocks.at(i).contains(QStringLiteral("ACL SETUSER alice"));
        }
        QVERIFY2(sawAcl || !redis7, "the ACL recipe is not among the examples");
    }

    void theAclRecipeLetsPeopleChatAndNothingMore()
    {
        if (RedisServerFixture::redisServerMajorVersion() < 7)
            QSKIP("the recipe is for Redis 7 ACLs (selectors, ACL DRYRUN)");
        // everyShellExampleRuns made the users alice and bob with the recipe.
        QCOMPARE(m_server->command({"ACL", "DRYRUN", "alice", "PING"}).toString(),
                 QStringLiteral("OK"));
        ChatConfig aliceConfig = ThreadedWorker::configFor(*m_server, QStringLiteral("alice"));
        aliceConfig.redis.username = QStringLiteral("alice");
        aliceConfig.redis.password = QStringLiteral("alice-pw");
        aliceConfig.announcePresence = true;
        ChatConfig bobConfig = ThreadedWorker::configFor(*m_server, QStringLiteral("bob"));
        bobConfig.redis.username = QStringLiteral("bob");
        bobConfig.redis.password = QStringLiteral("bob-pw");
        ThreadedWorker alice(aliceConfig);
        ThreadedWorker bob(bobConfig);
        QVERIFY(alice.waitForReady() && bob.waitForReady());

        // A public channel.
        for (ThreadedWorker *w : {&alice, &bob})
            w->run([worker = w->worker()] { worker->joinChannel(QStringLiteral("acl-test")); });
        QVERIFY(alice.waitForJoined(QStringLiteral("acl-test")));
        QVERIFY(bob.waitForJoined(QStringLiteral("acl-test")));
        alice.run([w = alice.worker()] {
            w->sendMessage(QStringLiteral("acl-test"), QStringLiteral("hello bob"));
        });
        QVERIFY(bob.waitForTexts(QStringLiteral("acl-test"), 1));
        // A direct conversation: bob hears of it through his patterns, live.
        alice.run([w = alice.worker()] {
            w->openDirectChannel(QStringLiteral("bob"), QStringLiteral("just us"));
        });
        const QString dm = ChatKeys::directChannel(QStringLiteral("alice"), QStringLiteral("bob"));
        QVERIFY(bob.waitForTexts(dm, 1));
        QCOMPARE(bob.texts(dm), QStringList{QStringLiteral("just us")});
        // A display name and read marks are one's own to write.
        bob.run([w = bob.worker()] { w->setDisplayName(QStringLiteral("Robert")); });
        QTRY_COMPARE_WITH_TIMEOUT(bob.displayName(), QStringLiteral("Robert"), 20000);
        // Presence: alice's is written and announced, and bob, a member beside her, sees it.
        QTRY_COMPARE_WITH_TIMEOUT(bob.presenceOf(QStringLiteral("alice")).state,
                                  Presence::State::Online, 20000);
        QVERIFY(m_server->command({"PTTL", "user:{alice}:presence"}).toInteger() > 0);
        // The people directory: each claim added its account; listing it works.
        QTRY_VERIFY_WITH_TIMEOUT(
            m_server->command({"SISMEMBER", "user:{}index", "alice"}).toInteger() == 1
                && m_server->command({"SISMEMBER", "user:{}index", "bob"}).toInteger() == 1,
            20000);
        // (The shell examples above claimed carol and dave, and listed them too.)
        const qint64 people = m_server->command({"SCARD", "user:{}index"}).toInteger();
        bool listed = false;
        AccountList accounts;
        connect(bob.worker(), &RedisWorker::usersListed, this, [&](const AccountList &list, bool) {
            accounts = list;
            listed = true;
        });
        bob.run([w = bob.worker()] { w->listUsers(); });
        QTRY_VERIFY_WITH_TIMEOUT(listed, 20000);
        QCOMPARE(accounts.size(), people);
        QCOMPARE(accounts.at(0).account, QStringLiteral("alice"));
        QCOMPARE(accounts.at(0).presence.state, Presence::State::Online);
        // The overview: all but INFO and MEMORY, which the recipe does not grant.
        bool read = false;
        ServerStats stats;
        connect(bob.worker(), &RedisWorker::serverStatsRead, this, [&](const ServerStats &s) {
            stats = s;
            read = true;
        });
        bob.run([w = bob.worker()] { w->readServerStats(); });
        QTRY_VERIFY_WITH_TIMEOUT(read, 20000);
        QCOMPARE(stats.accounts, people);
        QCOMPARE(stats.online, 1);
        QCOMPARE(stats.channels, m_server->command({"SCARD", "channel:index"}).toInteger());
        bool found = false;
        for (const ChannelStats &channel : std::as_const(stats.channelStats)) {
            if (channel.name == QStringLiteral("acl-test")) {
                QCOMPARE(channel.entries, 4); // two joins, a message, bob's nick
                found = true;
            }
        }
        QVERIFY(found);
        for (const QString &problem : std::as_const(stats.problems))
            QVERIFY2(problem.startsWith(QStringLiteral("info: NOPERM"))
                         || problem.startsWith(QStringLiteral("memory: NOPERM")),
                     qPrintable(problem));
        QVERIFY2(alice.errors().isEmpty(), qPrintable(alice.errors().join(u'\n')));
        QVERIFY2(bob.errors().isEmpty(), qPrintable(bob.errors().join(u'\n')));

        // What alice must not do, straight at the server.
        auto asAlice = [this](const QStringList &args) {
            return bash(QStringLiteral("command redis-cli -p %1 --no-auth-warning --user alice "
                                       "--pass alice-pw ")
                            .arg(m_server->port())
                        + args.join(u' '))
                .output;
        };
        const QStringList forbidden[] = {
            {QStringLiteral("HSET"), QStringLiteral("'user:{bob}'"), QStringLiteral("display"),
             QStringLiteral("Impostor")},
            {QStringLiteral("HGETALL"), QStringLiteral("'user:{bob}:read'")},
            {QStringLiteral("SADD"), QStringLiteral("'user:{bob}:channels'"), QStringLiteral("x")},
            {QStringLiteral("SMEMBERS"), QStringLiteral("'user:{bob}:dms'")},
            {QStringLiteral("SREM"), QStringLiteral("'user:{bob}:dms'"), QStringLiteral("x")},
            {QStringLiteral("XRANGE"), QStringLiteral("'channel:{@bob carol}:log'"),
             QStringLiteral("-"), QStringLiteral("+")},
            {QStringLiteral("XADD"), QStringLiteral("'channel:{@bob carol}:log'"),
             QStringLiteral("'*'"), QStringLiteral("type"), QStringLiteral("msg")},
            {QStringLiteral("SUBSCRIBE"), QStringLiteral("'channel:{@bob carol}'")},
            {QStringLiteral("PSUBSCRIBE"), QStringLiteral("'channel:*'")},
            {QStringLiteral("KEYS"), QStringLiteral("'*'")},
            {QStringLiteral("FLUSHALL")},
            {QStringLiteral("DEL"), QStringLiteral("'channel:{acl-test}:log'")},
            {QStringLiteral("HSET"), QStringLiteral("'user:{bob}:presence'"),
             QStringLiteral("state"), QStringLiteral("away")},
            {QStringLiteral("DEL"), QStringLiteral("'user:{bob}:presence'")},
            {QStringLiteral("PEXPIRE"), QStringLiteral("'user:{bob}:presence'"),
             QStringLiteral("1")},
            {QStringLiteral("DEL"), QStringLiteral("'user:{alice}'")},
            {QStringLiteral("SREM"), QStringLiteral("'user:{}index'"), QStringLiteral("bob")},
            {QStringLiteral("DEL"), QStringLiteral("'user:{}index'")},
        };
        for (const QStringList &command : forbidden) {
            const QString output = asAlice(command);
            QVERIFY2(output.contains(QStringLiteral("NOPERM")),
                     qPrintable(command.join(u' ') + QStringLiteral(": ") + output));
        }
        // And what she may: tell bob of a conversation, read his display name.
        // (redis-cli prints bare replies when its output is not a terminal.)
        const QString told = asAlice({QStringLiteral("SADD"), QStringLiteral("'user:{bob}:dms'"),
                                      QStringLiteral("'@alice bob'")})
                                 .trimmed();
        QVERIFY2(told == QStringLiteral("0") || told == QStringLiteral("1"), qPrintable(told));
        QCOMPARE(asAlice({QStringLiteral("HGET"), QStringLiteral("'user:{bob}'"),
                          QStringLiteral("display")})
                     .trimmed(),
                 QStringLiteral("Robert"));
        QCOMPARE(m_server->command({"HGET", "user:{bob}", "display"}).toString(),
                 QStringLiteral("Robert"));
    }

private:
    std::unique_ptr<RedisServerFixture> m_server;
};

QTEST_GUILESS_MAIN(tst_ProtocolDoc)
#include "tst_ProtocolDoc.moc"
