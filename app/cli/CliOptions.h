#pragma once

#include "chat/ChatConfig.h"
#include "chat/StreamId.h"

#include <QProcessEnvironment>
#include <QStringList>

#include <optional>

namespace Confab {

// What one run of confab-cli is asked to do, from its arguments and the environment. The
// command line wins over the environment, which wins over the defaults.
struct CliOptions
{
    enum class Command {
        Channels,
        Join,
        Leave,
        Send,
        History,
        Tail,
        Direct,
        Who,
        Presence,
        Users,
        Stats
    };
    enum class Status {
        Run,
        Help, // message holds the help text
        Version, // message holds the version line
        UsageError, // message says what is wrong and how the command is used (exit code 2)
        Error, // message says what is wrong with a value or the environment (exit code 1)
    };

    // `arguments` as QCoreApplication::arguments() gives them, the program first.
    Status parse(const QStringList &arguments, const QProcessEnvironment &environment);

    Command command = Command::Channels;
    // Normalized (a typed "#dev" is "dev") and valid by NameRule; "@bob" is the direct
    // conversation with bob ("@ACCOUNT bob", ChatKeys::directChannel).
    QString channel;
    // dm: the other person's account.
    QString peer;
    // send: the message, unless it is to be read from stdin, one message per line.
    QString text;
    bool textFromStdin = false;
    // history
    int count = 50;
    StreamId before; // null: up to the newest
    // tail: print what came after this id first; nullopt: only what arrives from now on.
    std::optional<StreamId> since;
    // presence: the state to set, its status text, how long it lasts (seconds), and whether
    // to keep it up until stopped (renewed, and offline on SIGINT/SIGTERM).
    QByteArray presenceState;
    QString status;
    int presenceTtlSeconds = 300;
    bool hold = false;
    bool json = false;
    // How long a command that expects an answer waits for one; 0 waits forever.
    double timeoutSeconds = 15;
    static constexpr int MaxTimeoutSeconds = 24 * 3600;
    ChatConfig config;

    QString message;
};

} // namespace Confab
