#include "RedisRedirect.h"

#include "RedisClusterSlot.h"
#include "redis/RedisReply.h"

#include <QList>

namespace Confab {

std::optional<RedisRedirect> RedisRedirect::parse(const RedisReply &reply)
{
    if (!reply.isError() || reply.isClientError())
        return std::nullopt;
    const QByteArray &text = reply.bytes();
    RedisRedirect redirect;
    if (text.startsWith("TRYAGAIN")) {
        redirect.kind = Kind::TryAgain;
        return redirect;
    }
    if (text.startsWith("CLUSTERDOWN")) {
        redirect.kind = Kind::ClusterDown;
        return redirect;
    }
    const QList<QByteArray> words = text.split(' ');
    if (words.size() != 3 || (words.at(0) != "MOVED" && words.at(0) != "ASK"))
        return std::nullopt;
    redirect.kind = words.at(0) == "MOVED" ? Kind::Moved : Kind::Ask;
    bool ok = false;
    const uint slot = words.at(1).toUInt(&ok);
    if (!ok || slot >= uint(RedisClusterSlot::Count))
        return std::nullopt;
    redirect.slot = quint16(slot);
    // host:port, [v6]:port or :port; the port is after the last ':'.
    const QByteArray &address = words.at(2);
    const qsizetype colon = address.lastIndexOf(':');
    if (colon < 0)
        return std::nullopt;
    const uint port = address.mid(colon + 1).toUInt(&ok);
    if (!ok || port == 0 || port > 65535)
        return std::nullopt;
    redirect.port = quint16(port);
    QByteArray host = address.left(colon);
    if (host.startsWith('[') && host.endsWith(']'))
        host = host.mid(1, host.size() - 2);
    if (host.contains('[') || host.contains(']') || host.contains(' '))
        return std::nullopt;
    redirect.host = QString::fromLatin1(host);
    return redirect;
}

} // namespace Confab
