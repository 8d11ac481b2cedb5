#include "MessageLogView.h"

#include "MessageDelegate.h"
#include "PlainText.h"

#include "model/MessageLogModel.h"

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QDesktopServices>
#include <QGraphicsDropShadowEffect>
#include <QGuiApplication>
#include <QHelpEvent>
#include <QIdentityProxyModel>
#include <QKeyEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QScopedValueRollback>
#include <QScrollBar>
#include <QToolButton>
#include <QToolTip>

#include <algorithm>
#include <optional>
#include <utility>

namespace Confab {

namespace {

// QAbstractItemView calls fetchMore() whenever its last row is on screen: made for lists that
// grow downwards. A chat log pages in history at the top, and its last row is on screen nearly
// always, so Qt's mechanism would page in the whole history. It never sees the model: this
// view asks the model itself when the top comes near.
class NoAutoFetchProxy : public QIdentityProxyModel
{
public:
    using QIdentityProxyModel::QIdentityProxyModel;

    bool canFetchMore(const QModelIndex &) const override { return false; }
    void fetchMore(const QModelIndex &) override { }
};

// How close to the bottom still counts as "at the bottom" (a rounding pixel or two).
constexpr int BottomSlack = 4;
constexpr int ButtonMargin = 14;
// A press that moves less than this is a click (the hand wobbles); a drag from a link has to
// go QApplication::startDragDistance(), or the link could hardly be clicked.
constexpr int TextDragDistance = 3;
constexpr int AutoScrollIntervalMs = 30;

} // namespace

MessageLogView::MessageLogView(QWidget *parent)
    : QListView(parent)
    , m_proxy(new NoAutoFetchProxy(this))
    , m_delegate(new MessageDelegate(this))
{
    // Rows wrap to the width; a scroll bar that comes and goes would change the width and
    // re-wrap every row twice. It is hidden while everything fits (updateTopGap, which
    // setModel() already runs), with its width kept as a margin.
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
    setModel(m_proxy);
    setItemDelegate(m_delegate);
    setUniformItemSizes(false);
    setLayoutMode(QListView::SinglePass);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setFrameShape(QFrame::NoFrame);
    // The gap above a short log (updateTopGap) is outside the viewport: paint it the same.
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
    // A click never scrolls the log: QAbstractItemView would bring a partly shown message
    // into full view a moment after it is clicked, moving the text being read. Dragging past
    // an edge scrolls through autoScrollStep() instead.
    setAutoScroll(false);
    setMouseTracking(true);
    viewport()->setAttribute(Qt::WA_Hover);
    setAccessibleName(tr("Message log"));

    m_delegate->setLook(font(), palette());
    m_delegate->setWidth(viewport()->width());
    m_delegate->setTextSelection(&m_textSelection);
    // Rows the delegate had to lay out while painting, whose height was estimated wrong.
    connect(m_delegate, &QAbstractItemDelegate::sizeHintChanged, this,
            [this] { scheduleDelayedItemsLayout(); });
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, &MessageLogView::onScrolled);

    m_newMessagesButton = new QToolButton(this);
    m_newMessagesButton->setObjectName(QStringLiteral("newMessagesButton"));
    m_newMessagesButton->setFocusPolicy(Qt::NoFocus);
    m_newMessagesButton->setCursor(Qt::PointingHandCursor);
    m_newMessagesButton->setToolTip(tr("Jump to the newest message"));
    auto *shadow = new QGraphicsDropShadowEffect(m_newMessagesButton);
    shadow->setBlurRadius(14);
    shadow->setOffset(0, 2);
    shadow->setColor(QColor(0, 0, 0, 90));
    m_newMessagesButton->setGraphicsEffect(shadow);
    m_newMessagesButton->hide();
    connect(m_newMessagesButton, &QToolButton::clicked, this, &MessageLogView::jumpToBottom);
    styleNewMessagesButton();

    // "Today" and "Yesterday" move on at midnight.
    m_midnightTimer.setSingleShot(true);
    m_midnightTimer.setTimerType(Qt::VeryCoarseTimer);
    connect(&m_midnightTimer, &QTimer::timeout, this, [this] {
        viewport()->update();
        armMidnightTimer();
    });
    armMidnightTimer();

    m_autoScrollTimer.setInterval(AutoScrollIntervalMs);
    connect(&m_autoScrollTimer, &QTimer::timeout, this, &MessageLogView::autoScrollStep);
}

MessageLogView::~MessageLogView()
{
    // The log outlives the view (ChatSession owns it) and must not go on growing.
    if (const QPointer<MessageLogModel> model = std::exchange(m_source, nullptr)) {
        m_proxy->setSourceModel(nullptr); // nothing here needs to see the trim
        model->setTrimmingHeld(false);
    }
}

void MessageLogView::setLogModel(MessageLogModel *model)
{
    if (model == m_source)
        return;
    const QPointer<MessageLogModel> previous = m_source;
    if (previous)
        savePosition();
    m_pressedLink.clear();
    m_deferredPress.reset();
    m_dragging = false;
    m_autoScrollTimer.stop();
    m_delegate->clearCache();
    m_source = model;
    m_proxy->setSourceModel(model); // resets the view (reset() below)
    restoreSavedPosition();
    scheduleHistoryCheck();
    // Nobody reads the log left behind: it is bounded again (a saved position among the rows
    // this trims falls back to the bottom, as it would at the next message anyway).
    if (previous)
        previous->setTrimmingHeld(false);
}

QString MessageLogView::timestampFormat() const
{
    return m_delegate->timestampFormat();
}

void MessageLogView::setTimestampFormat(const QString &format)
{
    m_delegate->setTimestampFormat(format);
    doItemsLayout();
}

void MessageLogView::reset()
{
    QListView::reset();
    // Offsets are into this log's messages; another log may even have the same ids.
    clearTextSelection();
    m_anchor = QPersistentModelIndex();
    m_pinned = true;
    m_newMessages = 0;
    updateNewMessagesButton();
    updateTrimmingHold();
}

void MessageLogView::jumpToBottom()
{
    m_selecting = false;
    pinToBottom();
    executeDelayedItemsLayout();
    QScrollBar *bar = verticalScrollBar();
    if (bar->value() != bar->maximum())
        bar->setValue(bar->maximum());
}

void MessageLogView::pinToBottom()
{
    m_pinned = true;
    m_newMessages = 0;
    updateNewMessagesButton();
    updateTrimmingHold();
}

void MessageLogView::updateTrimmingHold()
{
    if (!m_source)
        return;
    if (!followsBottom()) {
        // At once: the next batch may come before the event loop turns.
        m_source->setTrimmingHeld(true);
        return;
    }
    if (!m_source->isTrimmingHeld() || m_releaseQueued)
        return;
    // Queued: the release removes rows, and this may run inside the model's own signals
    // (rowsInserted of a message I sent), whose later receivers expect the rows as they were.
    m_releaseQueued = true;
    QMetaObject::invokeMethod(this, &MessageLogView::releaseTrimming, Qt::QueuedConnection);
}

void MessageLogView::releaseTrimming()
{
    m_releaseQueued = false;
    // The reader may have scrolled up again meanwhile.
    if (m_source && followsBottom())
        m_source->setTrimmingHeld(false);
}

void MessageLogView::scrollTo(const QModelIndex &index, ScrollHint hint)
{
    // The log holds still under a selecting mouse: QAbstractItemView would scroll the pressed
    // row into full view a moment after the press.
    if (m_selecting)
        return;
    QListView::scrollTo(index, hint);
    // The rows scrolled to were only estimated until now; laying them out for real may have
    // moved the one aimed at. Aim again (a no-op when it stayed put).
    QListView::scrollTo(index, hint);
}

void MessageLogView::doItemsLayout()
{
    if (m_inLayout) {
        QListView::doItemsLayout();
        return;
    }
    const QScopedValueRollback<bool> guard(m_inLayout, true);
    QListView::doItemsLayout(); // ends in updateGeometries(), which restores the position
    // What is about to be shown gets exact heights; if estimates were off, lay out again.
    for (int pass = 0; pass < 3 && settleVisibleRows(); ++pass)
        QListView::doItemsLayout();
    // Also while following the bottom: the reader may start selecting any moment, and from
    // then on the log holds still around what is on screen now.
    captureAnchor();
    scheduleHistoryCheck();
}

void MessageLogView::updateGeometries()
{
    {
        const QScopedValueRollback<bool> guard(m_adjusting, true);
        QListView::updateGeometries();
        // QListView steps by the first row's height, which may be a day separator or a long
        // paste: step by lines of text instead.
        verticalScrollBar()->setSingleStep(fontMetrics().lineSpacing() + 3);
    }
    updateTopGap();
    restorePosition();
    placeNewMessagesButton();
}

void MessageLogView::updateTopGap()
{
    // A log shorter than the view sits on the input, as in every chat client, not under the
    // topic with an empty stretch between it and where the next message is typed.
    const int rows = model() ? model()->rowCount() : 0;
    const int content = rows > 0 ? rectForIndex(model()->index(rows - 1, 0)).bottom() + 1 : 0;
    // The height the viewport has without a gap (it cannot shrink below zero to say so).
    const int available = contentsRect().height();
    const int gap = rows > 0 ? std::max(0, available - content) : 0;
    // No scroll bar while everything fits (an empty log showed one), but its width is kept
    // as a margin: a bar that comes and goes must not change the width rows wrap to.
    const bool fits = rows == 0 || content <= available;
    const int barMargin = fits ? verticalScrollBar()->sizeHint().width() : 0;
    if (gap == m_topGap && barMargin == m_barMargin)
        return;
    m_topGap = gap;
    m_barMargin = barMargin;
    setVerticalScrollBarPolicy(fits ? Qt::ScrollBarAlwaysOff : Qt::ScrollBarAlwaysOn);
    // Resizes the viewport, which lays the rows out again; the width, and so every row's
    // height, stays the same, so that pass finds the same gap.
    setViewportMargins(0, gap, barMargin, 0);
}

void MessageLogView::restorePosition()
{
    if (m_restoring)
        return;
    const QScopedValueRollback<bool> restoring(m_restoring, true);
    const QScopedValueRollback<bool> adjusting(m_adjusting, true);
    QScrollBar *bar = verticalScrollBar();
    if (followsBottom()) {
        bar->setValue(bar->maximum());
        return;
    }
    if (!m_anchor.isValid())
        return;
    const int delta = visualRect(m_anchor).top() - m_anchorOffset;
    if (delta != 0)
        bar->setValue(bar->value() + delta);
}

void MessageLogView::captureAnchor()
{
    m_anchor = indexAt(QPoint(viewport()->width() / 2, 0));
    if (m_anchor.isValid())
        m_anchorOffset = visualRect(m_anchor).top();
}

void MessageLogView::scrollContentsBy(int dx, int dy)
{
    // The reader scrolled: the anchor row moved with the content. Kept in step here, not by
    // asking the layout, because a layout may be pending that must not be taken as a scroll.
    if (!m_adjusting)
        m_anchorOffset += dy;
    QListView::scrollContentsBy(dx, dy);
}

void MessageLogView::onScrolled()
{
    if (m_adjusting)
        return;
    QScrollBar *bar = verticalScrollBar();
    m_pinned = bar->value() >= bar->maximum() - BottomSlack;
    if (m_pinned && m_newMessages > 0) {
        m_newMessages = 0;
        updateNewMessagesButton();
    } else if (!m_pinned) {
        updateNewMessagesButton();
    }
    updateTrimmingHold();
    captureAnchor();
    // Rows scrolled into view may only have estimated heights so far.
    if (settleVisibleRows())
        doItemsLayout();
    scheduleHistoryCheck();
}

bool MessageLogView::settleVisibleRows()
{
    // A hidden view has no screen to fill; it is settled when shown.
    if (!isVisible())
        return false;
    const int rows = m_proxy->rowCount();
    if (rows == 0)
        return false;
    const QModelIndex top = indexAt(QPoint(0, 0));
    const QModelIndex bottom = indexAt(QPoint(0, viewport()->height() - 1));
    int first = top.isValid() ? top.row() : 0;
    int last = bottom.isValid() ? bottom.row() : rows - 1;
    // About a screen above and below too, so that ordinary scrolling finds rows ready.
    const int margin = last - first + 4;
    first = std::max(0, first - margin);
    last = std::min(rows - 1, last + margin);
    bool changed = false;
    for (int row = first; row <= last; ++row)
        changed |= m_delegate->ensureLaidOut(m_proxy->index(row, 0));
    return changed;
}

void MessageLogView::rowsInserted(const QModelIndex &parent, int start, int end)
{
    QListView::rowsInserted(parent, start, end);
    // History paged in at the top is neither news nor anything I just sent.
    if (parent.isValid() || (start == 0 && end < m_proxy->rowCount() - 1))
        return;
    int news = 0;
    bool sentHere = false;
    for (int row = start; row <= end; ++row) {
        const QModelIndex index = m_proxy->index(row, 0);
        // What I write is not news to me, even when it comes from another of my clients.
        if (!index.data(MessageLogModel::MineRole).toBool()) {
            ++news;
            continue;
        }
        // Only rows I just sent from here are Sending (history and other clients' are not).
        const auto delivery =
            index.data(MessageLogModel::DeliveryRole).value<MessageLogModel::Delivery>();
        sentHere |= delivery == MessageLogModel::Delivery::Sending;
    }
    if (sentHere) {
        // Having just written, the reader wants to see it, as in every chat client. The
        // layout that follows the insertion takes the log down; not from in here, where
        // receivers after this one (the delegate's row cache) have yet to hear of the new
        // rows. A selecting mouse still holds the log until it lets go.
        pinToBottom();
        return;
    }
    // Not necessarily at the end: rows from the server go above my pending ones, and a refused
    // one stays below them. (At the top of an empty log, the rows are no news.)
    const bool appended = start > 0;
    if (appended && !m_pinned && news > 0) {
        m_newMessages += news;
        updateNewMessagesButton();
    }
}

void MessageLogView::rowsAboutToBeRemoved(const QModelIndex &parent, int start, int end)
{
    if (!parent.isValid() && m_anchor.isValid() && m_anchor.row() >= start
        && m_anchor.row() <= end) {
        // The row being read goes (trimmed from the top): hold on to the first one after it.
        const QModelIndex next = m_proxy->index(end + 1, 0);
        if (next.isValid()) {
            m_anchorOffset += visualRect(next).top() - visualRect(m_anchor).top();
            m_anchor = next;
        } else {
            m_anchor = QPersistentModelIndex();
        }
    }
    QListView::rowsAboutToBeRemoved(parent, start, end);
}

void MessageLogView::resizeEvent(QResizeEvent *event)
{
    const bool widthChanged = viewport()->width() != m_delegate->width();
    if (widthChanged)
        m_delegate->setWidth(viewport()->width());
    QListView::resizeEvent(event);
    // Every row wraps differently now; lay out at once so no frame shows old positions with
    // new heights.
    if (widthChanged)
        doItemsLayout();
    placeNewMessagesButton();
}

void MessageLogView::setPlaceholderText(const QString &text)
{
    m_placeholder = text;
    viewport()->update();
}

void MessageLogView::paintEvent(QPaintEvent *event)
{
    QListView::paintEvent(event);
    if (m_source || m_placeholder.isEmpty())
        return;
    QPainter painter(viewport());
    QColor muted = palette().color(QPalette::Text);
    muted.setAlphaF(0.6f);
    painter.setPen(muted);
    const QRect area = viewport()->rect().adjusted(24, 24, -24, -24);
    painter.drawText(area, Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
}

void MessageLogView::showEvent(QShowEvent *event)
{
    QListView::showEvent(event);
    // Laid out while hidden, only estimated: what is about to show is laid out for real.
    if (settleVisibleRows())
        scheduleDelayedItemsLayout();
}

void MessageLogView::changeEvent(QEvent *event)
{
    QListView::changeEvent(event);
    switch (event->type()) {
    case QEvent::FontChange:
    case QEvent::PaletteChange:
    case QEvent::StyleChange:
        if (m_delegate) {
            m_delegate->setLook(font(), palette());
            styleNewMessagesButton();
            doItemsLayout();
        }
        break;
    default:
        break;
    }
}

bool MessageLogView::event(QEvent *event)
{
    if (event->type() == QEvent::ShortcutOverride && hasSelectedText()) {
        // Escape clearing the selected text comes before the window's Escape shortcut (mark
        // as read), which would otherwise take the key before keyPressEvent sees it.
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Escape
            && (key->modifiers() & ~Qt::KeypadModifier) == Qt::NoModifier) {
            event->accept();
            return true;
        }
    }
    return QListView::event(event);
}

void MessageLogView::keyPressEvent(QKeyEvent *event)
{
    if (event->matches(QKeySequence::Copy)) {
        copySelection();
        event->accept();
        return;
    }
    if (event->key() == Qt::Key_Escape && hasSelectedText()) {
        clearTextSelection();
        event->accept();
        return;
    }
    // Shift and AltGr (GroupSwitch) type characters; Ctrl, Alt and Meta make shortcuts.
    const Qt::KeyboardModifiers typing =
        Qt::ShiftModifier | Qt::KeypadModifier | Qt::GroupSwitchModifier;
    const QString text = event->text();
    if (!text.isEmpty() && (event->modifiers() & ~typing) == Qt::NoModifier
        && std::all_of(text.cbegin(), text.cend(), [](QChar c) { return c.isPrint(); })) {
        Q_EMIT textTyped(text);
        event->accept();
        return;
    }
    const QModelIndex before = currentIndex();
    QListView::keyPressEvent(event);
    // Without autoScroll (see the constructor) only the keyboard brings the current row into
    // view, as it should.
    if (currentIndex().isValid() && currentIndex() != before)
        scrollTo(currentIndex());
}

QUrl MessageLogView::linkAt(const QPoint &pos) const
{
    const QModelIndex index = indexAt(pos);
    if (!index.isValid())
        return {};
    return m_delegate->linkAt(index, visualRect(index), pos);
}

QModelIndex MessageLogView::authorAt(const QPoint &pos) const
{
    const QModelIndex index = indexAt(pos);
    if (!index.isValid() || !m_delegate->isOnAuthor(index, visualRect(index), pos))
        return {};
    return index;
}

void MessageLogView::mousePressEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    if (event->button() == Qt::RightButton && hasSelectedText()) {
        // The context menu is for the selected text: the press must not select a message.
        event->accept();
        return;
    }
    if (event->button() != Qt::LeftButton) {
        QListView::mousePressEvent(event);
        return;
    }
    captureAnchor();
    m_selecting = true;
    updateTrimmingHold();
    m_dragging = false;
    m_pressPos = pos;
    m_dragPos = pos;
    m_pressedLink.clear();

    if ((event->modifiers() & Qt::ShiftModifier) && hasSelectedText()) {
        beginTextDrag();
        extendTextSelection(pos);
        event->accept();
        return;
    }
    const bool thirdClick = m_doubleClickTime != 0
        && event->timestamp() - m_doubleClickTime <= quint64(QApplication::doubleClickInterval())
        && (pos - m_doubleClickPos).manhattanLength() <= QApplication::startDragDistance();
    m_doubleClickTime = 0;
    if (thirdClick) {
        if (const auto message = unitAt(pos, TextSelection::Unit::Message)) {
            m_textSelection.begin(message->first, message->second, TextSelection::Unit::Message);
            beginTextDrag();
            event->accept();
            return;
        }
    }

    clearTextSelection();
    // Where a drag from here would select from.
    if (const std::optional<TextPosition> at = textPositionAt(pos))
        m_textSelection.begin(*at, *at);
    const QUrl url = linkAt(pos);
    if (!url.isEmpty()) {
        // A click on a link opens it; it does not select the message.
        m_pressedLink = url;
        event->accept();
        return;
    }
    // A click selects the message, a drag text: QListView sees the press once it is a click,
    // so that a drag does not first select the message under it.
    m_deferredPress.reset(event->clone());
    event->accept();
}

void MessageLogView::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    if ((event->buttons() & Qt::LeftButton) && m_selecting) {
        // Dragging selects text, not messages: QListView does not see it.
        m_dragPos = pos;
        if (!m_dragging) {
            const int distance = (pos - m_pressPos).manhattanLength();
            if (distance < (m_pressedLink.isEmpty() ? TextDragDistance
                                                    : QApplication::startDragDistance())) {
                event->accept();
                return;
            }
            beginTextDrag();
        }
        extendTextSelection(pos);
        updateAutoScroll();
        event->accept();
        return;
    }
    QListView::mouseMoveEvent(event);
    if (event->buttons() == Qt::NoButton) {
        if (linkAt(pos).isEmpty() && !authorAt(pos).isValid())
            viewport()->unsetCursor();
        else
            viewport()->setCursor(Qt::PointingHandCursor);
    }
}

void MessageLogView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QListView::mouseReleaseEvent(event);
        return;
    }
    m_autoScrollTimer.stop();
    const QUrl pressedLink = std::exchange(m_pressedLink, QUrl());
    const bool dragged = std::exchange(m_dragging, false);
    const std::unique_ptr<QMouseEvent> press = std::move(m_deferredPress);
    if (!pressedLink.isEmpty()) {
        if (linkAt(event->position().toPoint()) == pressedLink)
            activateLink(pressedLink);
        event->accept();
    } else if (dragged) {
        offerPrimarySelection();
        event->accept();
    } else {
        if (press)
            QListView::mousePressEvent(press.get());
        QListView::mouseReleaseEvent(event);
        const QModelIndex author = authorAt(event->position().toPoint());
        if (press && author.isValid() && authorAt(m_pressPos) == author) {
            // Just below the click, so that the card does not hide the name.
            const QPoint below = event->position().toPoint() + QPoint(0, fontMetrics().height());
            Q_EMIT authorClicked(author.data(MessageLogModel::AccountRole).toString(),
                                 viewport()->mapToGlobal(below));
        }
    }
    if (m_selecting) {
        m_selecting = false;
        // Messages that came while the log held still for the selection.
        if (m_pinned)
            jumpToBottom();
    }
}

void MessageLogView::mouseDoubleClickEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    const auto word =
        event->button() == Qt::LeftButton ? unitAt(pos, TextSelection::Unit::Word) : std::nullopt;
    if (!word) {
        QListView::mouseDoubleClickEvent(event);
        return;
    }
    if (!m_selecting) {
        captureAnchor();
        m_selecting = true;
        updateTrimmingHold();
    }
    m_pressPos = pos;
    m_dragPos = pos;
    m_pressedLink.clear();
    m_textSelection.begin(word->first, word->second, TextSelection::Unit::Word);
    // The button is still down: moving on selects word by word.
    beginTextDrag();
    m_doubleClickTime = event->timestamp();
    m_doubleClickPos = pos;
    event->accept();
}

void MessageLogView::beginTextDrag()
{
    m_dragging = true;
    m_pressedLink.clear();
    m_deferredPress.reset();
    // Text or messages are selected, not both. Clearing the current row too keeps
    // QAbstractItemView from scrolling to the pressed row after the drag.
    selectionModel()->clear();
    viewport()->unsetCursor();
    viewport()->update();
}

void MessageLogView::extendTextSelection(const QPoint &pos)
{
    // Beyond the top or bottom edge (auto-scrolling): up to the edge of what is shown.
    const QPoint inside(pos.x(), std::clamp(pos.y(), 0, std::max(0, viewport()->height() - 1)));
    const auto unit = unitAt(inside, m_textSelection.unit());
    if (!unit)
        return;
    const TextPosition start = m_textSelection.start();
    const TextPosition end = m_textSelection.end();
    m_textSelection.extend(unit->first, unit->second);
    if (m_textSelection.start() != start || m_textSelection.end() != end)
        viewport()->update();
}

void MessageLogView::updateAutoScroll()
{
    const bool outside = m_dragPos.y() < 0 || m_dragPos.y() >= viewport()->height();
    if (!outside)
        m_autoScrollTimer.stop();
    else if (!m_autoScrollTimer.isActive())
        m_autoScrollTimer.start();
}

void MessageLogView::autoScrollStep()
{
    const int height = viewport()->height();
    const int beyond = m_dragPos.y() < 0 ? m_dragPos.y() : std::max(0, m_dragPos.y() - height + 1);
    if (!m_dragging || beyond == 0) {
        m_autoScrollTimer.stop();
        return;
    }
    // The further out the pointer, the faster, as in text editors.
    const int speed = std::clamp(std::abs(beyond), 4, std::max(4, height / 2));
    QScrollBar *bar = verticalScrollBar();
    bar->setValue(bar->value() + (beyond < 0 ? -speed : speed));
    extendTextSelection(m_dragPos);
}

void MessageLogView::offerPrimarySelection()
{
    QClipboard *clipboard = QGuiApplication::clipboard();
    if (clipboard->supportsSelection() && hasSelectedText())
        clipboard->setText(selectedText(), QClipboard::Selection);
}

void MessageLogView::clearTextSelection()
{
    if (!m_textSelection.isActive())
        return;
    const bool visible = hasSelectedText();
    m_textSelection.clear();
    if (visible)
        viewport()->update();
}

void MessageLogView::selectText(const QModelIndex &index, int from, int to)
{
    const StreamId id = idOf(index);
    m_textSelection.begin(TextPosition{id, from}, TextPosition{id, to});
    viewport()->update();
}

void MessageLogView::selectAll()
{
    clearTextSelection();
    QListView::selectAll();
}

StreamId MessageLogView::idOf(const QModelIndex &index)
{
    return StreamId::parse(index.data(MessageLogModel::IdRole).toByteArray()).value_or(StreamId());
}

int MessageLogView::firstRowFrom(const StreamId &id) const
{
    // Ids grow down the log (MessageLogModel).
    int low = 0;
    int high = m_proxy->rowCount();
    while (low < high) {
        const int middle = low + (high - low) / 2;
        if (idOf(m_proxy->index(middle, 0)) < id)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

std::optional<TextPosition> MessageLogView::textPositionAt(const QPoint &point) const
{
    const int rows = m_proxy->rowCount();
    if (rows == 0)
        return std::nullopt;
    // Rows span the width: left or right of the viewport is still on the row at that height.
    const QPoint pos(std::clamp(point.x(), 0, std::max(0, viewport()->width() - 1)), point.y());
    const QModelIndex index = indexAt(pos);
    if (index.isValid())
        return TextPosition{idOf(index), m_delegate->cursorAt(index, visualRect(index), pos)};
    // Below the last row of a log shorter than the view: its end.
    const QModelIndex last = m_proxy->index(rows - 1, 0);
    if (pos.y() > visualRect(last).bottom())
        return TextPosition{idOf(last), TextPosition::End};
    const QModelIndex first = m_proxy->index(0, 0);
    if (pos.y() < visualRect(first).top())
        return TextPosition{idOf(first), 0};
    return std::nullopt;
}

std::optional<std::pair<TextPosition, TextPosition>>
MessageLogView::unitAt(const QPoint &pos, TextSelection::Unit unit) const
{
    const QModelIndex index = indexAt(pos);
    if (index.isValid() && unit == TextSelection::Unit::Word) {
        const StreamId id = idOf(index);
        const auto [from, to] = m_delegate->wordAt(index, visualRect(index), pos);
        return std::pair(TextPosition{id, from}, TextPosition{id, to});
    }
    if (index.isValid() && unit == TextSelection::Unit::Message) {
        const StreamId id = idOf(index);
        return std::pair(TextPosition{id, 0}, TextPosition{id, TextPosition::End});
    }
    const std::optional<TextPosition> at = textPositionAt(pos);
    if (!at)
        return std::nullopt;
    return std::pair(*at, *at);
}

void MessageLogView::activateLink(const QUrl &url)
{
    Q_EMIT linkActivated(url);
    const QString scheme = url.scheme().toLower();
    if (!m_openLinks || (scheme != u"http" && scheme != u"https"))
        return;
    const bool opened = m_linkOpener ? m_linkOpener(url) : QDesktopServices::openUrl(url);
    if (!opened)
        Q_EMIT linkNotOpened(url);
}

bool MessageLogView::viewportEvent(QEvent *event)
{
    switch (event->type()) {
    case QEvent::ToolTip: {
        auto *help = static_cast<QHelpEvent *>(event);
        const QUrl url = linkAt(help->pos());
        if (!url.isEmpty()) {
            QToolTip::showText(help->globalPos(), PlainText::toolTip(url.toDisplayString()),
                               viewport());
            return true;
        }
        break;
    }
    case QEvent::Leave:
        viewport()->unsetCursor();
        break;
    default:
        break;
    }
    return QListView::viewportEvent(event);
}

QString MessageLogView::linePrefix(const QModelIndex &index) const
{
    QString prefix = m_delegate->timestampText(index);
    if (!prefix.isEmpty())
        prefix += QLatin1Char(' ');
    const auto type = ChatMessage::Type(index.data(MessageLogModel::TypeRole).toInt());
    // IRC log style; other kinds of row name their author in their text.
    if (type == ChatMessage::Type::Message || type == ChatMessage::Type::Unknown)
        prefix += QLatin1Char('<') + index.data(MessageLogModel::AuthorRole).toString()
            + QStringLiteral("> ");
    return prefix;
}

QString MessageLogView::copyLine(const QModelIndex &index) const
{
    const auto type = ChatMessage::Type(index.data(MessageLogModel::TypeRole).toInt());
    if (type != ChatMessage::Type::Message && type != ChatMessage::Type::Unknown)
        return linePrefix(index) + index.data(Qt::DisplayRole).toString();
    // The text keeps its line breaks, as written.
    QString line = linePrefix(index) + index.data(MessageLogModel::TextRole).toString();
    const QString problem = index.data(MessageLogModel::ProblemRole).toString();
    if (!problem.isEmpty())
        line += QStringLiteral(" [") + problem + QLatin1Char(']');
    return line;
}

QString MessageLogView::copyText(const QModelIndexList &indexes) const
{
    QModelIndexList rows = indexes;
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QStringList lines;
    int previousRow = -1;
    for (const QModelIndex &index : std::as_const(rows)) {
        if (index.row() == previousRow)
            continue;
        previousRow = index.row();
        lines.append(copyLine(index));
    }
    return lines.join(QLatin1Char('\n'));
}

QString MessageLogView::selectedText() const
{
    if (m_textSelection.isEmpty())
        return {};
    struct Part
    {
        QModelIndex index;
        QString text;
        bool whole = false;
    };
    QList<Part> parts;
    const StreamId last = m_textSelection.end().id;
    const int rows = m_proxy->rowCount();
    for (int row = firstRowFrom(m_textSelection.start().id); row < rows; ++row) {
        const QModelIndex index = m_proxy->index(row, 0);
        const StreamId id = idOf(index);
        if (last < id)
            break;
        const TextSelection::Range range = m_textSelection.rangeIn(id);
        Part part{index, QString(), false};
        part.text = m_delegate->selectedText(index, range.from, range.to, &part.whole);
        // An end at the very end (or start) of a message includes none of it.
        if (!part.text.isEmpty() || part.whole)
            parts.append(part);
    }
    if (parts.size() == 1)
        return parts.first().text;
    QStringList lines;
    for (const Part &part : std::as_const(parts))
        lines.append(part.whole ? copyLine(part.index) : linePrefix(part.index) + part.text);
    return lines.join(QLatin1Char('\n'));
}

void MessageLogView::copySelection()
{
    if (hasSelectedText()) {
        QGuiApplication::clipboard()->setText(selectedText());
        return;
    }
    const QModelIndexList selected = selectionModel()->selectedIndexes();
    if (selected.isEmpty())
        return;
    QGuiApplication::clipboard()->setText(copyText(selected));
}

QMenu *MessageLogView::createContextMenu(const QPoint &pos)
{
    auto *menu = new QMenu(this);
    const QModelIndex index = indexAt(pos);
    // Right-clicking a message that is not selected acts on that message, as everywhere;
    // with text selected, Copy is for that.
    if (index.isValid() && !hasSelectedText() && !selectionModel()->isSelected(index)) {
        selectionModel()->setCurrentIndex(
            index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }

    // A refused message of mine is not a dead end: it can go again, be edited, or go away.
    if (index.isValid()
        && index.data(MessageLogModel::DeliveryRole).value<MessageLogModel::Delivery>()
            == MessageLogModel::Delivery::Failed) {
        const QByteArray cid = index.data(MessageLogModel::MessageRole).value<ChatMessage>().cid;
        QAction *retry = menu->addAction(tr("&Retry Sending"));
        retry->setObjectName(QStringLiteral("retryAction"));
        connect(retry, &QAction::triggered, this, [this, cid] { Q_EMIT retryRequested(cid); });
        QAction *edit = menu->addAction(tr("&Edit"));
        edit->setObjectName(QStringLiteral("editAction"));
        connect(edit, &QAction::triggered, this, [this, cid] { Q_EMIT editRequested(cid); });
        QAction *discard = menu->addAction(tr("&Discard"));
        discard->setObjectName(QStringLiteral("discardAction"));
        connect(discard, &QAction::triggered, this, [this, cid] { Q_EMIT discardRequested(cid); });
        menu->addSeparator();
    }

    QAction *copy = menu->addAction(tr("&Copy"));
    copy->setShortcut(QKeySequence::Copy);
    copy->setEnabled(hasSelectedText() || selectionModel()->hasSelection());
    connect(copy, &QAction::triggered, this, &MessageLogView::copySelection);

    if (index.isValid()) {
        QString text = index.data(MessageLogModel::TextRole).toString();
        if (text.isEmpty())
            text = index.data(Qt::DisplayRole).toString();
        QAction *copyMessageText = menu->addAction(tr("Copy &text"));
        connect(copyMessageText, &QAction::triggered, this,
                [text] { QGuiApplication::clipboard()->setText(text); });
    }

    const QUrl url = linkAt(pos);
    if (!url.isEmpty()) {
        QAction *copyLink = menu->addAction(tr("Copy &link address"));
        connect(copyLink, &QAction::triggered, this,
                [url] { QGuiApplication::clipboard()->setText(url.toString()); });
    }

    menu->addSeparator();
    QAction *selectEverything = menu->addAction(tr("Select &all"));
    selectEverything->setShortcut(QKeySequence::SelectAll);
    connect(selectEverything, &QAction::triggered, this, &MessageLogView::selectAll);
    return menu;
}

void MessageLogView::contextMenuEvent(QContextMenuEvent *event)
{
    QMenu *menu = createContextMenu(event->pos());
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->popup(event->globalPos());
}

void MessageLogView::savePosition()
{
    SavedPosition saved;
    saved.pinned = m_pinned;
    saved.newMessages = m_newMessages;
    if (!m_pinned) {
        captureAnchor();
        if (m_anchor.isValid()) {
            saved.anchorId = m_anchor.data(MessageLogModel::IdRole).toByteArray();
            saved.anchorOffset = m_anchorOffset;
        } else {
            saved.pinned = true;
        }
    }
    const MessageLogModel *model = m_source;
    if (!m_savedPositions.contains(model)) {
        connect(model, &QObject::destroyed, this,
                [this, model] { m_savedPositions.remove(model); });
    }
    m_savedPositions.insert(model, saved);
}

void MessageLogView::restoreSavedPosition()
{
    const auto it = m_savedPositions.constFind(m_source.data());
    if (!m_source || it == m_savedPositions.cend() || it->pinned)
        return; // reset() left the view pinned to the bottom
    const std::optional<StreamId> id = StreamId::parse(it->anchorId);
    const int row = id ? m_source->rowOfId(*id) : -1;
    if (row < 0)
        return; // trimmed away meanwhile: the bottom is the best guess
    m_pinned = false;
    m_anchor = m_proxy->index(row, 0);
    m_anchorOffset = it->anchorOffset;
    m_newMessages = it->newMessages;
    updateNewMessagesButton();
    updateTrimmingHold();
}

void MessageLogView::scheduleHistoryCheck()
{
    if (m_historyCheckQueued)
        return;
    m_historyCheckQueued = true;
    // Not from inside a layout: the model may answer at once and insert rows.
    QMetaObject::invokeMethod(this, &MessageLogView::fetchHistoryIfNearTop, Qt::QueuedConnection);
}

void MessageLogView::fetchHistoryIfNearTop()
{
    m_historyCheckQueued = false;
    if (!m_source || !isVisible() || !m_source->canFetchMore(QModelIndex()))
        return;
    const QScrollBar *bar = verticalScrollBar();
    const int contentHeight = bar->maximum() + bar->pageStep();
    // Quassel's rule: when the top fifth of what is loaded comes into view (or it does not
    // fill the view at all).
    if (bar->value() <= contentHeight / 5)
        m_source->fetchMore(QModelIndex());
}

void MessageLogView::updateNewMessagesButton()
{
    if (!m_newMessagesButton)
        return;
    if (m_pinned || m_newMessages <= 0) {
        m_newMessagesButton->hide();
        return;
    }
    const QString text = m_newMessages == 1 ? tr("1 new message ↓")
                                            : tr("%n new messages ↓", nullptr, m_newMessages);
    m_newMessagesButton->setText(text);
    m_newMessagesButton->setAccessibleName(text);
    m_newMessagesButton->adjustSize();
    placeNewMessagesButton();
    m_newMessagesButton->show();
    m_newMessagesButton->raise();
}

void MessageLogView::placeNewMessagesButton()
{
    if (!m_newMessagesButton)
        return;
    const QSize size = m_newMessagesButton->sizeHint();
    const QRect area = viewport()->geometry();
    m_newMessagesButton->setGeometry(area.center().x() - size.width() / 2,
                                     area.bottom() - ButtonMargin - size.height(), size.width(),
                                     size.height());
}

void MessageLogView::styleNewMessagesButton()
{
    if (!m_newMessagesButton)
        return;
    const QPalette colors = palette();
    const QColor background = colors.color(QPalette::Active, QPalette::Highlight);
    const QColor text = colors.color(QPalette::Active, QPalette::HighlightedText);
    const int radius = (fontMetrics().height() + 10) / 2;
    m_newMessagesButton->setStyleSheet(
        QStringLiteral("QToolButton { background: %1; color: %2; border: none;"
                       " border-radius: %3px; padding: 5px 16px; font-weight: 600; }"
                       " QToolButton:hover { background: %4; }"
                       " QToolButton:pressed { background: %5; }")
            .arg(background.name(), text.name(), QString::number(radius),
                 background.lighter(112).name(), background.darker(112).name()));
}

void MessageLogView::armMidnightTimer()
{
    const QDateTime now = QDateTime::currentDateTime();
    const QDateTime midnight(now.date().addDays(1), QTime(0, 0));
    m_midnightTimer.start(
        int(std::clamp<qint64>(now.msecsTo(midnight) + 1000, 1000, 24 * 3600 * 1000)));
}

} // namespace Confab
