#include "TextSelection.h"

#include <algorithm>

namespace Confab {

void TextSelection::begin(const TextPosition &from, const TextPosition &to, Unit unit)
{
    m_anchorFrom = std::min(from, to);
    m_anchorTo = std::max(from, to);
    m_start = m_anchorFrom;
    m_end = m_anchorTo;
    m_unit = unit;
    m_active = true;
}

void TextSelection::extend(const TextPosition &from, const TextPosition &to)
{
    if (!m_active) {
        begin(from, to);
        return;
    }
    // Before the unit pressed: from the pointer's unit to the end of the pressed one; else
    // from the start of the pressed one to the end of the pointer's.
    if (from < m_anchorFrom) {
        m_start = from;
        m_end = m_anchorTo;
    } else {
        m_start = m_anchorFrom;
        m_end = std::max(to, m_anchorTo);
    }
}

void TextSelection::clear()
{
    *this = TextSelection();
}

TextSelection::Range TextSelection::rangeIn(const StreamId &id) const
{
    if (isEmpty() || id < m_start.id || m_end.id < id)
        return {};
    return {id == m_start.id ? m_start.offset : 0,
            id == m_end.id ? m_end.offset : TextPosition::End};
}

} // namespace Confab
