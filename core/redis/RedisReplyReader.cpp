#include "RedisReplyReader.h"

#include <hiredis/hiredis.h>
// sds.h is C with flexible array members, which C++ only accepts as an extension.
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#endif
#include <hiredis/sds.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#include <algorithm>
#include <new>

namespace Confab {

namespace {

// Once this much has gone through the reader, its buffer is freed as soon as it is idle; hiredis
// itself only frees it on the next feed, so a 50 MB reply would otherwise stay resident.
constexpr qsizetype ReleaseThreshold = 1024 * 1024;

// What an array header may claim is only reserved up to this; the rest grows as elements
// arrive, so memory follows the bytes received, not the count a server announces.
constexpr qsizetype ReserveAtMost = 1024;

} // namespace

struct RedisReplyFunctions
{
    // Where a value that hiredis just parsed goes: the root is heap-allocated and owned by
    // hiredis until handed out; children are appended to their parent's element list as they
    // arrive. Appending may move the earlier siblings, but by then each of them is complete and
    // hiredis holds no pointer into the list (only to the parent, in the grandparent's list,
    // which does not grow until the parent is complete).
    static RedisReply *slotFor(const redisReadTask *task)
    {
        if (!task->parent)
            return new (std::nothrow) RedisReply;
        auto *parent = static_cast<RedisReply *>(task->parent->obj);
        if (task->idx != parent->m_elements.size())
            return nullptr; // cannot happen: hiredis fills arrays in order
        parent->m_elements.emplace_back();
        return &parent->m_elements.last();
    }

    static void *createString(const redisReadTask *task, char *str, size_t len)
    {
        RedisReply *r = slotFor(task);
        if (!r)
            return nullptr;
        switch (task->type) {
        case REDIS_REPLY_ERROR:
            r->m_type = RedisReply::Type::Error;
            break;
        case REDIS_REPLY_STATUS:
            r->m_type = RedisReply::Type::Status;
            break;
        default:
            r->m_type = RedisReply::Type::String;
            break;
        }
        r->m_bytes = QByteArray(str, qsizetype(len));
        return r;
    }

#if HIREDIS_MAJOR >= 1
    static void *createArray(const redisReadTask *task, size_t elements)
#else
    static void *createArray(const redisReadTask *task, int elements)
#endif
    {
        if (qint64(elements) > RedisReplyReader::MaxArrayElements) {
            // A protocol error with its own message, not hiredis' "Out of memory".
            if (auto *reader = static_cast<RedisReplyReader *>(task->privdata))
                reader->m_error = QStringLiteral("the server sent an array of %1 elements (at most "
                                                 "%2 are accepted)")
                                      .arg(qint64(elements))
                                      .arg(RedisReplyReader::MaxArrayElements);
            return nullptr;
        }
        RedisReply *r = slotFor(task);
        if (!r)
            return nullptr;
        r->m_type = RedisReply::Type::Array;
        r->m_elements.reserve(std::min(qsizetype(elements), ReserveAtMost));
        return r;
    }

    static void *createInteger(const redisReadTask *task, long long value)
    {
        RedisReply *r = slotFor(task);
        if (!r)
            return nullptr;
        r->m_type = RedisReply::Type::Integer;
        r->m_integer = value;
        return r;
    }

#if HIREDIS_MAJOR >= 1
    // RESP3 only; Confab speaks RESP2, but keep these total for a server that answers in RESP3.
    static void *createDouble(const redisReadTask *task, double, char *str, size_t len)
    {
        return createString(task, str, len);
    }

    static void *createBool(const redisReadTask *task, int value)
    {
        return createInteger(task, value);
    }
#endif

    static void *createNil(const redisReadTask *task)
    {
        RedisReply *r = slotFor(task);
        if (!r)
            return nullptr;
        r->m_type = RedisReply::Type::Nil;
        return r;
    }

    // hiredis only frees roots (children are owned by their parent's list).
    static void freeObject(void *obj)
    {
        delete static_cast<RedisReply *>(obj);
    }
};

static redisReplyObjectFunctions replyFunctions = {
    RedisReplyFunctions::createString,  RedisReplyFunctions::createArray,
    RedisReplyFunctions::createInteger,
#if HIREDIS_MAJOR >= 1
    RedisReplyFunctions::createDouble,
#endif
    RedisReplyFunctions::createNil,
#if HIREDIS_MAJOR >= 1
    RedisReplyFunctions::createBool,
#endif
    RedisReplyFunctions::freeObject,
};

RedisReplyReader::RedisReplyReader()
{
    reset();
}

RedisReplyReader::~RedisReplyReader()
{
    if (m_reader)
        redisReaderFree(m_reader);
}

void RedisReplyReader::reset()
{
    if (m_reader)
        redisReaderFree(m_reader);
    m_reader = redisReaderCreateWithFunctions(&replyFunctions);
    if (!m_reader)
        throw std::bad_alloc();
    m_reader->privdata = this;
    m_bytesSinceReset = 0;
    m_error.clear();
}

void RedisReplyReader::feed(const char *data, qsizetype size)
{
    if (size <= 0)
        return;
    redisReaderFeed(m_reader, data, size_t(size));
    m_bytesSinceReset += size;
}

RedisReplyReader::Result RedisReplyReader::next(RedisReply *reply)
{
    void *obj = nullptr;
    if (redisReaderGetReply(m_reader, &obj) != REDIS_OK) {
        // A limit of ours has said what it was already.
        if (m_error.isEmpty())
            m_error = QString::fromUtf8(m_reader->errstr);
        return Result::ProtocolError;
    }
    if (!obj) {
        releaseBufferIfIdle();
        return Result::NeedMoreData;
    }
    auto *root = static_cast<RedisReply *>(obj);
    *reply = std::move(*root);
    delete root;
    return Result::Reply;
}

qsizetype RedisReplyReader::bufferCapacity() const
{
    return m_reader->buf ? qsizetype(sdsalloc(m_reader->buf)) : 0;
}

void RedisReplyReader::releaseBufferIfIdle()
{
    // Idle = no buffered bytes and no partially built reply.
    if (m_bytesSinceReset >= ReleaseThreshold && m_reader->pos == m_reader->len
        && m_reader->ridx == -1 && !m_reader->reply) {
        reset();
    }
}

} // namespace Confab
