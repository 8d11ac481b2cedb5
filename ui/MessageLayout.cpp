#include "MessageLayout.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QTextOption>

#include <algorithm>

namespace Confab {

MessageLayout::MessageLayout(const QString &text, const QFont &font,
                             const QList<QTextLayout::FormatRange> &formats,
                             const QList<Link> &links, qreal width, qreal lineSpacing)
    : m_layout(text, font)
    , m_links(links)
    , m_lineSpacing(lineSpacing)
    , m_ascent(QFontMetricsF(font).ascent())
{
    QTextOption option;
    // Long URLs and words without spaces still have to fit the width.
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    m_layout.setTextOption(option);
    m_layout.setFormats(formats);
    m_layout.setCacheEnabled(true);
    m_layout.beginLayout();
    for (int n = 0;; ++n) {
        QTextLine line = m_layout.createLine();
        if (!line.isValid())
            break;
        line.setLineWidth(std::max<qreal>(width, 1));
        line.setPosition(QPointF(0, n * lineSpacing));
    }
    m_layout.endLayout();
    m_height = std::max(1, m_layout.lineCount()) * lineSpacing;
}

qreal MessageLayout::firstBaseline() const
{
    if (m_layout.lineCount() == 0)
        return m_ascent;
    return m_layout.lineAt(0).ascent();
}

void MessageLayout::draw(QPainter *painter, const QPointF &topLeft) const
{
    m_layout.draw(painter, topLeft);
}

QUrl MessageLayout::linkAt(const QPointF &pos) const
{
    if (m_links.isEmpty() || pos.y() < 0 || m_lineSpacing <= 0)
        return {};
    const int lineNumber = int(pos.y() / m_lineSpacing);
    if (lineNumber >= m_layout.lineCount())
        return {};
    const QTextLine line = m_layout.lineAt(lineNumber);
    if (pos.x() < line.x() || pos.x() > line.x() + line.naturalTextWidth())
        return {};
    const int cursor = line.xToCursor(pos.x(), QTextLine::CursorOnCharacter);
    for (const Link &link : m_links) {
        if (cursor >= link.start && cursor < link.start + link.length)
            return link.url;
    }
    return {};
}

QRectF MessageLayout::linkRect(int linkNumber) const
{
    if (linkNumber < 0 || linkNumber >= m_links.size())
        return {};
    const Link &link = m_links.at(linkNumber);
    for (int i = 0; i < m_layout.lineCount(); ++i) {
        const QTextLine line = m_layout.lineAt(i);
        const int lineEnd = line.textStart() + line.textLength();
        if (link.start < line.textStart() || link.start >= lineEnd)
            continue;
        const qreal x1 = line.cursorToX(link.start);
        const qreal x2 = line.cursorToX(std::min(link.start + link.length, lineEnd));
        return QRectF(QPointF(std::min(x1, x2), line.y()),
                      QPointF(std::max(x1, x2), line.y() + m_lineSpacing));
    }
    return {};
}

} // namespace Confab
