#pragma once

#include "RedisReply.h"

#include <QByteArray>
#include <QByteArrayView>

#include <vector>

namespace Confab {

// A reply read into two blocks, one for its structure and one for its bytes, instead of a
// RedisReply (and a heap string) per element. A page of a stream has about a dozen elements per
// entry; read as a tree, each is an allocation and a free, and that was most of what draining a
// channel cost. Asked for per command (RedisConnection::CommandOptions::flatArrays), read
// through RedisReplyView, built by RedisReplyReader. Immutable once built.
class RedisFlatReply
{
public:
    // Nodes are stored depth first, each array before its elements; an array's elements are
    // found by skipping each one's extent.
    struct Node
    {
        // Most nodes are short strings; 16 bytes each keeps a page's structure small.
        static constexpr quint32 MaxExtent = (1u << 29) - 1;

        qint64 value = 0; // Integer: the value; String, Status, Error: offset in bytes()
        quint32 length = 0; // String, Status, Error: byte count; Array: element count
        quint32 extent : 29 = 1; // nodes in this node's subtree, itself included
        quint32 typeBits : 3 = 0;

        RedisReply::Type type() const { return RedisReply::Type(typeBits); }
    };

    qsizetype nodeCount() const { return qsizetype(m_nodes.size()); }
    const Node &node(qsizetype index) const { return m_nodes[size_t(index)]; }
    QByteArrayView bytes(const Node &node) const
    {
        return {m_bytes.constData() + node.value, node.length};
    }
    // The node's subtree as an ordinary reply (for callers that did not ask for this form).
    RedisReply toReply(qsizetype index = 0) const;

private:
    friend struct RedisFlatReplyBuilder;

    QByteArray m_bytes;
    std::vector<Node> m_nodes;
};

} // namespace Confab
