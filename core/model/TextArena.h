#pragma once

#include <QString>

#include <memory>
#include <vector>

namespace Confab {

// The texts of a message log, as UTF-8 in large shared blocks: a QString per message costs
// a header and a heap block of its own, and twice the bytes for the usual Latin text, which at
// ten thousand messages a channel is most of the log's memory. A block is freed once every
// text in it has been released (rows go oldest first, so blocks empty in order).
class TextArena
{
public:
    struct Ref
    {
        quint32 block = 0;
        quint32 offset = 0;
        quint32 size = 0; // bytes; 0 for an empty text, which takes no room
    };

    static constexpr qsizetype BlockSize = 64 * 1024;

    Ref add(const QString &text);
    QString text(const Ref &ref) const;
    // The text of `ref` is no longer needed.
    void release(const Ref &ref);
    void clear();

    // Bytes held in blocks (tests, benchmarks).
    qsizetype capacity() const;

private:
    struct Block
    {
        std::unique_ptr<char[]> bytes;
        qsizetype size = 0; // capacity
        qsizetype used = 0;
        qsizetype live = 0; // texts not released
    };

    quint32 newBlock(qsizetype size);

    std::vector<Block> m_blocks;
    std::vector<quint32> m_freeSlots; // indexes of freed blocks, for reuse
    quint32 m_current = 0;
    bool m_hasCurrent = false;
};

} // namespace Confab
