#pragma once

#include <QList>
#include <QString>

namespace Confab {

// One line typed into the input, understood: plain text to send, or a slash command with its
// arguments. The table of commands is data (commands()), so /help, completion and the parser
// agree, and adding a command touches one place.
struct SlashCommand
{
    enum class Kind {
        Text, // not a command: send it ("//x" sends "/x")
        Join,
        Leave,
        Channels,
        Send,
        Quit,
        Me,
        Topic,
        Nick,
        Msg,
        Away, // argument: the status text, may be empty
        Back,
        Status, // argument: the status text; empty clears it
        People,
        Stats,
        Help,
        Invalid, // a command used wrongly, or an unknown one: see error
    };

    struct Spec
    {
        Kind kind;
        const char *name;
        const char *usage;
        const char *description;
        bool needsArgument;
    };

    Kind kind = Kind::Text;
    QString argument; // the channel, text, topic or name; for /msg the text
    QString user; // /msg only
    QString error;

    static SlashCommand parse(const QString &line);
    static const QList<Spec> &commands();
    // "/join NAME — Join a channel…" lines, for /help.
    static QStringList helpLines();
};

} // namespace Confab
