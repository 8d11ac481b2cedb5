#include "CliPrinter.h"

#include "chat/DisplayText.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>
#include <limits>

namespace Confab {

namespace {

QString isoTime(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString();
}

// "2026-11-22 14:03:05" in local time, for a time in ms since the epoch. Converting to local
// time asks the C library, which looks at /etc/localtime every time (a stat per line, an eighth
// of a backlog's drain): a backlog's messages mostly share their second, so the last one is
// kept.
QString localSecond(qint64 ms)
{
    static qint64 lastSecond = std::numeric_limits<qint64>::min();
    static QString lastText;
    const qint64 second = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    if (second != lastSecond) {
        lastText = QDateTime::fromSecsSinceEpoch(second).toLocalTime().toString(
            QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        lastSecond = second;
    }
    return lastText;
}

// Text from other clients goes to a terminal: a line break would split one message over lines
// a script reads one by one, control characters could drive the terminal, and a bidi
// override would make "gnp.exe" read "exe.png". The latter two are shown as "[U+202E]"
// (DisplayText). JSON output keeps the text exactly as it is.
QString oneLine(const QString &text)
{
    // Printable ASCII, most of what is sent, is shown as it is.
    if (std::all_of(text.cbegin(), text.cend(),
                    [](QChar c) { return c.unicode() >= 0x20 && c.unicode() < 0x7f; }))
        return text;
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == u'\r' && i + 1 < text.size() && text.at(i + 1) == u'\n')
            continue;
        if (c == u'\n' || c == u'\r' || c == QChar::LineSeparator || c == QChar::ParagraphSeparator)
            out += QChar(0x21B5); // ↵
        else if (c == u'\t')
            out += u' ';
        else
            out += c;
    }
    return DisplayText::marked(out);
}

} // namespace

CliPrinter::CliPrinter(bool json)
    : m_json(json)
{ }

void CliPrinter::print(const ChatMessage &message)
{
    writeLine(m_json ? jsonLine(message) : textLine(message).toUtf8());
}

void CliPrinter::print(const ChannelInfo &channel)
{
    writeLine(m_json ? jsonLine(channel) : textLine(channel).toUtf8());
}

void CliPrinter::print(const Presence &presence, const QString &displayName)
{
    writeLine(m_json ? jsonLine(presence, displayName) : textLine(presence, displayName).toUtf8());
}

void CliPrinter::print(const ServerStats &stats)
{
    if (m_json) {
        writeLine(jsonLine(stats));
        return;
    }
    for (const QString &line : textLines(stats))
        writeLine(line.toUtf8());
}

QStringList CliPrinter::textLines(const ServerStats &stats)
{
    QStringList lines = stats.summary();
    for (const QString &problem : stats.problems)
        lines << QStringLiteral("not shown: ") + oneLine(problem);
    if (stats.channelStats.isEmpty())
        return lines;
    lines << QString();
    for (const ChannelStats &channel : stats.channelStats) {
        lines << QStringList{u'#' + channel.name,
                             channel.perMinute < 0 ? QStringLiteral("-1")
                                                   : QString::number(channel.perMinute, 'f', 1),
                             QString::number(channel.entries), QString::number(channel.logBytes)}
                     .join(u'\t');
    }
    return lines;
}

QByteArray CliPrinter::jsonLine(const ServerStats &stats)
{
    QJsonArray channels;
    for (const ChannelStats &channel : stats.channelStats) {
        channels.append(QJsonObject{
            {QStringLiteral("name"), channel.name},
            {QStringLiteral("per_minute"), channel.perMinute},
            {QStringLiteral("rate_estimated"), channel.rateEstimated},
            {QStringLiteral("entries"), channel.entries},
            {QStringLiteral("log_bytes"), channel.logBytes},
            {QStringLiteral("last_activity"),
             channel.lastActivityMs > 0
                 ? isoTime(QDateTime::fromMSecsSinceEpoch(channel.lastActivityMs))
                 : QString()},
        });
    }
    const QJsonObject object{
        {QStringLiteral("version"), stats.version},
        {QStringLiteral("topology"), stats.topology},
        {QStringLiteral("where"), stats.where},
        {QStringLiteral("clients"), stats.connectedClients},
        {QStringLiteral("used_memory"), stats.usedMemory},
        {QStringLiteral("accounts"), stats.accounts},
        {QStringLiteral("online"), stats.online},
        {QStringLiteral("away"), stats.away},
        {QStringLiteral("sampled_accounts"), stats.sampledAccounts},
        {QStringLiteral("channels"), stats.channels},
        {QStringLiteral("channels_sampled"), stats.channelsSampled},
        {QStringLiteral("messages_per_minute"), stats.messagesPerMinute()},
        {QStringLiteral("log_bytes"), stats.logBytes()},
        {QStringLiteral("problems"), QJsonArray::fromStringList(stats.problems)},
        {QStringLiteral("channel_stats"), channels},
    };
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QString CliPrinter::textLine(const Presence &presence, const QString &displayName)
{
    return QStringList{presence.account, QString::fromLatin1(Presence::stateName(presence.state)),
                       oneLine(displayName), oneLine(presence.status)}
        .join(u'\t');
}

QByteArray CliPrinter::jsonLine(const Presence &presence, const QString &displayName)
{
    const QJsonObject object{
        {QStringLiteral("account"), presence.account},
        {QStringLiteral("name"), displayName},
        {QStringLiteral("presence"), QString::fromLatin1(Presence::stateName(presence.state))},
        {QStringLiteral("status"), presence.status},
        {QStringLiteral("since"),
         presence.sinceMs > 0 && presence.isOnline()
             ? isoTime(QDateTime::fromMSecsSinceEpoch(presence.sinceMs))
             : QString()},
    };
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QString CliPrinter::textLine(const ChatMessage &message)
{
    const QString time = localSecond(qint64(message.id.ms));
    const QString from = oneLine(message.author());
    const QString text = oneLine(message.text);
    QString line;
    switch (message.type) {
    case ChatMessage::Type::Message:
    case ChatMessage::Type::Unknown:
        line = QStringLiteral("<%1> %2").arg(from, text);
        break;
    case ChatMessage::Type::Action:
        line = QStringLiteral("* %1 %2").arg(from, text);
        break;
    case ChatMessage::Type::Join:
        line = QStringLiteral("-- %1 joined #%2").arg(from, message.channel);
        break;
    case ChatMessage::Type::Leave:
        line = QStringLiteral("-- %1 left #%2").arg(from, message.channel);
        break;
    case ChatMessage::Type::Topic:
        line = QStringLiteral("-- %1 set the topic: %2").arg(from, text);
        break;
    case ChatMessage::Type::Nick:
        line = QStringLiteral("-- %1 is now known as %2").arg(from, text);
        break;
    case ChatMessage::Type::Expired:
        line = QStringLiteral("-- older messages expired");
        break;
    case ChatMessage::Type::NewMessages:
        line = QStringLiteral("-- new messages");
        break;
    case ChatMessage::Type::RolledBack:
        line = message.id.isNull()
            ? QStringLiteral("-- messages shown above were lost in a server failover")
            : QStringLiteral("-- messages shown above after %1 were lost in a server failover")
                  .arg(QString::fromLatin1(message.id.toByteArray()));
        break;
    }
    QString out;
    out.reserve(time.size() + line.size() + 3);
    out += u'[';
    out += time;
    out += QLatin1String("] ");
    out += line;
    if (message.isMalformed())
        out += QStringLiteral(" [") + oneLine(message.problem) + u']';
    return out;
}

QByteArray CliPrinter::jsonLine(const ChatMessage &message)
{
    QJsonObject object{
        {QStringLiteral("id"), QString::fromLatin1(message.id.toByteArray())},
        {QStringLiteral("time"), isoTime(message.time())},
        {QStringLiteral("channel"), message.channel},
        {QStringLiteral("type"), QString::fromLatin1(ChatMessage::typeName(message.type))},
        {QStringLiteral("from"), message.from},
        {QStringLiteral("name"), message.author()},
        {QStringLiteral("text"), message.text},
        {QStringLiteral("cid"), QString::fromLatin1(message.cid)},
    };
    if (message.isMalformed())
        object.insert(QStringLiteral("problem"), message.problem);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QString CliPrinter::textLine(const ChannelInfo &channel)
{
    return QStringList{channel.name, QString::number(channel.memberCount),
                       isoTime(channel.lastActivity()), oneLine(channel.topic)}
        .join(u'\t');
}

QByteArray CliPrinter::jsonLine(const ChannelInfo &channel)
{
    const QJsonObject object{
        {QStringLiteral("name"), channel.name},
        {QStringLiteral("members"), channel.memberCount},
        {QStringLiteral("last_activity"), isoTime(channel.lastActivity())},
        {QStringLiteral("topic"), channel.topic},
        {QStringLiteral("created_by"), channel.createdBy},
        {QStringLiteral("created_at"), isoTime(channel.createdAt)},
    };
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

void CliPrinter::printError(const QString &message)
{
    const QByteArray line = QStringLiteral("confab-cli: %1\n").arg(message.simplified()).toUtf8();
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
}

void CliPrinter::writeLine(const QByteArray &line)
{
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fputc('\n', stdout);
}

void CliPrinter::flush()
{
    std::fflush(stdout);
}

} // namespace Confab
