#include "SlashCommand.h"

#include <QRegularExpression>
#include <QStringList>

namespace Confab {

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
    const qsizetype space = line.indexOf(QRegularExpression(QStringLiteral("\\s")));
    const QString name = line.mid(1, space < 0 ? -1 : space - 1).toLower();
    const QString rest = space < 0 ? QString() : line.mid(space + 1).trimmed();

    const Spec *spec = nullptr;
    for (const Spec &candidate : commands()) {
        if (name == QLatin1String(candidate.name))
            spec = &candidate;
    }
    if (!spec) {
        command.kind = Kind::Invalid;
        command.error =
            QStringLiteral("Unknown command /%1. Type /help to see the commands.").arg(name);
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
        const qsizetype gap = rest.indexOf(QRegularExpression(QStringLiteral("\\s")));
        command.user = gap < 0 ? rest : rest.left(gap);
        command.argument = gap < 0 ? QString() : rest.mid(gap + 1).trimmed();
        if (command.argument.isEmpty()) {
            command.kind = Kind::Invalid;
            command.error = QStringLiteral("Usage: %1").arg(QLatin1String(spec->usage));
        }
    }
    // Channel names are single words; the rest (a display name too) keeps its spaces.
    if ((spec->kind == Kind::Join || spec->kind == Kind::Leave)
        && rest.contains(QRegularExpression(QStringLiteral("\\s")))) {
        command.kind = Kind::Invalid;
        command.error = QStringLiteral("A channel name has no spaces: \"%1\". Usage: %2")
                            .arg(rest, QLatin1String(spec->usage));
    }
    return command;
}

} // namespace Confab
