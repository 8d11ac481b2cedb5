#include "ChatConfig.h"

namespace Confab {

bool ChatConfig::environmentNamesServer(const QProcessEnvironment &environment)
{
    for (const char *name : {"REDIS_URL", "REDIS_HOST", "REDIS_PORT"}) {
        if (!environment.value(QString::fromLatin1(name)).isEmpty())
            return true;
    }
    return false;
}

bool ChatConfig::applyEnvironment(const QProcessEnvironment &env, QString *error)
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (env.contains(QStringLiteral("REDIS_URL"))) {
        QString why;
        const auto options = RedisOptions::fromUrl(env.value(QStringLiteral("REDIS_URL")), &why);
        if (!options)
            return fail(QStringLiteral("REDIS_URL: ") + why);
        const RedisOptions previous = redis;
        redis = *options;
        // Timing and reconnect policy are not part of a URL; keep what was set.
        redis.connectTimeout = previous.connectTimeout;
        redis.clientName = redis.clientName.isEmpty() ? previous.clientName : redis.clientName;
    }
    if (env.contains(QStringLiteral("REDIS_HOST"))) {
        const QString host = env.value(QStringLiteral("REDIS_HOST")).trimmed();
        if (host.isEmpty())
            return fail(QStringLiteral("REDIS_HOST is empty"));
        if (redis.transport == RedisOptions::Transport::UnixSocket)
            redis.transport = RedisOptions::Transport::Tcp;
        redis.host = host;
    }
    if (env.contains(QStringLiteral("REDIS_PORT"))) {
        bool ok = false;
        const int port = env.value(QStringLiteral("REDIS_PORT")).toInt(&ok);
        if (!ok || port <= 0 || port > 65535)
            return fail(QStringLiteral("REDIS_PORT is not a port number: \"%1\"")
                            .arg(env.value(QStringLiteral("REDIS_PORT"))));
        redis.port = quint16(port);
    }
    if (env.contains(QStringLiteral("REDIS_DB"))) {
        bool ok = false;
        const int db = env.value(QStringLiteral("REDIS_DB")).toInt(&ok);
        if (!ok || db < 0)
            return fail(QStringLiteral("REDIS_DB is not a database number: \"%1\"")
                            .arg(env.value(QStringLiteral("REDIS_DB"))));
        redis.db = db;
    }
    if (env.contains(QStringLiteral("REDIS_PASSWORD")))
        redis.password = env.value(QStringLiteral("REDIS_PASSWORD"));
    if (env.contains(QStringLiteral("REDIS_USERNAME")))
        redis.username = env.value(QStringLiteral("REDIS_USERNAME"));
    if (env.contains(QStringLiteral("CHANNEL_PREFIX")))
        channelPrefix = env.value(QStringLiteral("CHANNEL_PREFIX")).toUtf8();
    if (env.contains(QStringLiteral("MESSAGE_PREFIX")))
        messagePrefix = env.value(QStringLiteral("MESSAGE_PREFIX")).toUtf8();
    if (env.contains(QStringLiteral("CONFAB_RETENTION"))) {
        // A typo is an error rather than the default: retention decides how much history the
        // server keeps, for everyone in the channel.
        const QString value = env.value(QStringLiteral("CONFAB_RETENTION"));
        bool ok = false;
        const int entries = value.trimmed().toInt(&ok);
        if (!ok || entries <= 0)
            return fail(QStringLiteral("CONFAB_RETENTION is not a positive number of entries "
                                       "per channel: \"%1\"")
                            .arg(value));
        retention = entries;
    }
    return true;
}

} // namespace Confab
