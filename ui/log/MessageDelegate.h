#pragma once

#include "MessageLayout.h"

#include <QByteArray>
#include <QCache>
#include <QColor>
#include <QDate>
#include <QFont>
#include <QHash>
#include <QPalette>
#include <QStyledItemDelegate>
#include <QUrl>

namespace Confab {

class MessageRowCache;
class TextSelection;

// Paints the rows of a MessageLogModel the way chat clients do: "[12:01]  alice  hello",
// names in stable per-user colours, web links underlined and clickable, text wrapped to the
// width and always plain (a message can never inject markup), messages of one author in a row
// grouped under one name, a line with the date above each day, and join/leave/topic lines as
// quiet italic notes. Every colour is derived from the view's palette, so light and dark
// themes both work. Characters of a TextSelection are drawn highlighted; where a selection
// runs on from one message into the next, the timestamp and name of a message whose text is
// selected from its start are highlighted with it (they are copied with it).
//
// Laying text out is the expensive part, so it happens only for rows that are (nearly) on
// screen, as in Chatterino's ChannelView: each row's QTextLayout is kept in an LRU cache keyed
// by message id for the current width and look. Rows never laid out report an estimated
// height (from the text's length); the view lays out exactly what it is about to show through
// ensureLaidOut() and re-lays its rows when an estimate was off. What sizing needs from the
// model is read once per row (MessageRowCache), because QListView sizes every row each time
// it lays out.
class MessageDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    // Layouts kept. A screen holds well under a hundred rows; this keeps scrolling back and
    // forth over a long stretch cheap without holding every row of a 10000-row log.
    static constexpr int LayoutCacheSize = 3000;
    // Messages of one author closer than this share the name of the first.
    static constexpr qint64 GroupingMs = 5 * 60 * 1000;
    // Longer texts are cut for display (copying still gives the whole text).
    static constexpr int MaxDisplayChars = 10000;

    explicit MessageDelegate(QObject *parent = nullptr);
    ~MessageDelegate() override;

    // The view's font and palette; everything drawn derives from them. Clears the cache.
    void setLook(const QFont &font, const QPalette &palette);
    // The width rows are laid out for (the view's viewport). Clears the cache when it changes.
    void setWidth(int width);
    int width() const { return m_width; }
    // A QDateTime format; shown in brackets: "HH:mm" gives "[12:01]".
    void setTimestampFormat(const QString &format);
    QString timestampFormat() const { return m_timestampFormat; }
    // The characters the view's user selected (nullptr: none), drawn highlighted. The view
    // keeps it and repaints when it changes.
    void setTextSelection(const TextSelection *selection) { m_textSelection = selection; }
    // Forgets every layout and height, e.g. when the view switches to another channel's log
    // (two streams can have entries with the same id).
    void clearCache();
    // Forgets layouts and line counts, keeping what was read about the rows.
    void clearLayouts();

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    // Lays the row out for real if its height so far was only estimated. True if that changed
    // its height, so that the view must lay out its rows again.
    bool ensureLaidOut(const QModelIndex &index) const;

    // Hit testing for the view: `rowRect` is where the row is drawn (visualRect) and `pos` a
    // point in the same (viewport) coordinates. Empty when not over a link.
    QUrl linkAt(const QModelIndex &index, const QRect &rowRect, const QPoint &pos) const;
    // Whether `pos` is on the author's name that starts a message (a click there shows who
    // it is).
    bool isOnAuthor(const QModelIndex &index, const QRect &rowRect, const QPoint &pos) const;
    // Where each link of the row is drawn (its first line), in rowRect's coordinates.
    QList<QRect> linkRects(const QModelIndex &index, const QRect &rowRect) const;
    // The text laid out for the row: the message text, "* alice waves", "→ alice joined"...
    // (timestamp and name are drawn beside it).
    QString layoutText(const QModelIndex &index) const;
    // The cursor position in layoutText() nearest to `pos` (same coordinates as rowRect): 0
    // above the text (e.g. over the day separator), its length below the row.
    int cursorAt(const QModelIndex &index, const QRect &rowRect, const QPoint &pos) const;
    // Where cursor position `cursor` of layoutText() is drawn, in rowRect's coordinates: as
    // tall as its line, one pixel wide.
    QRect cursorRect(const QModelIndex &index, const QRect &rowRect, int cursor) const;
    // The word of layoutText() under `pos`, [first, second): what a double-click selects.
    std::pair<int, int> wordAt(const QModelIndex &index, const QRect &rowRect,
                               const QPoint &pos) const;
    // Characters [from, to) of layoutText() as the clipboard gets them: line breaks as "\n",
    // and a text cut for display (MaxDisplayChars) whole again where the cut is included.
    // `whole` tells whether that was all of the text. Needs no layout.
    QString selectedText(const QModelIndex &index, int from, int to, bool *whole = nullptr) const;
    // "[12:01]" for the row, empty if it has no time.
    QString timestampText(const QModelIndex &index) const;

    // Counters for tests and benchmarks: text layouts built since construction, and kept now.
    int layoutsBuilt() const { return m_layoutsBuilt; }
    int cachedLayoutCount() const { return int(m_layouts.size()); }

private:
    enum class Kind { Text, Action, System };

    // What the delegate reads from the model about a row and the one above it.
    struct Context
    {
        QByteArray key;
        Kind kind = Kind::Text;
        int type = 0;
        QString author;
        qint64 ms = 0; // the stream id's time; 0 when the row has none to show
        QDate day; // local, valid with ms
        bool daySeparator = false;
        bool continuation = false;
    };

    struct Body
    {
        QString text;
        QList<QTextLayout::FormatRange> formats;
        QList<MessageLayout::Link> links;
        int noteStart = -1; // where the "⚠ problem" note starts, -1 without one
        int cutAt = -1; // where the "…" of a text cut for display is, -1 if it is whole
        QString cutOff; // what the "…" stands for
    };

    // Where the parts of a row go inside its rectangle.
    struct Placement
    {
        QRect message; // the row without its day separator
        QRect daySeparator;
        int lineTop = 0; // top of the first text line
        int timestampX = 0;
        int nameX = 0;
        int nameWidth = 0;
        int bodyX = 0;
        int bodyWidth = 0;
    };

    struct Look
    {
        QPalette palette;
        QFont font;
        QFont nameFont;
        QFont actionFont;
        QFont systemFont;
        QFont systemTimestampFont;
        QFont noteFont;
        QFont dayFont;
        int lineSpacing = 0;
        int systemLineSpacing = 0;
        int timestampWidth = 0;
        int daySeparatorHeight = 0;
        qreal averageCharWidth = 0;
        int nameColumnWidth = 0;
        QColor text;
        QColor muted;
        QColor link;
        QColor separator;
        QColor selection;
        QColor mine;
        QColor mention;
        QColor mentionBar;
        QColor hover;
    };

    void ensureLook(const QStyleOptionViewItem &option) const;
    // Where the row's text layout is drawn: its top left, in rowRect's coordinates.
    QPointF layoutOrigin(const Context &context, const Placement &placement,
                         const MessageLayout &layout) const;
    void paintSelectedPrefix(QPainter *painter, const Context &context,
                             const Placement &placement) const;
    void updateTimestampWidth();
    int layoutWidth(int fallback) const;

    Context contextOf(const QModelIndex &index) const;
    Placement placementOf(const Context &context, const QRect &rowRect) const;
    int nameWidthOf(const QString &author) const;
    int lineSpacingOf(Kind kind) const;
    const QFont &bodyFontOf(Kind kind) const;
    Body bodyOf(const Context &context, const QModelIndex &index) const;
    int estimatedLines(const Body &body, Kind kind, int width) const;
    int linesOf(const Context &context, const QModelIndex &index) const;
    int rowHeight(const Context &context, int lines) const;
    // The cached layout, built first if need be. Null only without a model row.
    MessageLayout *layoutOf(const Context &context, const QModelIndex &index,
                            bool *heightChanged = nullptr) const;
    void paintDaySeparator(QPainter *painter, const QRect &rect, const QDate &day) const;
    QString timestampOf(const QDateTime &time) const;
    QColor authorColor(const QString &author) const;
    QString dayLabel(const QDate &day) const;
    void requestRelayout(const QModelIndex &index) const;

    Look m_look;
    bool m_hasLook = false;
    int m_width = 0;
    QString m_timestampFormat = QStringLiteral("HH:mm");

    mutable QCache<QByteArray, MessageLayout> m_layouts{LayoutCacheSize};
    // Also keeps each row's line count once laid out, so that a row whose layout was evicted
    // keeps its exact height and never jumps when scrolled back to.
    MessageRowCache *m_rows = nullptr;
    const TextSelection *m_textSelection = nullptr;
    mutable QHash<QString, int> m_nameWidths;
    mutable QHash<QString, QColor> m_authorColors;
    mutable int m_layoutsBuilt = 0;
    mutable bool m_relayoutRequested = false;
};

} // namespace Confab
