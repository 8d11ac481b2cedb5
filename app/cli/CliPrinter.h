#pragma once

#include "chat/ChannelInfo.h"
#include "chat/ChatMessage.h"
#include "presence/Presence.h"
#include "stats/ServerStats.h"

#include <QByteArray>

namespace Confab {

// Writes what confab-cli prints on stdout: one line per message or channel, as text for people
// or as one JSON object per line for programs. Lines are buffered; the caller flushes once it
// has nothing more to print for now (a batch of messages, the end of a listing), so a reader
// on the other end of a pipe (tail | bot) sees each message at once at a low rate, and a
// backlog goes out in large writes rather than one system call per line.
class CliPrinter
{
public:
    explicit CliPrinter(bool json);

    void print(const ChatMessage &message);
    void print(const ChannelInfo &channel);
    void print(const Presence &presence, const QString &displayName);
    void print(const ServerStats &stats);

    // "[2026-11-22 14:03:05] <alice> hello", in local time.
    static QString textLine(const ChatMessage &message);
    // {"id":…,"time":…,"channel":…,"type":…,"from":…,"text":…,"cid":…[,"problem":…]}
    static QByteArray jsonLine(const ChatMessage &message);
    // "name<TAB>members<TAB>last activity<TAB>topic"
    static QString textLine(const ChannelInfo &channel);
    static QByteArray jsonLine(const ChannelInfo &channel);

    // "account<TAB>state<TAB>display name<TAB>status"
    static QString textLine(const Presence &presence, const QString &displayName);
    // {"account":…,"name":…,"presence":…,"status":…,"since":…}
    static QByteArray jsonLine(const Presence &presence, const QString &displayName);

    // The summary lines, a blank line, then "#name<TAB>per minute<TAB>entries<TAB>bytes" per
    // channel; -1 where the server would not say.
    static QStringList textLines(const ServerStats &stats);
    // One object: version, topology, where, clients, used_memory, accounts, online, away,
    // sampled_accounts, channels, channels_sampled, problems, and "channel_stats": [{name,
    // per_minute, rate_estimated, entries, log_bytes, last_activity}].
    static QByteArray jsonLine(const ServerStats &stats);

    // Sends what is buffered.
    static void flush();

    // "confab-cli: MESSAGE" on stderr, always on one line: scripts read the first line.
    static void printError(const QString &message);

private:
    static void writeLine(const QByteArray &line);

    bool m_json;
};

} // namespace Confab
