#pragma once

#include "RedisReply.h"

#include <memory>
#include <vector>

struct redisReader;

namespace Confab {

// Incremental RESP parser: bytes in, RedisReply values out. hiredis' reader does the parsing and
// builds our RedisReply tree directly (no intermediate hiredis objects), so a reply is allocated
// once. Parsing is linear in the reply's size however the bytes are split, and after a large
// reply the reader's buffer is released instead of being kept at its peak size.
class RedisReplyReader
{
public:
    RedisReplyReader();
    ~RedisReplyReader();
    RedisReplyReader(const RedisReplyReader &) = delete;
    RedisReplyReader &operator=(const RedisReplyReader &) = delete;

    enum class Result { Reply, NeedMoreData, ProtocolError };
    // How a reply that is an array is built: a RedisReply per element, or one RedisFlatReply.
    enum class Form { Tree, Flat };
    // An array header claiming more is a protocol error (errorString() says so). Memory is
    // never taken on a header's word alone: elements are stored as they arrive.
    static constexpr qsizetype MaxArrayElements = 16 * 1024 * 1024;

    void feed(const char *data, qsizetype size);
    // Takes the next complete reply out, if there is one. `form` applies to a reply that
    // begins in this call; one already begun is finished in the form it was begun in.
    Result next(RedisReply *reply, Form form = Form::Tree);
    QString errorString() const { return m_error; }
    // Bytes the reader holds allocated for its buffer (to check it shrinks after big replies).
    qsizetype bufferCapacity() const;
    // Drops all buffered bytes and any partial reply (after a reconnect).
    void reset();

private:
    friend struct RedisReplyFunctions;
    friend struct RedisFlatReplyBuilder;
    bool idle() const;
    void releaseBufferIfIdle();
    // Complains about an array header claiming too many elements; false then.
    bool acceptArraySize(qint64 elements);

    redisReader *m_reader = nullptr;
    // The flat reply being built, while one is.
    std::shared_ptr<RedisFlatReply> m_flat;
    // The last flat reply handed out, to be built into again once it is released.
    std::shared_ptr<RedisFlatReply> m_flatSpare;
    std::vector<quint32> m_flatParents;
    qsizetype m_flatBytesUsed = 0;
    qsizetype m_bytesSinceReset = 0;
    QString m_error;
};

} // namespace Confab
