#include "ChatConfig.h"

#include "ChatKeys.h"

#include <cstring>
#include <tuple>

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
    // A URL that says one port or database and a variable that says another: which one was
    // meant is a guess, and a wrong guess writes into another deployment's data.
    const bool fromUrl = env.contains(QStringLiteral("REDIS_URL"));
    if (env.contains(QStringLiteral("REDIS_PORT"))) {
        bool ok = false;
        const int port = env.value(QStringLiteral("REDIS_PORT")).toInt(&ok);
        if (!ok || port <= 0 || port > 65535)
            return fail(QStringLiteral("REDIS_PORT is not a port number: \"%1\"")
                            .arg(env.value(QStringLiteral("REDIS_PORT"))));
        if (fromUrl && redis.transport != RedisOptions::Transport::UnixSocket && redis.port != port)
            return fail(QStringLiteral("REDIS_PORT (%1) contradicts the port of REDIS_URL (%2); "
                                       "set only one of them")
                            .arg(port)
                            .arg(redis.port));
        redis.port = quint16(port);
    }
    if (env.contains(QStringLiteral("REDIS_DB"))) {
        bool ok = false;
        const int db = env.value(QStringLiteral("REDIS_DB")).toInt(&ok);
        if (!ok || db < 0)
            return fail(QStringLiteral("REDIS_DB is not a database number: \"%1\"")
                            .arg(env.value(QStringLiteral("REDIS_DB"))));
        if (fromUrl && redis.db != db)
            return fail(QStringLiteral("REDIS_DB (%1) contradicts the database of REDIS_URL (%2); "
                                       "set only one of them")
                            .arg(db)
                            .arg(redis.db));
        redis.db = db;
    }
    if (env.contains(QStringLiteral("REDIS_PASSWORD")))
        redis.password = env.value(QStringLiteral("REDIS_PASSWORD"));
    // The sentinels' own password (redis-sentinel:// URLs), never the data nodes' one.
    if (env.contains(QStringLiteral("REDIS_SENTINEL_PASSWORD")))
        redis.sentinelPassword = env.value(QStringLiteral("REDIS_SENTINEL_PASSWORD"));
    if (env.contains(QStringLiteral("REDIS_USERNAME")))
        redis.username = env.value(QStringLiteral("REDIS_USERNAME"));
    if (env.contains(QStringLiteral("CHANNEL_PREFIX")))
        channelPrefix = env.value(QStringLiteral("CHANNEL_PREFIX")).toUtf8();
    if (env.contains(QStringLiteral("MESSAGE_PREFIX")))
        messagePrefix = env.value(QStringLiteral("MESSAGE_PREFIX")).toUtf8();
    if (env.contains(QStringLiteral("CONFAB_NAMESPACE")))
        keyNamespace = env.value(QStringLiteral("CONFAB_NAMESPACE")).toUtf8();
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
    return validateKeys(error);
}

QString ChatConfig::checkPrefix(const QByteArray &prefix, const QString &what, bool mayBeEmpty)
{
    if (prefix.isEmpty())
        return mayBeEmpty ? QString() : QStringLiteral("%1 may not be empty").arg(what);
    if (prefix.size() > 64)
        return QStringLiteral("%1 is too long (%2 bytes; at most 64)").arg(what).arg(prefix.size());
    for (const char c : prefix) {
        const uchar u = uchar(c);
        if (u <= 0x20 || u == 0x7f)
            return QStringLiteral("%1 \"%2\" may not contain whitespace or control characters")
                .arg(what, QString::fromLatin1(prefix.toPercentEncoding()));
        if (std::strchr("{}*?[]\\", c))
            return QStringLiteral("%1 \"%2\" may not contain any of { } * ? [ ] \\ (they would "
                                  "break hash tags and patterns)")
                .arg(what, QString::fromUtf8(prefix));
    }
    return {};
}

bool ChatConfig::validateKeys(QString *error) const
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    for (const auto &[prefix, what, mayBeEmpty] :
         {std::tuple{keyNamespace, QStringLiteral("CONFAB_NAMESPACE"), true},
          std::tuple{channelPrefix, QStringLiteral("CHANNEL_PREFIX"), false},
          std::tuple{messagePrefix, QStringLiteral("MESSAGE_PREFIX"), false}}) {
        const QString why = checkPrefix(prefix, what, mayBeEmpty);
        if (!why.isEmpty())
            return fail(why);
    }
    // Keys are PREFIX{NAME}SUFFIX with no brace in PREFIX: distinct prefixes, distinct keys.
    const QByteArray user = ChatKeys::UserPrefix;
    if (channelPrefix == messagePrefix)
        return fail(QStringLiteral("CHANNEL_PREFIX and MESSAGE_PREFIX may not be the same (\"%1\")")
                        .arg(QString::fromUtf8(channelPrefix)));
    for (const auto &[prefix, what] :
         {std::pair{channelPrefix, QStringLiteral("CHANNEL_PREFIX")},
          std::pair{messagePrefix, QStringLiteral("MESSAGE_PREFIX")}}) {
        if (prefix == user)
            return fail(QStringLiteral("%1 may not be \"%2\": user keys use it")
                            .arg(what, QString::fromLatin1(user)));
    }
    return true;
}

} // namespace Confab
