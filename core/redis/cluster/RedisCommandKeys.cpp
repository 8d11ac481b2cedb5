#include "RedisCommandKeys.h"

#include "RedisClusterSlot.h"

#include <QSet>

namespace Confab {

namespace {

bool isOneOf(const QByteArray &verb, std::initializer_list<const char *> names)
{
    for (const char *name : names) {
        if (verb == name)
            return true;
    }
    return false;
}

} // namespace

QList<QByteArray> RedisCommandKeys::keysOf(const QList<QByteArray> &args)
{
    if (args.isEmpty())
        return {};
    const QByteArray verb = args.first().toUpper();
    if (isOneOf(verb,
                {"PING",    "ECHO",      "INFO",       "CLUSTER",     "SCRIPT",       "FUNCTION",
                 "ROLE",    "WAIT",      "CLIENT",     "CONFIG",      "TIME",         "DBSIZE",
                 "PUBLISH", "SUBSCRIBE", "PSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "MULTI",
                 "EXEC",    "DISCARD",   "ASKING",     "READONLY",    "READWRITE",    "AUTH",
                 "HELLO",   "SELECT",    "COMMAND",    "ACL",         "MEMORY",       "SLOWLOG",
                 "LATENCY", "DEBUG",     "FLUSHALL",   "FLUSHDB",     "RANDOMKEY",    "SCAN",
                 "KEYS",    "PUBSUB"}))
        return {};
    if (isOneOf(verb, {"EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO"})) {
        bool ok = false;
        const qsizetype count = args.size() > 2 ? args.at(2).toLongLong(&ok) : 0;
        if (!ok || count <= 0)
            return {};
        return args.mid(3, std::min<qsizetype>(count, args.size() - 3));
    }
    if (isOneOf(verb,
                {"DEL", "UNLINK", "EXISTS", "MGET", "TOUCH", "WATCH", "SINTER", "SUNION", "SDIFF",
                 "PFCOUNT", "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"}))
        return args.mid(1);
    if (isOneOf(verb, {"MSET", "MSETNX"})) {
        QList<QByteArray> keys;
        for (qsizetype i = 1; i < args.size(); i += 2)
            keys << args.at(i);
        return keys;
    }
    if (isOneOf(verb, {"RENAME", "RENAMENX", "SMOVE", "RPOPLPUSH", "LMOVE", "COPY"}))
        return args.mid(1, 2);
    if (isOneOf(verb, {"XREAD", "XREADGROUP"})) {
        // XREAD ... STREAMS k1 k2 id1 id2
        for (qsizetype i = 1; i < args.size(); ++i) {
            if (args.at(i).toUpper() == "STREAMS") {
                const qsizetype n = (args.size() - i - 1) / 2;
                return args.mid(i + 1, n);
            }
        }
        return {};
    }
    return args.size() > 1 ? QList<QByteArray>{args.at(1)} : QList<QByteArray>{};
}

RedisCommandKeys::Route RedisCommandKeys::routeOf(const QList<QByteArray> &args)
{
    return routeOf(QList<QList<QByteArray>>{args});
}

RedisCommandKeys::Route RedisCommandKeys::routeOf(const QList<QList<QByteArray>> &commands)
{
    Route route;
    QByteArray firstKey;
    for (const QList<QByteArray> &args : commands) {
        for (const QByteArray &key : keysOf(args)) {
            const quint16 slot = RedisClusterSlot::of(key);
            if (route.keyless) {
                route.keyless = false;
                route.slot = slot;
                firstKey = key;
                continue;
            }
            if (slot != route.slot) {
                route.error = QStringLiteral("%1 names keys in slots %2 (%3) and %4 (%5); a "
                                             "Redis Cluster runs one command on one slot")
                                  .arg(QString::fromUtf8(args.first().toUpper()))
                                  .arg(route.slot)
                                  .arg(QString::fromUtf8(firstKey.left(60)))
                                  .arg(slot)
                                  .arg(QString::fromUtf8(key.left(60)));
                return route;
            }
        }
    }
    return route;
}

} // namespace Confab
