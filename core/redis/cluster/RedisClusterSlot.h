#pragma once

#include <QByteArrayView>

namespace Confab {

// The Redis Cluster slot of a key, computed as the servers do: CRC16 (XMODEM) of the key, or
// of its hash tag, modulo 16384. The hash tag is what stands between the first '{' and the
// first '}' after it, when that is not empty; Confab's keys put a name there so that all keys
// of one conversation (or of one person) share a slot.
class RedisClusterSlot
{
public:
    static constexpr int Count = 16384;

    static quint16 of(QByteArrayView key);
    // The part of `key` that is hashed (the tag, or the whole key).
    static QByteArrayView hashedPart(QByteArrayView key);
    static quint16 crc16(QByteArrayView data);
};

} // namespace Confab
