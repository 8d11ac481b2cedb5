#pragma once

#include "redis/RedisOptions.h"

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>

namespace Confab {

// Everything the chat layer needs to know to run: where Redis is, who we are, the key prefixes
// and the protocol's limits. Precedence when building one: command line > environment >
// QSettings > these defaults.
struct ChatConfig
{
    RedisOptions redis;
    // The account: the name that is claimed and that keys are made of. Never changes.
    QString userName;
    // What others see; empty means the account name. /nick changes it.
    QString displayName;
    // Proves to the server that this install owns userName (PROTOCOL.md, "Users").
    QByteArray installSecret;
    QByteArray channelPrefix = "channel:";
    QByteArray messagePrefix = "message:";
    // In front of every key, user keys too (CONFAB_NAMESPACE): deployments sharing a Redis.
    QByteArray keyNamespace;
    // Entries kept per channel (XADD MAXLEN ~); CONFAB_RETENTION, confab-cli --retention.
    int retention = 100000;
    int maxTextBytes = 32 * 1024;
    int dedupeSeconds = 24 * 3600;
    int firstPageSize = 100;
    int historyPageSize = 200;
    // Also the most any one history request asks for (RedisWorker::loadOlder).
    int catchUpPageSize = 1000;
    // Where unsent messages wait across restarts; empty keeps them in memory only.
    QString outboxPath;
    // Whether this client shows the user online while it runs (the desktop app; not
    // confab-cli, whose runs are too short to mean "here"). PROTOCOL.md, "Presence".
    bool announcePresence = false;
    // How long the presence key lives without renewal, and how often it is renewed.
    int presenceTtlMs = 30000;
    int presenceIntervalMs = 10000;

    // Applies REDIS_URL, then REDIS_HOST, REDIS_PORT, REDIS_DB, REDIS_PASSWORD, CHANNEL_PREFIX,
    // MESSAGE_PREFIX, CONFAB_NAMESPACE and CONFAB_RETENTION from the environment; false (and
    // why) on a value that does not parse, or on REDIS_PORT/REDIS_DB contradicting REDIS_URL.
    bool applyEnvironment(const QProcessEnvironment &environment, QString *error);
    // Whether the key prefixes and the namespace can make keys that never collide
    // (PROTOCOL.md, "Keys"); false and why otherwise. Run before connecting.
    bool validateKeys(QString *error) const;
    // Empty if `prefix` may be used as `what` (a prefix or the namespace), else why not.
    static QString checkPrefix(const QByteArray &prefix, const QString &what, bool mayBeEmpty);
    // Whether the environment names a server (REDIS_URL, REDIS_HOST or REDIS_PORT set): then
    // the user chose one, and nothing else is to be looked for.
    static bool environmentNamesServer(const QProcessEnvironment &environment);
};

} // namespace Confab
