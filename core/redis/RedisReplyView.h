#pragma once

#include "RedisFlatReply.h"
#include "RedisReply.h"

#include <QByteArrayView>

namespace Confab {

// Reads a reply the same way whichever form it was read in: an ordinary RedisReply tree or a
// RedisFlatReply. Code that reads big arrays (stream pages) takes views, so that it serves both
// the commands that asked for the flat form and the replies built by hand or read as trees.
// A view does not own anything: it is valid while the reply it was made from is.
class RedisReplyView
{
public:
    // A nil reply.
    RedisReplyView() = default;
    // NOLINTNEXTLINE(google-explicit-constructor): a reply is usable wherever a view is.
    RedisReplyView(const RedisReply &reply);

    RedisReply::Type type() const;
    bool isNil() const { return type() == RedisReply::Type::Nil; }
    bool isInteger() const { return type() == RedisReply::Type::Integer; }
    bool isError() const { return type() == RedisReply::Type::Error; }
    bool isString() const { return type() == RedisReply::Type::String; }
    bool isArray() const { return type() == RedisReply::Type::Array; }

    qint64 toInteger() const;
    // Bytes of a String, Status or Error reply; empty for the other types.
    QByteArrayView bytes() const;
    // Elements of an array; 0 for the other types.
    qsizetype size() const;
    // Element i, or nil when there is none. Linear in i on a flat reply: walk the elements
    // with begin()/end() instead.
    RedisReplyView at(qsizetype i) const;
    RedisReply toReply() const;

    class Iterator
    {
    public:
        RedisReplyView operator*() const;
        Iterator &operator++();
        friend bool operator==(const Iterator &a, const Iterator &b)
        {
            return a.m_tree == b.m_tree && a.m_node == b.m_node;
        }

    private:
        friend class RedisReplyView;
        const RedisReply *m_tree = nullptr;
        const RedisFlatReply *m_flat = nullptr;
        qsizetype m_node = 0;
    };
    Iterator begin() const;
    Iterator end() const;

private:
    RedisReplyView(const RedisFlatReply *flat, qsizetype node)
        : m_flat(flat)
        , m_node(node)
    { }

    const RedisReply *m_tree = nullptr;
    const RedisFlatReply *m_flat = nullptr;
    qsizetype m_node = 0;
};

} // namespace Confab
