#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace Confab {

// Where a command must run on a Redis Cluster: the slot of its keys, or anywhere when it has
// none. Knows the key positions of the commands Confab sends (and the usual ones a script or
// test might): the first argument for single-key commands, every argument for DEL/EXISTS/
// MGET-style ones, numkeys for EVAL/EVALSHA/FCALL, the channel for SPUBLISH/SSUBSCRIBE. A
// command whose keys fall into two slots is refused here, before anything is sent.
class RedisCommandKeys
{
public:
    struct Route
    {
        bool keyless = true;
        quint16 slot = 0;
        // Non-empty: the command cannot run on a cluster as it stands (why, for the caller).
        QString error;
    };

    static Route routeOf(const QList<QByteArray> &args);
    // The keys of a command, in order (empty for keyless ones).
    static QList<QByteArray> keysOf(const QList<QByteArray> &args);
    // Several commands that must run on one node (a transaction) share one route.
    static Route routeOf(const QList<QList<QByteArray>> &commands);
};

} // namespace Confab
