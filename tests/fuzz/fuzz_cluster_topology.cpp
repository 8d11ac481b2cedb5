// What cluster nodes and sentinels tell the client, as RESP: a CLUSTER SHARDS or CLUSTER SLOTS
// reply read as a slot map, a SENTINEL GET-MASTER-ADDR-BY-NAME reply and a +switch-master
// payload read as an address. Whatever a hostile server sends, a map that comes out is
// consistent (every slot's owner is one of its masters; nodes listed once), an address has a
// host and a real port, and routing a command never names a slot its keys are not in.
#include "FuzzCheck.h"
#include "redis/RedisReplyReader.h"
#include "redis/cluster/RedisClusterSlot.h"
#include "redis/cluster/RedisCommandKeys.h"
#include "redis/cluster/RedisSlotMap.h"
#include "redis/sentinel/RedisSentinelMonitor.h"

#include <QSet>

using namespace Confab;

namespace {

void checkMap(const std::optional<RedisSlotMap> &map)
{
    if (!map)
        return;
    const QList<RedisSlotMap::Endpoint> masters = map->masters();
    FUZZ_CHECK(map->shardCount() == masters.size(), QString::number(map->shardCount()));
    bool covered = true;
    // Every 97th slot is enough to catch an owner outside the masters, and keeps runs fast.
    for (int slot = 0; slot < RedisClusterSlot::Count; slot += 97) {
        const auto owner = map->ownerOf(quint16(slot));
        covered = covered && owner.has_value();
        if (owner)
            FUZZ_CHECK(masters.contains(*owner), owner->toString());
    }
    if (map->coversAllSlots())
        FUZZ_CHECK(covered, QStringLiteral("covers all slots, but one has no owner"));
    const QList<RedisSlotMap::Endpoint> nodes = map->nodes();
    QSet<QString> seen;
    for (const auto &node : nodes) {
        FUZZ_CHECK(node.port != 0, node.toString());
        FUZZ_CHECK(!seen.contains(node.toString()), node.toString());
        seen.insert(node.toString());
    }
}

void checkRoute(const QList<QByteArray> &args)
{
    const RedisCommandKeys::Route route = RedisCommandKeys::routeOf(args);
    const QList<QByteArray> keys = RedisCommandKeys::keysOf(args);
    for (const QByteArray &key : keys)
        FUZZ_CHECK(args.contains(key), QString::fromUtf8(key.left(40)));
    if (!route.error.isEmpty())
        return;
    FUZZ_CHECK(route.keyless == keys.isEmpty(), QString::number(keys.size()));
    for (const QByteArray &key : keys)
        FUZZ_CHECK(RedisClusterSlot::of(key) == route.slot, QString::fromUtf8(key.left(40)));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzedDataProvider input(data, size);
    const std::string payload = input.ConsumeRandomLengthString(256);
    const std::string rest = input.ConsumeRemainingBytesAsString();
    const QByteArray bytes(rest.data(), qsizetype(rest.size()));

    const auto moved = RedisSentinelMonitor::parseSwitchMaster(
        QByteArray(payload.data(), qsizetype(payload.size())), "mymaster");
    if (moved)
        FUZZ_CHECK(moved->port != 0 && !moved->host.isEmpty(), moved->toString());

    RedisReplyReader reader;
    reader.feed(bytes.constData(), bytes.size());
    const RedisSlotMap::Endpoint via{QStringLiteral("10.0.0.1"), 7000};
    for (int i = 0; i < 64; ++i) {
        RedisReply reply;
        if (reader.next(&reply) != RedisReplyReader::Result::Reply)
            break;
        checkMap(RedisSlotMap::fromShards(reply, via));
        checkMap(RedisSlotMap::fromSlots(reply, via));
        if (const auto address = RedisSentinelMonitor::parseMasterAddress(reply))
            FUZZ_CHECK(address->port != 0 && !address->host.isEmpty(), address->toString());
        if (reply.isArray()) {
            QList<QByteArray> args;
            for (const RedisReply &element : reply.elements())
                args << element.bytes();
            checkRoute(args);
        }
    }
    return 0;
}
