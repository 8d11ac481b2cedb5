#pragma once

#include <QList>
#include <QRectF>
#include <QTextLayout>
#include <QUrl>

#include <utility>

class QPainter;

namespace Confab {

// The wrapped text of one message row, laid out once for one width and kept by the
// MessageDelegate's cache: painting and hit testing reuse it instead of shaping the text again
// on every repaint and mouse move.
//
// Lines sit at multiples of a fixed line spacing (the font's), so the height is known from the
// line count alone; that is what lets the delegate estimate rows it has not laid out.
class MessageLayout
{
public:
    struct Link
    {
        int start = 0;
        int length = 0;
        QUrl url;
    };

    // `formats` style parts of `text` (links, notes); text elsewhere is drawn with the pen.
    MessageLayout(const QString &text, const QFont &font,
                  const QList<QTextLayout::FormatRange> &formats, const QList<Link> &links,
                  qreal width, qreal lineSpacing);

    MessageLayout(const MessageLayout &) = delete;
    MessageLayout &operator=(const MessageLayout &) = delete;

    QString text() const { return m_layout.text(); }
    int lineCount() const { return m_layout.lineCount(); }
    qreal height() const { return m_height; }
    // The widest line's width.
    qreal naturalWidth() const { return m_layout.maximumWidth(); }
    // From the top of the layout to the first line's baseline, to align what is drawn beside it.
    qreal firstBaseline() const;
    const QList<Link> &links() const { return m_links; }

    void draw(QPainter *painter, const QPointF &topLeft) const;
    // With the characters [selectionStart, selectionEnd) on a `background` band as tall as the
    // line spacing (QTextLayout's own is only as tall as the font, which leaves stripes between
    // the lines of a selection), drawn in `foreground`.
    void draw(QPainter *painter, const QPointF &topLeft, int selectionStart, int selectionEnd,
              const QColor &background, const QColor &foreground) const;

    // The cursor position (0 to the text's length) nearest to `pos`, relative to the layout's
    // top left: on the first line above the text, on the last one below it, at the start or
    // end of a line beside it. With QTextLine::CursorOnCharacter, the character under `pos`.
    int cursorAt(const QPointF &pos,
                 QTextLine::CursorPosition mode = QTextLine::CursorBetweenCharacters) const;
    // Where cursor position `cursor` is drawn: a zero-width rectangle as tall as the line.
    QRectF cursorRect(int cursor) const;
    // The word (or run of spaces, or punctuation mark) holding character `character`, as
    // [start, end): what a double-click selects.
    std::pair<int, int> wordAt(int character) const;

    // `pos` relative to the layout's top left. Empty when not over a link's characters.
    QUrl linkAt(const QPointF &pos) const;
    // Where the link's first line is drawn, relative to the layout's top left.
    QRectF linkRect(int linkNumber) const;

private:
    QTextLayout m_layout;
    QList<Link> m_links;
    qreal m_lineSpacing = 0;
    qreal m_height = 0;
    qreal m_ascent = 0; // the font's, for a layout without lines
};

} // namespace Confab
