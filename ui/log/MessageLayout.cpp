#include "MessageLayout.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QTextBoundaryFinder>
#include <QTextOption>

#include <algorithm>
#include <cmath>

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

void MessageLayout::draw(QPainter *painter, const QPointF &topLeft, int selectionStart,
                         int selectionEnd, const QColor &background, const QColor &foreground) const
{
    selectionStart = std::max(selectionStart, 0);
    selectionEnd = std::min<int>(selectionEnd, int(m_layout.text().size()));
    if (selectionStart >= selectionEnd) {
        m_layout.draw(painter, topLeft);
        return;
    }
    for (int i = 0; i < m_layout.lineCount(); ++i) {
        const QTextLine line = m_layout.lineAt(i);
        const int from = std::max(selectionStart, line.textStart());
        const int to = std::min(selectionEnd, line.textStart() + line.textLength());
        if (from >= to)
            continue;
        const qreal x1 = line.cursorToX(from);
        const qreal x2 = line.cursorToX(to);
        painter->fillRect(QRectF(QPointF(std::min(x1, x2), line.y()),
                                 QPointF(std::max(x1, x2), line.y() + m_lineSpacing))
                              .translated(topLeft),
                          background);
    }
    QTextLayout::FormatRange selection;
    selection.start = selectionStart;
    selection.length = selectionEnd - selectionStart;
    selection.format.setForeground(foreground);
    m_layout.draw(painter, topLeft, {selection});
}

int MessageLayout::cursorAt(const QPointF &pos, QTextLine::CursorPosition mode) const
{
    if (m_layout.lineCount() == 0 || m_lineSpacing <= 0)
        return 0;
    const int lineNumber =
        std::clamp(int(std::floor(pos.y() / m_lineSpacing)), 0, m_layout.lineCount() - 1);
    const QTextLine line = m_layout.lineAt(lineNumber);
    const int lineEnd = line.textStart() + line.textLength();
    if (pos.x() <= line.x())
        return line.textStart();
    int cursor = line.xToCursor(pos.x(), mode);
    // Past the end of a line that ends in the space it was wrapped at or in a line break: the
    // cursor goes before that, not to the start of the next line.
    const bool lastLine = lineNumber == m_layout.lineCount() - 1;
    if (!lastLine && cursor >= lineEnd && lineEnd > line.textStart()) {
        const QChar last = m_layout.text().at(lineEnd - 1);
        if (last.isSpace() || last == QChar::LineSeparator)
            cursor = lineEnd - 1;
    }
    return std::clamp(cursor, 0, int(m_layout.text().size()));
}

QRectF MessageLayout::cursorRect(int cursor) const
{
    cursor = std::clamp(cursor, 0, int(m_layout.text().size()));
    for (int i = 0; i < m_layout.lineCount(); ++i) {
        const QTextLine line = m_layout.lineAt(i);
        if (cursor < line.textStart() + line.textLength() || i == m_layout.lineCount() - 1)
            return QRectF(line.cursorToX(cursor), line.y(), 0, m_lineSpacing);
    }
    return QRectF(0, 0, 0, m_lineSpacing);
}

std::pair<int, int> MessageLayout::wordAt(int character) const
{
    const QString text = m_layout.text();
    if (text.isEmpty())
        return {0, 0};
    character = std::clamp(character, 0, int(text.size()) - 1);
    // Unicode's word boundaries: "don't" and "example.com" are one word each.
    QTextBoundaryFinder finder(QTextBoundaryFinder::Word, text);
    finder.setPosition(character);
    const int start = finder.isAtBoundary() ? character : int(finder.toPreviousBoundary());
    finder.setPosition(character);
    const int end = int(finder.toNextBoundary());
    return {std::max(start, 0), end < 0 ? int(text.size()) : end};
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
