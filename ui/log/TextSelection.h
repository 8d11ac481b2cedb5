#pragma once

#include "chat/StreamId.h"

#include <compare>
#include <limits>

namespace Confab {

// A place in the text of the message log: before character `offset` of the text laid out for
// message `id` (MessageDelegate::layoutText). Ordered as the log is: by message, then offset.
struct TextPosition
{
    // An offset past every message's last character: "the end of the message's text".
    static constexpr int End = std::numeric_limits<int>::max();

    StreamId id;
    int offset = 0;

    friend auto operator<=>(const TextPosition &, const TextPosition &) = default;
    friend bool operator==(const TextPosition &, const TextPosition &) = default;
};

// The characters of the message log selected with the mouse: everything between where the
// press was and where the pointer is now, in log order whichever way the mouse went.
//
// The ends are message ids and offsets, not rows, so rows inserted above it (history paged in)
// or trimmed away never shift it; ids only grow down the log, so whether a row is inside is a
// comparison of ids, with no look-up. When a message at an end is trimmed away, the rest of
// the range still holds.
//
// After a double-click the selection grows by whole words, after a triple-click by whole
// messages, and the word or message first clicked stays selected whichever way the mouse goes,
// as in text editors.
class TextSelection
{
public:
    enum class Unit { Character, Word, Message };

    // The selected characters of one message, [from, to); `to` may be TextPosition::End.
    struct Range
    {
        int from = 0;
        int to = 0;
        bool isEmpty() const { return from >= to; }
    };

    // Starts at the unit [from, to) under the press; from == to for characters, so that
    // nothing is selected until the mouse moves.
    void begin(const TextPosition &from, const TextPosition &to, Unit unit = Unit::Character);
    // Spans from the unit pressed to the unit [from, to) under the pointer now.
    void extend(const TextPosition &from, const TextPosition &to);
    void clear();

    // Begun and not cleared since, even if nothing is selected yet.
    bool isActive() const { return m_active; }
    bool isEmpty() const { return m_start == m_end; }
    Unit unit() const { return m_unit; }
    TextPosition start() const { return m_start; }
    TextPosition end() const { return m_end; }
    // Whether more than one message has characters selected (or may: an end may be at the
    // very end or start of its message).
    bool spansMessages() const { return !isEmpty() && m_start.id != m_end.id; }

    // The part of message `id` that is selected; empty if none.
    Range rangeIn(const StreamId &id) const;

private:
    TextPosition m_anchorFrom;
    TextPosition m_anchorTo;
    TextPosition m_start;
    TextPosition m_end;
    Unit m_unit = Unit::Character;
    bool m_active = false;
};

} // namespace Confab
