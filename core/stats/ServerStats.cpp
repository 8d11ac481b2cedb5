#include "ServerStats.h"

#include <QCoreApplication>
#include <QLocale>

namespace Confab {

qint64 ServerStats::logBytes() const
{
    qint64 total = -1;
    for (const ChannelStats &channel : channelStats) {
        if (channel.logBytes >= 0)
            total = std::max<qint64>(total, 0) + channel.logBytes;
    }
    return total;
}

double ServerStats::messagesPerMinute() const
{
    double total = 0;
    for (const ChannelStats &channel : channelStats)
        total += std::max(0.0, channel.perMinute);
    return total;
}

QStringList ServerStats::summary() const
{
    const QLocale locale;
    auto tr = [](const char *text) {
        return QCoreApplication::translate("ServerStats", text);
    };
    auto count = [&locale](qint64 n) {
        return n < 0 ? QStringLiteral("?") : locale.toString(n);
    };
    QStringList lines;
    QString server = version.isEmpty() ? tr("Redis") : tr("Redis %1").arg(version);
    server += QStringLiteral(" \u00b7 ") + topology;
    if (!where.isEmpty())
        server += QStringLiteral(" \u00b7 ") + where;
    if (connectedClients >= 0)
        server += QStringLiteral(" \u00b7 ") + tr("%1 clients").arg(count(connectedClients));
    if (usedMemory >= 0)
        server +=
            QStringLiteral(" \u00b7 ") + tr("%1 used").arg(locale.formattedDataSize(usedMemory));
    lines << server;

    QString people = tr("People: %1 online, %2 away").arg(count(online), count(away));
    if (accounts >= 0)
        people += tr(" of %1").arg(count(accounts));
    if (accounts > sampledAccounts && sampledAccounts > 0)
        people += tr(" (first %1 looked at)").arg(count(sampledAccounts));
    lines << people;

    QString chat = tr("Channels: %1 \u00b7 %2 messages/min")
                       .arg(count(channels))
                       .arg(locale.toString(messagesPerMinute(), 'f', 1));
    if (const qint64 bytes = logBytes(); bytes >= 0)
        chat += QStringLiteral(" \u00b7 ") + tr("logs %1").arg(locale.formattedDataSize(bytes));
    if (!channelStats.isEmpty() && channelStats.first().perMinute > 0) {
        const ChannelStats &busiest = channelStats.first();
        chat += QStringLiteral(" \u00b7 ")
            + tr("busiest #%1 (%2/min)")
                  .arg(busiest.name, locale.toString(busiest.perMinute, 'f', 1));
    }
    lines << chat;
    return lines;
}

} // namespace Confab
