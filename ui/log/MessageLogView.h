#pragma once

#include "TextSelection.h"

#include "model/MessageLogModel.h"

#include <QByteArray>
#include <QHash>
#include <QListView>

#include <QPersistentModelIndex>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <functional>

#include <memory>
#include <optional>
#include <utility>

class QIdentityProxyModel;
class QMenu;
class QToolButton;

namespace Confab {

class MessageDelegate;

// The message log of the open channel, as Chatterino, Quassel and Konversation users expect it:
//
// - While at the bottom it stays there as messages arrive. Scrolled up, nothing moves under
//   the reader: new rows only grow the scroll range, and a floating "N new messages" button
//   counts them (not my own) and jumps down when clicked. Sending a message jumps down too.
//   Older history paged in at the top (the model is asked when the top fifth comes into
//   view) keeps the row on screen where it was. Nor is anything trimmed from the log
//   meanwhile (MessageLogModel::setTrimmingHeld), however far back the reader has paged;
//   back at the bottom the log is trimmed to the scrollback again.
// - Only rows on or near the screen are laid out (MessageDelegate caches their layouts), so a
//   channel with ten thousand rows opens at once.
// - Text is selected as in a text editor: dragging with the left button selects characters
//   from the press to the pointer, across messages and auto-scrolling past the view's edges;
//   a double-click selects a word and a triple-click a whole message (dragging on extends by
//   words or messages). A click elsewhere clears it, Shift+click extends it, Escape clears
//   it. The selection is kept as message ids and offsets (TextSelection), so history paged in
//   above or new messages below never shift it; switching channels clears it.
// - Ctrl+C (and Copy) copies the selected text: within one message, exactly the characters
//   selected; across messages, one line per message, each with its "[12:01] <alice> " prefix
//   so that every pasted line says who wrote it and when (also the first and last, of which
//   only part may be selected; messages selected whole are copied as with whole rows below).
//   On X11 the selection is also offered as the primary selection.
// - Without selected text, a click selects a whole message (Shift/Ctrl+click several, Select
//   all every one) and Ctrl+C copies them as "[12:01] <alice> hello" lines.
// - Web links are clickable and opened in the browser: a click on a link opens it, a drag
//   that starts on one selects text instead.
class MessageLogView : public QListView
{
    Q_OBJECT
public:
    explicit MessageLogView(QWidget *parent = nullptr);
    ~MessageLogView() override;

    MessageLogModel *logModel() const { return m_source; }
    // Shows another channel's log (nullptr: none). Where the reader was in the log being left
    // is remembered and restored when it is shown again.
    void setLogModel(MessageLogModel *model);

    // Shown in the middle of the empty log while no channel is open: what to do next.
    QString placeholderText() const { return m_placeholder; }
    void setPlaceholderText(const QString &text);

    QString timestampFormat() const;
    // A QDateTime format, shown in brackets: the default "HH:mm" gives "[12:01]".
    void setTimestampFormat(const QString &format);

    // Whether activating a link also opens it with QDesktopServices (linkActivated is emitted
    // either way). On by default; tests turn it off.
    bool openLinks() const { return m_openLinks; }
    void setOpenLinks(bool open) { m_openLinks = open; }
    // What opens a link: QDesktopServices::openUrl, or a stand-in (tests). False: not opened.
    using LinkOpener = std::function<bool(const QUrl &)>;
    void setLinkOpener(LinkOpener opener) { m_linkOpener = std::move(opener); }

    bool isPinnedToBottom() const { return m_pinned; }
    // Rows appended since the reader scrolled away from the bottom; what the button shows.
    int newMessageCount() const { return m_newMessages; }
    QToolButton *newMessagesButton() const { return m_newMessagesButton; }
    MessageDelegate *messageDelegate() const { return m_delegate; }

    // The clipboard text for these rows, oldest first: "[12:01] <alice> hello" per message.
    QString copyText(const QModelIndexList &indexes) const;
    // The text selected with the mouse, as Copy puts it on the clipboard; empty if none.
    QString selectedText() const;
    bool hasSelectedText() const { return !m_textSelection.isEmpty(); }
    const TextSelection &textSelection() const { return m_textSelection; }
    void clearTextSelection();
    // Selects characters [from, to) of the text shown for `index` (a search match).
    void selectText(const QModelIndex &index, int from, int to);
    // The context menu for a point in the viewport (the caller owns it): Copy, Copy text,
    // Copy link address over a link, Select all.
    QMenu *createContextMenu(const QPoint &pos);
    // The web link drawn at a point of the viewport, if any.
    QUrl linkAt(const QPoint &pos) const;
    // The row whose author's name is at `pos`; invalid if none is.
    QModelIndex authorAt(const QPoint &pos) const;

    void scrollTo(const QModelIndex &index, ScrollHint hint = EnsureVisible) override;
    // Typing in the log does not jump to rows that start with the letters typed.
    void keyboardSearch(const QString &) override { }

public Q_SLOTS:
    void jumpToBottom();
    // The selected text if there is some, else the selected messages.
    void copySelection();
    // Every message (not text): clears the text selection.
    void selectAll() override;
    void doItemsLayout() override;
    void reset() override;

Q_SIGNALS:
    // An author's name was clicked (the window shows who it is); `at` is global, below it.
    void authorClicked(const QString &account, const QPoint &at);
    // A web link was clicked.
    void linkActivated(const QUrl &url);
    // ...and nothing opened it (no web browser set up): the window says so.
    void linkNotOpened(const QUrl &url);
    // Text typed while the log had the focus (after a click on a message): it belongs in the
    // input, as in Slack and Element. Copying and the navigation keys stay the log's.
    void textTyped(const QString &text);
    // On a message of mine the server refused: send it again, take it back into the input to
    // edit, or drop it. `cid` names it.
    void retryRequested(const QByteArray &cid);
    void editRequested(const QByteArray &cid);
    void discardRequested(const QByteArray &cid);

protected:
    bool event(QEvent *event) override;
    void updateGeometries() override;
    void scrollContentsBy(int dx, int dy) override;
    void rowsInserted(const QModelIndex &parent, int start, int end) override;
    void rowsAboutToBeRemoved(const QModelIndex &parent, int start, int end) override;
    void resizeEvent(QResizeEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void changeEvent(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    bool viewportEvent(QEvent *event) override;

private:
    struct SavedPosition
    {
        bool pinned = true;
        QByteArray anchorId;
        int anchorOffset = 0;
        int newMessages = 0;
    };

    void onScrolled();
    void captureAnchor();
    void restorePosition();
    void updateTopGap();
    bool settleVisibleRows();
    bool followsBottom() const { return m_pinned && !m_selecting; }
    // Follows the bottom from the next layout on (jumpToBottom also lays out and goes there).
    void pinToBottom();
    // A trim while the log does not follow the bottom would take away the rows being read:
    // the model's trimming is held until it does again.
    void updateTrimmingHold();
    void releaseTrimming();
    void savePosition();
    void restoreSavedPosition();
    void scheduleHistoryCheck();
    void fetchHistoryIfNearTop();
    void updateNewMessagesButton();
    void placeNewMessagesButton();
    void styleNewMessagesButton();
    void activateLink(const QUrl &url);
    QString copyLine(const QModelIndex &index) const;
    // "[12:01] <alice> ", "[12:01] " or "": what precedes a message's text in copied lines.
    QString linePrefix(const QModelIndex &index) const;
    static StreamId idOf(const QModelIndex &index);
    // The first row whose id is not below `id` (rowCount() if none).
    int firstRowFrom(const StreamId &id) const;
    // The text position nearest to a point of the viewport; none in an empty log.
    std::optional<TextPosition> textPositionAt(const QPoint &pos) const;
    // The character position, word or message at a point, as [first, second).
    std::optional<std::pair<TextPosition, TextPosition>> unitAt(const QPoint &pos,
                                                                TextSelection::Unit unit) const;
    void extendTextSelection(const QPoint &pos);
    void beginTextDrag();
    void updateAutoScroll();
    void autoScrollStep();
    void offerPrimarySelection();
    void armMidnightTimer();

    QIdentityProxyModel *m_proxy = nullptr;
    QPointer<MessageLogModel> m_source;
    MessageDelegate *m_delegate = nullptr;
    QToolButton *m_newMessagesButton = nullptr;
    QTimer m_midnightTimer;

    // Following new messages at the bottom (the reader is there).
    bool m_pinned = true;
    // The left button is down for a drag selection: the log holds still until it is released.
    bool m_selecting = false;
    // Scroll-bar changes the view makes itself, which say nothing about where the reader is.
    bool m_adjusting = false;
    bool m_restoring = false;
    bool m_inLayout = false;
    bool m_historyCheckQueued = false;
    bool m_releaseQueued = false;
    bool m_openLinks = true;
    LinkOpener m_linkOpener;
    int m_newMessages = 0;
    QString m_placeholder;
    int m_topGap = 0; // above the rows while they do not fill the view
    int m_barMargin = 0; // the scroll bar's width, kept while it is hidden
    // The row the reader is looking at (the topmost on screen) and where its top edge was in
    // the viewport: every re-layout puts it back there, so inserted, trimmed or re-measured
    // rows never move the text being read.
    QPersistentModelIndex m_anchor;
    int m_anchorOffset = 0;
    QUrl m_pressedLink;

    TextSelection m_textSelection;
    // The left button went down here; the drag it starts selects text once it moves on.
    QPoint m_pressPos;
    // That press, for QListView once the release shows it was a click.
    std::unique_ptr<QMouseEvent> m_deferredPress;
    // Selecting text with the left button down (after moving it, or a double-click).
    bool m_dragging = false;
    // Where the pointer is while dragging, also outside the viewport (auto-scrolling).
    QPoint m_dragPos;
    QTimer m_autoScrollTimer;
    // When and where the last double-click was, to tell a third click (the whole message).
    quint64 m_doubleClickTime = 0;
    QPoint m_doubleClickPos;
    QHash<const MessageLogModel *, SavedPosition> m_savedPositions;
};

} // namespace Confab
