#include "MessageLogView.h"

#include "MessageDelegate.h"

#include "model/MessageLogModel.h"

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

} // namespace

MessageLogView::MessageLogView(QWidget *parent)
    : QListView(parent)
    , m_proxy(new NoAutoFetchProxy(this))
    , m_delegate(new MessageDelegate(this))
{
    setModel(m_proxy);
    setItemDelegate(m_delegate);
    setUniformItemSizes(false);
    setLayoutMode(QListView::SinglePass);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Rows wrap to the width; a scroll bar that comes and goes would change the width and
    // re-wrap every row twice.
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setFrameShape(QFrame::NoFrame);
    setMouseTracking(true);
    viewport()->setAttribute(Qt::WA_Hover);
    setAccessibleName(tr("Message log"));

    m_delegate->setLook(font(), palette());
    m_delegate->setWidth(viewport()->width());
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
}

MessageLogView::~MessageLogView() = default;

void MessageLogView::setLogModel(MessageLogModel *model)
{
    if (model == m_source)
        return;
    if (m_source)
        savePosition();
    m_pressedLink.clear();
    m_delegate->clearCache();
    m_source = model;
    m_proxy->setSourceModel(model); // resets the view (reset() below)
    restoreSavedPosition();
    scheduleHistoryCheck();
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
    m_anchor = QPersistentModelIndex();
    m_pinned = true;
    m_newMessages = 0;
    updateNewMessagesButton();
}

void MessageLogView::jumpToBottom()
{
    m_pinned = true;
    m_selecting = false;
    m_newMessages = 0;
    updateNewMessagesButton();
    executeDelayedItemsLayout();
    QScrollBar *bar = verticalScrollBar();
    if (bar->value() != bar->maximum())
        bar->setValue(bar->maximum());
}

void MessageLogView::scrollTo(const QModelIndex &index, ScrollHint hint)
{
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
    restorePosition();
    placeNewMessagesButton();
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
    if (parent.isValid())
        return;
    const bool appended = start > 0 && end == m_proxy->rowCount() - 1;
    if (appended && !m_pinned) {
        m_newMessages += end - start + 1;
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

void MessageLogView::keyPressEvent(QKeyEvent *event)
{
    if (event->matches(QKeySequence::Copy)) {
        copySelection();
        event->accept();
        return;
    }
    QListView::keyPressEvent(event);
}

QUrl MessageLogView::linkAt(const QPoint &pos) const
{
    const QModelIndex index = indexAt(pos);
    if (!index.isValid())
        return {};
    return m_delegate->linkAt(index, visualRect(index), pos);
}

void MessageLogView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        const QUrl url = linkAt(event->position().toPoint());
        if (!url.isEmpty()) {
            // A click on a link opens it; it does not select the row.
            m_pressedLink = url;
            event->accept();
            return;
        }
        captureAnchor();
        m_selecting = true;
    }
    QListView::mousePressEvent(event);
}

void MessageLogView::mouseMoveEvent(QMouseEvent *event)
{
    QListView::mouseMoveEvent(event);
    if (event->buttons() == Qt::NoButton) {
        if (linkAt(event->position().toPoint()).isEmpty())
            viewport()->unsetCursor();
        else
            viewport()->setCursor(Qt::PointingHandCursor);
    }
}

void MessageLogView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && !m_pressedLink.isEmpty()) {
        const QUrl pressed = std::exchange(m_pressedLink, QUrl());
        if (linkAt(event->position().toPoint()) == pressed)
            activateLink(pressed);
        event->accept();
        return;
    }
    QListView::mouseReleaseEvent(event);
    if (event->button() == Qt::LeftButton && m_selecting) {
        m_selecting = false;
        // Messages that came while the log held still for the selection.
        if (m_pinned)
            jumpToBottom();
    }
}

void MessageLogView::activateLink(const QUrl &url)
{
    Q_EMIT linkActivated(url);
    const QString scheme = url.scheme().toLower();
    if (m_openLinks && (scheme == u"http" || scheme == u"https"))
        QDesktopServices::openUrl(url);
}

bool MessageLogView::viewportEvent(QEvent *event)
{
    switch (event->type()) {
    case QEvent::ToolTip: {
        auto *help = static_cast<QHelpEvent *>(event);
        const QUrl url = linkAt(help->pos());
        if (!url.isEmpty()) {
            QToolTip::showText(help->globalPos(), url.toDisplayString(), viewport());
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

QString MessageLogView::copyLine(const QModelIndex &index) const
{
    const auto type = ChatMessage::Type(index.data(MessageLogModel::TypeRole).toInt());
    QString line;
    if (type == ChatMessage::Type::Message || type == ChatMessage::Type::Unknown) {
        // IRC log style; the text keeps its line breaks, as written.
        line = QLatin1Char('<') + index.data(MessageLogModel::AuthorRole).toString()
            + QStringLiteral("> ") + index.data(MessageLogModel::TextRole).toString();
        const QString problem = index.data(MessageLogModel::ProblemRole).toString();
        if (!problem.isEmpty())
            line += QStringLiteral(" [") + problem + QLatin1Char(']');
    } else {
        line = index.data(Qt::DisplayRole).toString();
    }
    const QString stamp = m_delegate->timestampText(index);
    return stamp.isEmpty() ? line : stamp + QLatin1Char(' ') + line;
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

void MessageLogView::copySelection()
{
    const QModelIndexList selected = selectionModel()->selectedIndexes();
    if (selected.isEmpty())
        return;
    QGuiApplication::clipboard()->setText(copyText(selected));
}

QMenu *MessageLogView::createContextMenu(const QPoint &pos)
{
    auto *menu = new QMenu(this);
    const QModelIndex index = indexAt(pos);
    // Right-clicking a message that is not selected acts on that message, as everywhere.
    if (index.isValid() && !selectionModel()->isSelected(index)) {
        selectionModel()->setCurrentIndex(
            index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }

    QAction *copy = menu->addAction(tr("&Copy"));
    copy->setShortcut(QKeySequence::Copy);
    copy->setEnabled(selectionModel()->hasSelection());
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
