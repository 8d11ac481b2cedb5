#include "RedisCommandKeys.h"

#include "RedisClusterSlot.h"

#include <QHash>

namespace Confab {

namespace {

// Where a command's keys are.
enum class Keys { None, First, AllArgs, Pairs, FirstTwo, Numkeys, Streams, Memory };

const QHash<QByteArray, Keys> &keyRules()
{
    static const QHash<QByteArray, Keys> rules = [] {
        QHash<QByteArray, Keys> r;
        for (const char *verb :
             {"PING",    "ECHO",      "INFO",       "CLUSTER",     "SCRIPT",       "FUNCTION",
              "ROLE",    "WAIT",      "CLIENT",     "CONFIG",      "TIME",         "DBSIZE",
              "PUBLISH", "SUBSCRIBE", "PSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "MULTI",
              "EXEC",    "DISCARD",   "ASKING",     "READONLY",    "READWRITE",    "AUTH",
              "HELLO",   "SELECT",    "COMMAND",    "ACL",         "SLOWLOG",      "LATENCY",
              "DEBUG",   "FLUSHALL",  "FLUSHDB",    "RANDOMKEY",   "SCAN",         "KEYS",
              "PUBSUB"})
            r.insert(verb, Keys::None);
        for (const char *verb : {"EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO"})
            r.insert(verb, Keys::Numkeys);
        for (const char *verb :
             {"DEL", "UNLINK", "EXISTS", "MGET", "TOUCH", "WATCH", "SINTER", "SUNION", "SDIFF",
              "PFCOUNT", "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"})
            r.insert(verb, Keys::AllArgs);
        for (const char *verb : {"MSET", "MSETNX"})
            r.insert(verb, Keys::Pairs);
        for (const char *verb : {"RENAME", "RENAMENX", "SMOVE", "RPOPLPUSH", "LMOVE", "COPY"})
            r.insert(verb, Keys::FirstTwo);
        for (const char *verb : {"XREAD", "XREADGROUP"})
            r.insert(verb, Keys::Streams);
        // MEMORY USAGE KEY names a key; MEMORY STATS and the rest name none.
        r.insert("MEMORY", Keys::Memory);
        return r;
    }();
    return rules;
}

Keys rulesFor(const QByteArray &verb)
{
    const QHash<QByteArray, Keys> &rules = keyRules();
    // Confab writes its verbs in capitals: one lookup, no copy, in the usual case.
    auto it = rules.constFind(verb);
    if (it == rules.cend())
        it = rules.constFind(verb.toUpper());
    return it == rules.cend() ? Keys::First : *it;
}

// Calls `key` for each key of the command, in order, until it returns false.
template<typename F> void forEachKey(const QList<QByteArray> &args, F key)
{
    if (args.isEmpty())
        return;
    switch (rulesFor(args.first())) {
    case Keys::None:
        return;
    case Keys::First:
        if (args.size() > 1)
            key(args.at(1));
        return;
    case Keys::AllArgs:
        for (qsizetype i = 1; i < args.size(); ++i) {
            if (!key(args.at(i)))
                return;
        }
        return;
    case Keys::Pairs:
        for (qsizetype i = 1; i < args.size(); i += 2) {
            if (!key(args.at(i)))
                return;
        }
        return;
    case Keys::FirstTwo:
        for (qsizetype i = 1; i < std::min<qsizetype>(3, args.size()); ++i) {
            if (!key(args.at(i)))
                return;
        }
        return;
    case Keys::Numkeys: {
        bool ok = false;
        const qsizetype count = args.size() > 2 ? args.at(2).toLongLong(&ok) : 0;
        if (!ok || count <= 0)
            return;
        for (qsizetype i = 3; i < std::min(args.size(), 3 + count); ++i) {
            if (!key(args.at(i)))
                return;
        }
        return;
    }
    case Keys::Memory:
        if (args.size() > 2 && args.at(1).toUpper() == "USAGE")
            key(args.at(2));
        return;
    case Keys::Streams:
        // XREAD ... STREAMS k1 k2 id1 id2
        for (qsizetype i = 1; i < args.size(); ++i) {
            if (args.at(i).toUpper() == "STREAMS") {
                const qsizetype n = (args.size() - i - 1) / 2;
                for (qsizetype k = i + 1; k < i + 1 + n; ++k) {
                    if (!key(args.at(k)))
                        return;
                }
                return;
            }
        }
        return;
    }
}

} // namespace

QList<QByteArray> RedisCommandKeys::keysOf(const QList<QByteArray> &args)
{
    QList<QByteArray> keys;
    forEachKey(args, [&keys](const QByteArray &key) {
        keys << key;
        return true;
    });
    return keys;
}

RedisCommandKeys::Route RedisCommandKeys::routeOf(const QList<QByteArray> &args)
{
    Route route;
    const QByteArray *firstKey = nullptr;
    forEachKey(args, [&](const QByteArray &key) {
        const quint16 slot = RedisClusterSlot::of(key);
        if (route.keyless) {
            route.keyless = false;
            route.slot = slot;
            firstKey = &key;
            return true;
        }
        if (slot == route.slot)
            return true;
        route.error = QStringLiteral("%1 names keys in slots %2 (%3) and %4 (%5); a Redis "
                                     "Cluster runs one command on one slot")
                          .arg(QString::fromUtf8(args.first().toUpper()))
                          .arg(route.slot)
                          .arg(QString::fromUtf8(firstKey->left(60)))
                          .arg(slot)
                          .arg(QString::fromUtf8(key.left(60)));
        return false;
    });
    return route;
}

RedisCommandKeys::Route RedisCommandKeys::routeOf(const QList<QList<QByteArray>> &commands)
{
    Route route;
    for (const QList<QByteArray> &args : commands) {
        const Route one = routeOf(args);
        if (!one.error.isEmpty())
            return one;
        if (one.keyless)
            continue;
        if (route.keyless) {
            route = one;
            continue;
        }
        if (one.slot != route.slot) {
            route.error = QStringLiteral("a transaction names keys in slots %1 and %2; a Redis "
                                         "Cluster runs one transaction on one slot")
                              .arg(route.slot)
                              .arg(one.slot);
            return route;
        }
    }
    return route;
}

} // namespace Confab
