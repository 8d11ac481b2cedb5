#include "TextArena.h"

#include <QByteArray>

#include <cstring>

namespace Confab {

TextArena::Ref TextArena::add(const QString &text)
{
    if (text.isEmpty())
        return {};
    const QByteArray utf8 = text.toUtf8();
    const auto size = utf8.size();
    if (!m_hasCurrent || m_blocks[m_current].size - m_blocks[m_current].used < size) {
        // A text longer than a block gets one of its own; the current block stays current.
        if (size > BlockSize / 4) {
            const quint32 own = newBlock(size);
            Block &block = m_blocks[own];
            std::memcpy(block.bytes.get(), utf8.constData(), size_t(size));
            block.used = size;
            block.live = 1;
            return {own, 0, quint32(size)};
        }
        m_current = newBlock(BlockSize);
        m_hasCurrent = true;
    }
    Block &block = m_blocks[m_current];
    const Ref ref{m_current, quint32(block.used), quint32(size)};
    std::memcpy(block.bytes.get() + block.used, utf8.constData(), size_t(size));
    block.used += size;
    ++block.live;
    return ref;
}

QString TextArena::text(const Ref &ref) const
{
    if (ref.size == 0)
        return {};
    return QString::fromUtf8(m_blocks[ref.block].bytes.get() + ref.offset, qsizetype(ref.size));
}

void TextArena::release(const Ref &ref)
{
    if (ref.size == 0)
        return;
    Block &block = m_blocks[ref.block];
    if (--block.live > 0)
        return;
    if (m_hasCurrent && ref.block == m_current) {
        // Empty again: filled from the start.
        block.used = 0;
        return;
    }
    block.bytes.reset();
    block.size = 0;
    block.used = 0;
    m_freeSlots.push_back(ref.block);
}

void TextArena::clear()
{
    m_blocks.clear();
    m_freeSlots.clear();
    m_hasCurrent = false;
}

qsizetype TextArena::capacity() const
{
    qsizetype total = 0;
    for (const Block &block : m_blocks)
        total += block.size;
    return total;
}

quint32 TextArena::newBlock(qsizetype size)
{
    Block block;
    block.bytes = std::make_unique_for_overwrite<char[]>(size_t(size));
    block.size = size;
    if (!m_freeSlots.empty()) {
        const quint32 slot = m_freeSlots.back();
        m_freeSlots.pop_back();
        m_blocks[slot] = std::move(block);
        return slot;
    }
    m_blocks.push_back(std::move(block));
    return quint32(m_blocks.size() - 1);
}

} // namespace Confab
