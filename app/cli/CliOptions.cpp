#include "CliOptions.h"

#include "chat/ChatKeys.h"
#include "chat/NameRule.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QStandardPaths>

#include <algorithm>
#include <array>

namespace Confab {

namespace {

struct CommandSpec
{
    CliOptions::Command command;
    const char *name;
    const char *usage;
};

constexpr std::array<CommandSpec, 11> Commands{{
    {CliOptions::Command::Channels, "channels", "channels"},
    {CliOptions::Command::Join, "join", "join CHANNEL"},
    {CliOptions::Command::Leave, "leave", "leave CHANNEL"},
    {CliOptions::Command::Send, "send", "send CHANNEL [TEXT...]"},
    {CliOptions::Command::History, "history", "history CHANNEL [--count N] [--before ID]"},
    {CliOptions::Command::Tail, "tail", "tail CHANNEL [--since ID]"},
    {CliOptions::Command::Direct, "dm", "dm USER [TEXT...]"},
    {CliOptions::Command::Who, "who", "who CHANNEL"},
    {CliOptions::Command::Presence, "presence",
     "presence online|away|offline [--status TEXT] [--ttl SECONDS] [--hold]"},
    {CliOptions::Command::Users, "users", "users"},
    {CliOptions::Command::Stats, "stats", "stats"},
}};

const char *const Description = R"(Headless Confab client for scripts and bots.

Commands:
  channels                   list the channels, one per line:
                             name, members, last activity, topic (tab-separated)
  join CHANNEL               join a channel, creating it if needed
  leave CHANNEL              leave a channel
  send CHANNEL [TEXT...]     send TEXT (the words joined by spaces); without TEXT or
                             with "-", send each non-empty line of stdin as a message
                             (put "--" before a TEXT that starts with "-")
  history CHANNEL [--count N] [--before ID]
                             print N messages before ID (default: the newest), oldest first
  tail CHANNEL [--since ID]  print messages as they arrive until killed; with --since,
                             first everything after ID (0: everything)
  dm USER [TEXT...]          send TEXT (or each line of stdin) to USER in your direct
                             conversation, opening it if needed
  who CHANNEL                list the members with their presence, online first:
                             account, state, display name, status (tab-separated)
  presence online|away|offline [--status TEXT] [--ttl SECONDS] [--hold]
                             set your presence (for bots): it lasts --ttl seconds (default
                             300; set it again before then); with --hold, as long as this
                             runs (renewed every third of --ttl, default 30), offline when
                             stopped (SIGINT, SIGTERM) or --ttl after a crash
  users                      list everyone with an account here, online first:
                             account, state, display name, status (tab-separated)
  stats                      a snapshot of the server: version, topology, clients,
                             memory, people online, channels; then one line per channel
                             (at most 40, busiest first): name, messages in the last
                             minute, log entries, log bytes (tab-separated)

CHANNEL may be @USER for your direct conversation with USER (history @bob, tail @bob).
Posting needs joining: send to a channel you have not joined fails; join it first.

Environment: REDIS_URL, REDIS_HOST, REDIS_PORT, REDIS_DB, REDIS_PASSWORD (REDIS_SENTINEL_PASSWORD
for the sentinels of a redis-sentinel:// URL), CHANNEL_PREFIX and
MESSAGE_PREFIX and CONFAB_NAMESPACE say where Redis is and which keys are Confab's; CONFAB_USER
the account; CONFAB_DISPLAY_NAME the display name; CONFAB_SECRET replaces the install secret that
proves this install owns the account; CONFAB_RETENTION is the default of --retention.)";

QString latin1(const char *text)
{
    return QString::fromLatin1(text);
}

QByteArray installSecret(const QProcessEnvironment &environment, QString *error)
{
    const QString fromEnvironment = environment.value(QStringLiteral("CONFAB_SECRET"));
    if (!fromEnvironment.isEmpty())
        return fromEnvironment.toUtf8();

    // The secret proves to the server that user names claimed from this account are ours
    // (PROTOCOL.md, claim-user), so it is made once and then kept.
    const QString directory = QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation);
    const QString path = directory + QStringLiteral("/confab-cli-secret");
    QFile file(path);
    if (!file.exists()) {
        QDir().mkpath(directory);
        std::array<quint32, 8> random;
        QRandomGenerator::system()->fillRange(random.data(), random.size());
        const QByteArray secret =
            QByteArray(reinterpret_cast<const char *>(random.data()), sizeof random).toHex();
        // NewOnly: if another confab-cli created it meanwhile, its secret is the one to use.
        if (file.open(QIODevice::WriteOnly | QIODevice::NewOnly,
                      QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
            if (file.write(secret) == secret.size() && file.flush())
                return secret;
            *error = QStringLiteral("cannot write %1: %2 (or set CONFAB_SECRET)")
                         .arg(path, file.errorString());
            file.remove();
            return {};
        }
    }
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2 (or set CONFAB_SECRET)")
                     .arg(path, file.errorString());
        return {};
    }
    const QByteArray secret = file.readAll().trimmed();
    if (secret.isEmpty())
        *error = QStringLiteral("%1 is empty; delete it to make a new install secret").arg(path);
    return secret;
}

} // namespace

CliOptions::Status CliOptions::parse(const QStringList &arguments,
                                     const QProcessEnvironment &environment)
{
    auto usageError = [this](const QString &what, const QString &usage = {}) {
        message = what;
        if (!usage.isEmpty())
            message += QStringLiteral("; usage: confab-cli [options] ") + usage;
        message += QStringLiteral(" (see confab-cli --help)");
        return Status::UsageError;
    };
    auto error = [this](const QString &what) {
        message = what;
        return Status::Error;
    };

    QCommandLineParser parser;
    parser.setApplicationDescription(latin1(Description));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    const QCommandLineOption urlOption(
        QStringLiteral("url"),
        QStringLiteral("Redis server: redis://[user[:password]@]host[:port][/db], rediss://... "
                       "or unix:///path; a Redis Cluster: any node, or redis://h1:p1,h2:p2; "
                       "Redis Sentinel: redis-sentinel://s1[:26379][,s2...][/db]#MASTER. "
                       "Replaces what the REDIS_* variables say."),
        QStringLiteral("url"));
    const QCommandLineOption hostOption(QStringLiteral("host"), QStringLiteral("Redis host."),
                                        QStringLiteral("host"));
    const QCommandLineOption portOption(QStringLiteral("port"), QStringLiteral("Redis port."),
                                        QStringLiteral("port"));
    const QCommandLineOption dbOption(
        QStringLiteral("db"), QStringLiteral("Redis database number."), QStringLiteral("n"));
    const QCommandLineOption passwordFileOption(
        QStringLiteral("password-file"),
        QStringLiteral("Read the Redis password from the first line of FILE (\"-\": standard "
                       "input), so that it is not in the command line for ps to show."),
        QStringLiteral("file"));
    const QCommandLineOption sentinelPasswordFileOption(
        QStringLiteral("sentinel-password-file"),
        QStringLiteral("Read the password of the sentinels (redis-sentinel:// URLs) from the "
                       "first line of FILE."),
        QStringLiteral("file"));
    const QCommandLineOption passwordOption(
        QStringLiteral("password"), QStringLiteral("Redis password."), QStringLiteral("password"));
    const QCommandLineOption userOption(
        QStringLiteral("user"),
        QStringLiteral("Chat account: the name that is claimed and never changes (default: "
                       "$CONFAB_USER, then $USER)."),
        QStringLiteral("name"));
    const QCommandLineOption displayNameOption(
        QStringLiteral("display-name"),
        QStringLiteral("The name others see, stored with the account (default: "
                       "$CONFAB_DISPLAY_NAME, else what was set before, else the account)."),
        QStringLiteral("name"));
    const QCommandLineOption jsonOption(
        QStringLiteral("json"), QStringLiteral("Print one JSON object per line instead of text."));
    const QCommandLineOption timeoutOption(
        QStringLiteral("timeout"),
        QStringLiteral(
            "Seconds to wait for the server's answer (default 15; 0: forever). tail waits "
            "forever."),
        QStringLiteral("seconds"));
    const QCommandLineOption countOption(QStringLiteral("count"),
                                         QStringLiteral("history: how many messages (default 50)."),
                                         QStringLiteral("n"));
    const QCommandLineOption beforeOption(QStringLiteral("before"),
                                          QStringLiteral("history: the messages before this id."),
                                          QStringLiteral("id"));
    const QCommandLineOption sinceOption(
        QStringLiteral("since"), QStringLiteral("tail: first print what came after this id."),
        QStringLiteral("id"));
    const QCommandLineOption statusOption(
        QStringLiteral("status"),
        QStringLiteral("presence: a status text others see (\"in a meeting\")."),
        QStringLiteral("text"));
    const QCommandLineOption ttlOption(
        QStringLiteral("ttl"),
        QStringLiteral("presence: seconds until it expires unless set again (default 300; "
                       "with --hold, 30)."),
        QStringLiteral("seconds"));
    const QCommandLineOption holdOption(
        QStringLiteral("hold"),
        QStringLiteral("presence: keep it up while this runs; offline when stopped."));
    const QCommandLineOption retentionOption(
        QStringLiteral("retention"),
        QStringLiteral("Keep about N entries in the log of a channel this run writes to "
                       "(default: $CONFAB_RETENTION, else 100000)."),
        QStringLiteral("n"));
    parser.addOptions({urlOption, hostOption, portOption, dbOption, passwordOption,
                       passwordFileOption, sentinelPasswordFileOption, userOption,
                       displayNameOption, jsonOption, timeoutOption, countOption, beforeOption,
                       sinceOption, retentionOption, statusOption, ttlOption, holdOption});
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QStringLiteral("What to do (see above)."),
                                 QStringLiteral("COMMAND [ARGS...]"));

    if (!parser.parse(arguments))
        return usageError(parser.errorText());
    if (parser.isSet(helpOption)) {
        message = parser.helpText();
        return Status::Help;
    }
    if (parser.isSet(versionOption)) {
        message =
            QCoreApplication::applicationName() + u' ' + QCoreApplication::applicationVersion();
        return Status::Version;
    }

    // The command and its arguments.
    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return usageError(QStringLiteral("no command given"), QStringLiteral("COMMAND [ARGS...]"));
    const auto spec =
        std::find_if(Commands.begin(), Commands.end(), [&positional](const CommandSpec &spec) {
            return positional.first() == latin1(spec.name);
        });
    if (spec == Commands.end())
        return usageError(
            QStringLiteral("unknown command \"%1\"; the commands are channels, join, leave, "
                           "send, dm, history, tail, who, presence, users and stats")
                .arg(positional.first()));
    command = spec->command;
    const QString usage = latin1(spec->usage);
    const QStringList args = positional.mid(1);
    if (command == Command::Channels || command == Command::Users || command == Command::Stats) {
        if (!args.isEmpty())
            return usageError(QStringLiteral("%1 takes no arguments").arg(positional.first()),
                              usage);
    } else if (command == Command::Presence) {
        if (args.size() != 1)
            return usageError(QStringLiteral("presence needs one state"), usage);
        presenceState = args.first().toLatin1();
        if (presenceState != "online" && presenceState != "away" && presenceState != "offline")
            return usageError(
                QStringLiteral("presence is online, away or offline, not \"%1\"").arg(args.first()),
                usage);
    } else if (command == Command::Direct) {
        if (args.isEmpty())
            return usageError(QStringLiteral("dm needs a user"), usage);
        peer = args.first().trimmed();
        if (peer.startsWith(u'@'))
            peer.remove(0, 1);
        const QString problem = NameRule::check(peer, QStringLiteral("user name"));
        if (!problem.isEmpty())
            return error(QStringLiteral("invalid user \"%1\": %2").arg(args.first(), problem));
    } else {
        if (args.isEmpty())
            return usageError(QStringLiteral("%1 needs a channel").arg(positional.first()), usage);
        if (args.size() > 1 && command != Command::Send)
            return usageError(QStringLiteral("too many arguments"), usage);
        channel = NameRule::normalizedChannel(args.first());
        if (channel.startsWith(u'@')) {
            // The direct conversation with a person: made from our account further down.
            peer = channel.mid(1);
            const QString problem = NameRule::check(peer, QStringLiteral("user name"));
            if (!problem.isEmpty())
                return error(QStringLiteral("invalid user \"%1\": %2").arg(args.first(), problem));
        } else {
            const QString problem = NameRule::check(channel, QStringLiteral("channel name"));
            if (!problem.isEmpty())
                return error(
                    QStringLiteral("invalid channel \"%1\": %2").arg(args.first(), problem));
        }
    }
    if (command == Command::Send || command == Command::Direct) {
        const QStringList words = args.mid(1);
        textFromStdin = words.isEmpty() || words == QStringList{QStringLiteral("-")};
        text = words.join(u' ');
    }

    // Options that belong to one command only.
    const std::array<std::pair<const QCommandLineOption *, Command>, 6> commandOptions{{
        {&countOption, Command::History},
        {&beforeOption, Command::History},
        {&sinceOption, Command::Tail},
        {&statusOption, Command::Presence},
        {&ttlOption, Command::Presence},
        {&holdOption, Command::Presence},
    }};
    for (const auto &[option, owner] : commandOptions) {
        if (parser.isSet(*option) && command != owner)
            return usageError(QStringLiteral("--%1 is not an option of %2")
                                  .arg(option->names().first(), positional.first()),
                              usage);
    }
    if (parser.isSet(countOption)) {
        bool ok = false;
        count = parser.value(countOption).toInt(&ok);
        if (!ok || count <= 0)
            return usageError(QStringLiteral("--count needs a positive number, not \"%1\"")
                                  .arg(parser.value(countOption)),
                              usage);
    }
    if (parser.isSet(beforeOption)) {
        const auto id = StreamId::parse(parser.value(beforeOption).toLatin1());
        if (!id || id->isNull())
            return usageError(
                QStringLiteral("--before needs a message id such as 1700000000000-0, not \"%1\"")
                    .arg(parser.value(beforeOption)),
                usage);
        before = *id;
    }
    if (parser.isSet(sinceOption)) {
        since = StreamId::parse(parser.value(sinceOption).toLatin1());
        if (!since)
            return usageError(
                QStringLiteral("--since needs a message id such as 1700000000000-0, not \"%1\"")
                    .arg(parser.value(sinceOption)),
                usage);
    }
    status = parser.value(statusOption);
    hold = parser.isSet(holdOption);
    if (hold)
        presenceTtlSeconds = 30;
    if (parser.isSet(ttlOption)) {
        bool ok = false;
        presenceTtlSeconds = parser.value(ttlOption).toInt(&ok);
        if (!ok || presenceTtlSeconds <= 0 || presenceTtlSeconds > MaxTimeoutSeconds)
            return usageError(QStringLiteral("--ttl needs a number of seconds from 1 to %1, "
                                             "not \"%2\"")
                                  .arg(MaxTimeoutSeconds)
                                  .arg(parser.value(ttlOption)),
                              usage);
    }
    json = parser.isSet(jsonOption);
    if (parser.isSet(timeoutOption)) {
        bool ok = false;
        timeoutSeconds = parser.value(timeoutOption).toDouble(&ok);
        // Bounded: 1e300 seconds in milliseconds is beyond any integer (and "nan" is no time).
        if (!ok || !(timeoutSeconds >= 0) || timeoutSeconds > MaxTimeoutSeconds)
            return usageError(QStringLiteral("--timeout needs a number of seconds from 0 to %1, "
                                             "not \"%2\"")
                                  .arg(MaxTimeoutSeconds)
                                  .arg(parser.value(timeoutOption)));
    }

    // Where Redis is: defaults, then the environment, then the command line.
    QString why;
    if (!config.applyEnvironment(environment, &why))
        return error(why);
    if (parser.isSet(urlOption)) {
        const auto redis = RedisOptions::fromUrl(parser.value(urlOption), &why);
        if (!redis)
            return usageError(QStringLiteral("--url: ") + why);
        config.redis = *redis;
        // The sentinels' password is rarely put in a URL: the environment's still counts.
        if (redis->sentinelPassword.isEmpty())
            config.redis.sentinelPassword =
                environment.value(QStringLiteral("REDIS_SENTINEL_PASSWORD"));
    }
    if (parser.isSet(hostOption)) {
        if (parser.value(hostOption).trimmed().isEmpty())
            return usageError(QStringLiteral("--host is empty"));
        if (config.redis.transport == RedisOptions::Transport::UnixSocket)
            config.redis.transport = RedisOptions::Transport::Tcp;
        config.redis.host = parser.value(hostOption).trimmed();
    }
    if (parser.isSet(portOption)) {
        bool ok = false;
        const int port = parser.value(portOption).toInt(&ok);
        if (!ok || port <= 0 || port > 65535)
            return usageError(QStringLiteral("--port needs a port number, not \"%1\"")
                                  .arg(parser.value(portOption)));
        config.redis.port = quint16(port);
    }
    if (parser.isSet(dbOption)) {
        bool ok = false;
        config.redis.db = parser.value(dbOption).toInt(&ok);
        if (!ok || config.redis.db < 0)
            return usageError(QStringLiteral("--db needs a database number, not \"%1\"")
                                  .arg(parser.value(dbOption)));
    }
    if (parser.isSet(passwordOption) && parser.isSet(passwordFileOption))
        return usageError(QStringLiteral("--password and --password-file: give one of them"));
    if (parser.isSet(passwordOption))
        config.redis.password = parser.value(passwordOption);
    if (parser.isSet(passwordFileOption)) {
        const QString path = parser.value(passwordFileOption);
        if (path == QStringLiteral("-") && textFromStdin)
            return usageError(QStringLiteral("--password-file - reads standard input, which "
                                             "this command reads its messages from"));
        QFile file;
        const bool opened = path == QStringLiteral("-")
            ? file.open(stdin, QIODevice::ReadOnly)
            : (file.setFileName(path), file.open(QIODevice::ReadOnly));
        if (!opened)
            return error(
                QStringLiteral("cannot read --password-file %1: %2").arg(path, file.errorString()));
        // The first line, without its line break; never shown anywhere.
        QByteArray line = file.readLine(4096);
        while (line.endsWith('\n') || line.endsWith('\r'))
            line.chop(1);
        config.redis.password = QString::fromUtf8(line);
    }
    if (parser.isSet(sentinelPasswordFileOption)) {
        QFile file(parser.value(sentinelPasswordFileOption));
        if (!file.open(QIODevice::ReadOnly))
            return error(QStringLiteral("cannot read --sentinel-password-file %1: %2")
                             .arg(file.fileName(), file.errorString()));
        QByteArray line = file.readLine(4096);
        while (line.endsWith('\n') || line.endsWith('\r'))
            line.chop(1);
        config.redis.sentinelPassword = QString::fromUtf8(line);
    }
    if (parser.isSet(retentionOption)) {
        bool ok = false;
        config.retention = parser.value(retentionOption).toInt(&ok);
        if (!ok || config.retention <= 0)
            return usageError(
                QStringLiteral("--retention needs a positive number of entries, not \"%1\"")
                    .arg(parser.value(retentionOption)));
    }
    // A one-shot command that cannot reach the server should say so, not wait; tail is meant
    // to outlive server restarts.
    config.redis.autoReconnect = command == Command::Tail || hold;
    // ...but a connection that was up and dropped (a restart, a failover) is taken up again:
    // what waits to be sent waits, within --timeout, instead of being given up.
    config.redis.reconnectOnceConnected = true;
    // --timeout is the one limit the user sees: a connection attempt gets a little longer,
    // so that a silent server is reported as "no answer within --timeout".
    if (command != Command::Tail && !hold && timeoutSeconds > 0)
        config.redis.connectTimeout =
            std::chrono::milliseconds(qint64(timeoutSeconds * 1000) + 1000);

    // Who we are.
    if (parser.isSet(userOption))
        config.userName = parser.value(userOption);
    else if (!environment.value(QStringLiteral("CONFAB_USER")).isEmpty())
        config.userName = environment.value(QStringLiteral("CONFAB_USER"));
    else if (!environment.value(QStringLiteral("USER")).isEmpty())
        config.userName = environment.value(QStringLiteral("USER"));
    else
        config.userName = QStringLiteral("cli-user");
    if (parser.isSet(displayNameOption))
        config.displayName = parser.value(displayNameOption).trimmed();
    else
        config.displayName = environment.value(QStringLiteral("CONFAB_DISPLAY_NAME")).trimmed();
    if (!config.displayName.isEmpty()) {
        const QString problem = NameRule::checkDisplayName(config.displayName);
        if (!problem.isEmpty())
            return error(
                QStringLiteral("invalid display name \"%1\": %2").arg(config.displayName, problem));
    }
    if (!peer.isEmpty())
        channel = ChatKeys::directChannel(config.userName, peer);
    config.installSecret = installSecret(environment, &why);
    if (config.installSecret.isEmpty())
        return error(why);
    return Status::Run;
}

} // namespace Confab
