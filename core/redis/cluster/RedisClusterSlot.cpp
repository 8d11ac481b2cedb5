#include "RedisClusterSlot.h"

#include <array>

namespace Confab {

namespace {

// CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0), as in the Redis Cluster
// specification; the table is built at compile time.
constexpr std::array<quint16, 256> makeTable()
{
    std::array<quint16, 256> table{};
    for (int byte = 0; byte < 256; ++byte) {
        quint16 crc = quint16(byte << 8);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 0x8000) ? quint16((crc << 1) ^ 0x1021) : quint16(crc << 1);
        table[std::size_t(byte)] = crc;
    }
    return table;
}

constexpr std::array<quint16, 256> Table = makeTable();

} // namespace

quint16 RedisClusterSlot::crc16(QByteArrayView data)
{
    quint16 crc = 0;
    for (const char c : data)
        crc = quint16((crc << 8) ^ Table[std::size_t(((crc >> 8) ^ quint8(c)) & 0xff)]);
    return crc;
}

QByteArrayView RedisClusterSlot::hashedPart(QByteArrayView key)
{
    const qsizetype open = key.indexOf('{');
    if (open < 0)
        return key;
    const qsizetype close = key.indexOf('}', open + 1);
    // "{}" or no closing brace: the whole key is hashed.
    if (close < 0 || close == open + 1)
        return key;
    return key.sliced(open + 1, close - open - 1);
}

quint16 RedisClusterSlot::of(QByteArrayView key)
{
    return quint16(crc16(hashedPart(key)) & (Count - 1));
}

} // namespace Confab
