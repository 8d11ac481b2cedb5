#include "SlashCommand.h"

#include <QStringList>

#include <algorithm>

namespace Confab {

namespace {

// Any Unicode whitespace (a no-break space, U+2029...) separates words, as trimmed() and the
// name rule see it; a regular expression's \s would only know ASCII.
qsizetype indexOfSpace(const QString &text)
{
    const auto it = std::find_if(text.cbegin(), text.cend(), [](QChar c) { return c.isSpace(); });
    return it == text.cend() ? -1 : it - text.cbegin();
}

} // namespace

const QList<SlashCommand::Spec> &SlashCommand::commands()
{
    // The original terminal app's five first, then the rest.
    static const QList<Spec> table{
        {Kind::Join, "join", "/join NAME",
         "Join a channel (creating it if needed) and switch to it", true},
        {Kind::Leave, "leave", "/leave [NAME]", "Leave the current channel, or the one named",
         false},
        {Kind::Channels, "channels", "/channels", "List all channels with their members and topics",
         false},
        {Kind::Send, "send", "/send TEXT", "Send TEXT to the current channel", true},
        {Kind::Quit, "quit", "/quit", "Quit Confab", false},
        {Kind::Me, "me", "/me ACTION", "Send an action: \"/me waves\" shows \"* YOURNAME waves\"",
         true},
        {Kind::Topic, "topic", "/topic TEXT", "Set the topic of the current channel", true},
        {Kind::Nick, "nick", "/nick NAME", "Change your display name (your account stays)", true},
        {Kind::Msg, "msg", "/msg USER TEXT", "Send a direct message to USER", true},
        {Kind::Away, "away", "/away [TEXT]", "Show others you are away, with TEXT as your status",
         false},
        {Kind::Back, "back", "/back", "Show others you are here again", false},
        {Kind::Status, "status", "/status [TEXT]",
         "Set the status text others see beside your name (none: clear it)", false},
        {Kind::People, "people", "/people", "Find anyone with an account on this server", false},
        {Kind::Stats, "stats", "/stats",
         "Show the server's figures: people online, channels, messages per minute", false},
        {Kind::Help, "help", "/help", "Show this list", false},
    };
    return table;
}

QStringList SlashCommand::helpLines()
{
    QStringList lines;
    for (const Spec &spec : commands())
        lines << QStringLiteral("%1 — %2").arg(QLatin1String(spec.usage),
                                               QLatin1String(spec.description));
    return lines;
}

SlashCommand SlashCommand::parse(const QString &line)
{
    SlashCommand command;
    if (!line.startsWith(u'/') || line.startsWith(QLatin1String("//"))) {
        command.argument = line.startsWith(QLatin1String("//")) ? line.mid(1) : line;
        return command;
    }
    const qsizetype space = indexOfSpace(line);
    const QString name = line.mid(1, space < 0 ? -1 : space - 1).toLower();
    const QString rest = space < 0 ? QString() : line.mid(space + 1).trimmed();

    const Spec *spec = nullptr;
    for (const Spec &candidate : commands()) {
        if (name == QLatin1String(candidate.name))
            spec = &candidate;
    }
    if (!spec) {
        command.kind = Kind::Invalid;
        // Quoted back in one status line: a pasted paragraph is not.
        const QString shown = name.size() > 32 ? name.left(32) + QChar(0x2026) : name;
        command.error =
            QStringLiteral("Unknown command /%1. Type /help to see the commands.").arg(shown);
        return command;
    }
    if (spec->needsArgument && rest.isEmpty()) {
        command.kind = Kind::Invalid;
        command.error = QStringLiteral("Usage: %1").arg(QLatin1String(spec->usage));
        return command;
    }
    command.kind = spec->kind;
    command.argument = rest;
    if (spec->kind == Kind::Msg) {
        const qsizetype gap = indexOfSpace(rest);
        command.user = gap < 0 ? rest : rest.left(gap);
        command.argument = gap < 0 ? QString() : rest.mid(gap + 1).trimmed();
        if (command.argument.isEmpty()) {
            command.kind = Kind::Invalid;
            command.error = QStringLiteral("Usage: %1").arg(QLatin1String(spec->usage));
        }
    }
    // Channel names are single words; the rest (a display name too) keeps its spaces.
    if ((spec->kind == Kind::Join || spec->kind == Kind::Leave) && indexOfSpace(rest) >= 0) {
        command.kind = Kind::Invalid;
        const QString shown = rest.size() > 64 ? rest.left(64) + QChar(0x2026) : rest;
        command.error = QStringLiteral("A channel name has no spaces: \"%1\". Usage: %2")
                            .arg(shown, QLatin1String(spec->usage));
    }
    return command;
}

} // namespace Confab
