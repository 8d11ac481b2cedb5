#include "RedisReplyView.h"

namespace Confab {

RedisReplyView::RedisReplyView(const RedisReply &reply)
{
    if (reply.flat())
        m_flat = reply.flat();
    else
        m_tree = &reply;
}

RedisReply::Type RedisReplyView::type() const
{
    if (m_flat)
        return m_flat->node(m_node).type();
    return m_tree ? m_tree->type() : RedisReply::Type::Nil;
}

qint64 RedisReplyView::toInteger() const
{
    if (m_flat) {
        const RedisFlatReply::Node &node = m_flat->node(m_node);
        return node.type() == RedisReply::Type::Integer ? node.value : 0;
    }
    return m_tree ? m_tree->toInteger() : 0;
}

QByteArrayView RedisReplyView::bytes() const
{
    if (m_flat) {
        const RedisFlatReply::Node &node = m_flat->node(m_node);
        switch (node.type()) {
        case RedisReply::Type::String:
        case RedisReply::Type::Status:
        case RedisReply::Type::Error:
            return m_flat->bytes(node);
        default:
            return {};
        }
    }
    return m_tree ? QByteArrayView(m_tree->bytes()) : QByteArrayView();
}

qsizetype RedisReplyView::size() const
{
    if (m_flat) {
        const RedisFlatReply::Node &node = m_flat->node(m_node);
        return node.type() == RedisReply::Type::Array ? qsizetype(node.length) : 0;
    }
    return m_tree ? m_tree->size() : 0;
}

RedisReplyView RedisReplyView::at(qsizetype i) const
{
    if (i < 0 || i >= size())
        return {};
    if (!m_flat) {
        RedisReplyView element;
        element.m_tree = &m_tree->at(i);
        return element;
    }
    qsizetype node = m_node + 1;
    for (; i > 0; --i)
        node += m_flat->node(node).extent;
    return {m_flat, node};
}

RedisReply RedisReplyView::toReply() const
{
    if (m_flat)
        return m_flat->toReply(m_node);
    return m_tree ? *m_tree : RedisReply::nil();
}

RedisReplyView RedisReplyView::Iterator::operator*() const
{
    if (m_flat)
        return {m_flat, m_node};
    RedisReplyView element;
    element.m_tree = m_tree;
    return element;
}

RedisReplyView::Iterator &RedisReplyView::Iterator::operator++()
{
    if (m_flat)
        m_node += m_flat->node(m_node).extent;
    else
        ++m_tree;
    return *this;
}

RedisReplyView::Iterator RedisReplyView::begin() const
{
    Iterator it;
    if (m_flat) {
        it.m_flat = m_flat;
        it.m_node = m_node + 1;
    } else if (m_tree && m_tree->isArray()) {
        it.m_tree = m_tree->elements().constData();
    }
    return it;
}

RedisReplyView::Iterator RedisReplyView::end() const
{
    Iterator it;
    if (m_flat) {
        it.m_flat = m_flat;
        // An array's elements end where its subtree does; a string has none.
        it.m_node = m_flat->node(m_node).type() == RedisReply::Type::Array
            ? m_node + m_flat->node(m_node).extent
            : m_node + 1;
    } else if (m_tree && m_tree->isArray()) {
        it.m_tree = m_tree->elements().constData() + m_tree->size();
    }
    return it;
}

} // namespace Confab
