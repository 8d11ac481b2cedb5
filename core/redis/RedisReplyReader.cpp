#include "RedisReplyReader.h"

#include "RedisFlatReply.h"

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
#include <cstring>
#include <limits>
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
        if (!static_cast<RedisReplyReader *>(task->privdata)->acceptArraySize(qint64(elements)))
            return nullptr;
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

// hiredis' table for a builder. RESP3's doubles and booleans only come from a server that
// answers in RESP3 (Confab speaks RESP2): kept total, as a string and an integer.
template<typename Builder> redisReplyObjectFunctions functionsOf()
{
    return
    {
        Builder::createString, Builder::createArray, Builder::createInteger,
#if HIREDIS_MAJOR >= 1
            [](const redisReadTask *task, double, char *str, size_t len) {
                return Builder::createString(task, str, len);
            },
#endif
            Builder::createNil,
#if HIREDIS_MAJOR >= 1
            [](const redisReadTask *task, int value) {
                return Builder::createInteger(task, value);
            },
#endif
            Builder::freeObject,
    };
}

static redisReplyObjectFunctions replyFunctions = functionsOf<RedisReplyFunctions>();

// Builds a RedisFlatReply: every value appends a node (and its bytes); the object handed back to
// hiredis is the node's index + 1, which is all hiredis needs (a non-null handle to give back
// as the parent of the next elements). The storage belongs to the reader until the reply is
// complete, so there is nothing to free per object.
struct RedisFlatReplyBuilder
{
    using Node = RedisFlatReply::Node;

    // Pages come one after another, each about as big as the one before: the last one's
    // blocks are used again once nobody holds it any more, instead of fresh memory that the
    // kernel has to fault in page by page.
    static void begin(RedisReplyReader &reader)
    {
        constexpr qsizetype KeepAtMost = 4 * 1024 * 1024;
        std::shared_ptr<RedisFlatReply> &spare = reader.m_flatSpare;
        if (spare && spare.use_count() == 1
            && spare->m_bytes.capacity() + qsizetype(spare->m_nodes.capacity() * sizeof(Node))
                <= KeepAtMost) {
            reader.m_flat = std::move(spare);
            reader.m_flat->m_nodes.clear();
            reader.m_flat->m_bytes.resize(reader.m_flat->m_bytes.capacity());
        } else {
            spare.reset();
            reader.m_flat = std::make_shared<RedisFlatReply>();
        }
        reader.m_flatParents.clear();
        reader.m_flatBytesUsed = 0;
    }

    static void *append(const redisReadTask *task, RedisReply::Type type, qint64 value,
                        quint32 length)
    {
        auto *reader = static_cast<RedisReplyReader *>(task->privdata);
        if (!task->parent || !reader->m_flat)
            begin(*reader);
        RedisFlatReply &flat = *reader->m_flat;
        if (flat.m_nodes.size() >= Node::MaxExtent) {
            reader->m_error = QStringLiteral("the server sent a reply of more than %1 values")
                                  .arg(Node::MaxExtent);
            return nullptr;
        }
        const auto index = quint32(flat.m_nodes.size());
        const quint32 parent =
            task->parent ? quint32(reinterpret_cast<quintptr>(task->parent->obj) - 1) : index;
        Node node;
        node.value = value;
        node.length = length;
        node.typeBits = quint32(type);
        flat.m_nodes.push_back(node);
        reader->m_flatParents.push_back(parent);
        return reinterpret_cast<void *>(quintptr(index) + 1);
    }

    static void *createString(const redisReadTask *task, char *str, size_t len)
    {
        auto *reader = static_cast<RedisReplyReader *>(task->privdata);
        if (len > std::numeric_limits<quint32>::max()) {
            reader->m_error = QStringLiteral("the server sent a string of %1 bytes").arg(len);
            return nullptr;
        }
        RedisReply::Type type = RedisReply::Type::String;
        if (task->type == REDIS_REPLY_ERROR)
            type = RedisReply::Type::Error;
        else if (task->type == REDIS_REPLY_STATUS)
            type = RedisReply::Type::Status;
        const qint64 offset = task->parent && reader->m_flat ? reader->m_flatBytesUsed : 0;
        void *obj = append(task, type, offset, quint32(len));
        if (!obj)
            return nullptr;
        // The block's size is its capacity (grown by doubling, cut to what is used at the end):
        // appending is a copy, not QByteArray's general insert.
        QByteArray &bytes = reader->m_flat->m_bytes;
        const qsizetype needed = reader->m_flatBytesUsed + qsizetype(len);
        if (needed > bytes.size())
            bytes.resize(std::max(needed, std::max<qsizetype>(4096, bytes.size() * 2)));
        if (len > 0)
            std::memcpy(bytes.data() + reader->m_flatBytesUsed, str, len);
        reader->m_flatBytesUsed = needed;
        return obj;
    }

#if HIREDIS_MAJOR >= 1
    static void *createArray(const redisReadTask *task, size_t elements)
#else
    static void *createArray(const redisReadTask *task, int elements)
#endif
    {
        if (!static_cast<RedisReplyReader *>(task->privdata)->acceptArraySize(qint64(elements)))
            return nullptr;
        return append(task, RedisReply::Type::Array, 0, quint32(elements));
    }

    static void *createInteger(const redisReadTask *task, long long value)
    {
        return append(task, RedisReply::Type::Integer, value, 0);
    }

    static void *createNil(const redisReadTask *task)
    {
        return append(task, RedisReply::Type::Nil, 0, 0);
    }

    static void freeObject(void *) { }

    // The reply once hiredis has completed it: extents filled in, handed out as a RedisReply
    // (an ordinary one when it is not an array: there is nothing to flatten).
    static RedisReply finish(RedisReplyReader &reader)
    {
        std::shared_ptr<RedisFlatReply> flat = std::move(reader.m_flat);
        flat->m_bytes.truncate(reader.m_flatBytesUsed);
        auto &nodes = flat->m_nodes;
        // Children come after their parent: adding each subtree to its parent from the end
        // leaves every extent complete.
        const std::vector<quint32> &parents = reader.m_flatParents;
        for (size_t i = nodes.size(); i-- > 1;)
            nodes[parents[i]].extent += nodes[i].extent;
        if (nodes.front().type() != RedisReply::Type::Array)
            return flat->toReply();
        RedisReply reply;
        reply.m_type = RedisReply::Type::Array;
        reply.m_integer = nodes.front().length;
        reader.m_flatSpare = flat;
        reply.m_flat = std::move(flat);
        return reply;
    }
};

static redisReplyObjectFunctions flatFunctions = functionsOf<RedisFlatReplyBuilder>();

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
    m_flat.reset();
    m_flatSpare.reset();
    std::vector<quint32>().swap(m_flatParents);
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

bool RedisReplyReader::acceptArraySize(qint64 elements)
{
    if (elements <= MaxArrayElements)
        return true;
    // A protocol error with its own message, not hiredis' "Out of memory".
    m_error = QStringLiteral("the server sent an array of %1 elements (at most %2 are accepted)")
                  .arg(elements)
                  .arg(MaxArrayElements);
    return false;
}

bool RedisReplyReader::idle() const
{
    return m_reader->ridx == -1 && !m_reader->reply;
}

RedisReplyReader::Result RedisReplyReader::next(RedisReply *reply, Form form)
{
    if (idle())
        m_reader->fn = form == Form::Flat ? &flatFunctions : &replyFunctions;
    const bool flat = m_reader->fn == &flatFunctions;
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
    if (flat) {
        *reply = RedisFlatReplyBuilder::finish(*this);
        return Result::Reply;
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
    if (m_bytesSinceReset >= ReleaseThreshold && m_reader->pos == m_reader->len && idle()) {
        // The spare flat reply is bounded and about to be wanted again: it stays.
        std::shared_ptr<RedisFlatReply> spare = std::move(m_flatSpare);
        reset();
        m_flatSpare = std::move(spare);
    }
}

} // namespace Confab
