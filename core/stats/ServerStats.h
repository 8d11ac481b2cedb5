#pragma once

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace Confab {

// One channel in the server overview. -1: not known (not allowed, or not read).
struct ChannelStats
{
    QString name;
    qint64 entries = -1; // XLEN of its log
    qint64 logBytes = -1; // MEMORY USAGE of its log (sampled by the server)
    // Messages written in the last minute, from the ids' times of its newest entries. For a
    // channel busier than the sample (ServerStatsReader::RateSample entries in less than a
    // minute) it is extrapolated, and `rateEstimated` says so.
    double perMinute = -1;
    bool rateEstimated = false;
    qint64 lastActivityMs = 0; // the newest entry's time, 0 if the log is empty
};

// A snapshot of the server for the overview dock, /stats and `confab-cli stats`. Every figure
// comes from a bounded command (ServerStatsReader); -1 where the server would not say.
struct ServerStats
{
    QString version; // redis_version
    QString topology; // "standalone", "cluster", "sentinel"
    QString where; // RedisClient::description(): the endpoint, or the cluster's shards
    qint64 connectedClients = -1; // of the node that answered INFO
    qint64 usedMemory = -1; // bytes, of that node
    // Accounts in the people directory: counted one by one when all were looked at (names
    // without an account are not counted), else the size of its set.
    qint64 accounts = -1;
    qint64 online = -1; // of the accounts sampled: online
    qint64 away = -1; // of the accounts sampled: away
    qint64 sampledAccounts = 0; // how many real accounts the two figures above looked at
    qint64 channels = -1; // SCARD of the channel index
    QList<ChannelStats> channelStats; // by messages per minute, busiest first
    bool channelsSampled = false; // more channels exist than were looked at
    qint64 takenAtMs = 0; // server time
    // Figures the server refused, with its reason ("memory: NOPERM …"), once each.
    QStringList problems;

    qint64 logBytes() const;
    double messagesPerMinute() const;
    // The short form, for /stats and the status line: one line per subject.
    QStringList summary() const;
};

} // namespace Confab

Q_DECLARE_METATYPE(Confab::ServerStats)
