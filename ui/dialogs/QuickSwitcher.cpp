#include "QuickSwitcher.h"

#include "ChannelDelegate.h"
#include "PlainToolTipFilter.h"
#include "Theme.h"

#include "chat/NameRule.h"
#include "model/FuzzyFilterModel.h"

#include <QApplication>
#include <QFrame>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPainter>
#include <QScreen>
#include <QStyledItemDelegate>
#include <QVBoxLayout>

namespace Confab {

namespace {

constexpr int SwitcherWidth = 420;
constexpr int MaxVisibleRows = 9;

// Role of the model whose roleNames() calls it `name`, or -1.
int roleNamed(const QAbstractItemModel *model, const QByteArray &name)
{
    const QHash<int, QByteArray> roles = model->roleNames();
    for (auto it = roles.cbegin(); it != roles.cend(); ++it) {
        if (it.value() == name)
            return it.key();
    }
    return -1;
}

// A row of the switcher: the channel's display text, bold while it has unread messages, and
// the unread count in a pill on the right (red when one of them mentions the user).
class ChannelRowDelegate : public QStyledItemDelegate
{
public:
    ChannelRowDelegate(int unreadRole, int mentionRole, int hintRole, QObject *parent)
        : QStyledItemDelegate(parent)
        , m_unreadRole(unreadRole)
        , m_mentionRole(mentionRole)
        , m_hintRole(hintRole)
    { }

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QString text = opt.text;
        const int unread = m_unreadRole >= 0 ? index.data(m_unreadRole).toInt() : 0;
        const int mentions = m_mentionRole >= 0 ? index.data(m_mentionRole).toInt() : 0;
        const bool mention = mentions > 0;
        const bool selected = opt.state & QStyle::State_Selected;

        // The style draws the background and selection; the text and pill are ours, so that the
        // text is elided before the pill rather than under it.
        opt.text.clear();
        const QWidget *widget = opt.widget;
        QStyle *style = widget ? widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
        QRect textRect = style->subElementRect(QStyle::SE_ItemViewItemText, &opt, widget);
        textRect.adjust(4, 0, -4, 0);

        painter->save();
        const QPalette::ColorGroup group = opt.state & QStyle::State_Enabled
            ? (opt.state & QStyle::State_Active ? QPalette::Active : QPalette::Inactive)
            : QPalette::Disabled;
        const QColor textColor =
            opt.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text);
        if (unread > 0) {
            QFont badgeFont = opt.font;
            badgeFont.setBold(true);
            if (badgeFont.pointSizeF() > 0) // not for pixel-sized fonts
                badgeFont.setPointSizeF(badgeFont.pointSizeF() * 0.85);
            const QFontMetrics badgeMetrics(badgeFont);
            // As in the channel list: "@1 5" is one mention among five unread, "@3" three
            // unread that are all for the user (the "@" says it, not the colour alone).
            const QString badgeText =
                ChannelDelegate::badges(unread, mentions).join(QStringLiteral(" \u00b7 "));
            const int height = badgeMetrics.height() + 2;
            const int width = qMax(height, badgeMetrics.horizontalAdvance(badgeText) + 12);
            const QRect badge(textRect.right() - width + 1, textRect.center().y() - height / 2 + 1,
                              width, height);
            QColor fill = mention ? Theme::mentionBadgeColor() : textColor;
            if (!mention)
                fill.setAlphaF(0.16f);
            painter->setRenderHint(QPainter::Antialiasing);
            painter->setPen(Qt::NoPen);
            painter->setBrush(fill);
            painter->drawRoundedRect(badge, height / 2.0, height / 2.0);
            painter->setFont(badgeFont);
            painter->setPen(mention ? QColor(Qt::white) : textColor);
            painter->drawText(badge, Qt::AlignCenter, badgeText);
            textRect.setRight(badge.left() - 8);
        }
        // "join · 12 members", "online": muted, on the right, where the pill would be.
        const QString hint = m_hintRole >= 0 ? index.data(m_hintRole).toString() : QString();
        if (!hint.isEmpty() && unread == 0) {
            QColor muted = textColor;
            muted.setAlphaF(0.6f);
            painter->setFont(opt.font);
            painter->setPen(muted);
            // The painter's metrics: a grab into an image may have another resolution.
            const QFontMetrics metrics = painter->fontMetrics();
            const int width = std::min(metrics.horizontalAdvance(hint) + 2, textRect.width() / 2);
            const QRect hintRect(textRect.right() - width + 1, textRect.top(), width,
                                 textRect.height());
            painter->drawText(hintRect, Qt::AlignVCenter | Qt::AlignRight,
                              metrics.elidedText(hint, Qt::ElideRight, width));
            textRect.setRight(hintRect.left() - 12);
        }
        QFont font = opt.font;
        font.setBold(unread > 0);
        painter->setFont(font);
        painter->setPen(textColor);
        const QString elided =
            QFontMetrics(font).elidedText(text, Qt::ElideRight, textRect.width());
        painter->drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft, elided);
        painter->restore();
    }

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        // Roomier than a plain list: these rows are targets to read at a glance.
        QSize size = QStyledItemDelegate::sizeHint(option, index);
        size.setHeight(qMax(size.height(), option.fontMetrics.height() + 12));
        return size;
    }

private:
    int m_unreadRole;
    int m_mentionRole;
    int m_hintRole;
};

} // namespace

QuickSwitcher::QuickSwitcher(QAbstractItemModel *channels, int nameRole, QWidget *parent)
    : QDialog(parent, Qt::Dialog | Qt::FramelessWindowHint)
    , m_nameRole(nameRole)
{
    setAccessibleName(tr("Quick switcher"));
    setWindowTitle(tr("Jump to a channel or person"));

    m_filter = new FuzzyFilterModel(this);
    // Filtered by what is shown ("#dev", "@bob"), opened by name (a direct conversation's
    // key would match my own name in every one of them).
    m_filter->setNameRole(Qt::DisplayRole);
    m_filter->setSourceModel(channels);

    // Frameless, so the frame is drawn by a QFrame filling the dialog.
    auto *frame = new QFrame(this);
    frame->setAccessibleName(tr("Quick switcher"));
    frame->setFrameShape(QFrame::StyledPanel);
    frame->setFrameShadow(QFrame::Raised);
    frame->setFixedWidth(SwitcherWidth);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    // The box always has the height of what it shows: it grows and shrinks with the matches.
    outer->setSizeConstraint(QLayout::SetFixedSize);
    outer->addWidget(frame);

    m_search = new QLineEdit(frame);
    m_search->setObjectName(QStringLiteral("quickSwitcherFilter"));
    m_search->setPlaceholderText(tr("Jump to a channel or person…"));
    m_search->setAccessibleName(tr("Channel filter"));
    m_search->setClearButtonEnabled(true);
    QFont searchFont = m_search->font();
    if (searchFont.pointSizeF() > 0) // not for pixel-sized fonts
        searchFont.setPointSizeF(searchFont.pointSizeF() * 1.15);
    m_search->setFont(searchFont);
    m_search->setMinimumHeight(m_search->sizeHint().height() + 6);
    m_search->installEventFilter(this);

    m_list = new QListView(frame);
    m_list->setObjectName(QStringLiteral("quickSwitcherList"));
    m_list->setAccessibleName(tr("Matching channels"));
    m_list->setModel(m_filter);
    PlainToolTipFilter::install(m_list);
    m_list->setItemDelegate(new ChannelRowDelegate(roleNamed(channels, "unread"),
                                                   roleNamed(channels, "mentionCount"),
                                                   roleNamed(channels, "hint"), m_list));
    // Typing goes to the filter while the list shows where Up/Down are.
    m_list->setFocusPolicy(Qt::NoFocus);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setUniformItemSizes(true);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_list->setFrameShape(QFrame::NoFrame);
    // Rows sit on the box's own background; only the selection stands out.
    m_list->setBackgroundRole(QPalette::Window);
    m_list->viewport()->setBackgroundRole(QPalette::Window);

    m_emptyLabel = new QLabel(tr("No channel matches"), frame);
    m_emptyLabel->setObjectName(QStringLiteral("quickSwitcherEmpty"));
    m_emptyLabel->setAccessibleName(tr("No matches"));
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    Theme::styleAsHint(m_emptyLabel);
    m_emptyLabel->setMinimumHeight(m_emptyLabel->sizeHint().height() * 2);
    m_emptyLabel->hide();

    auto *layout = new QVBoxLayout(frame);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(6);
    layout->addWidget(m_search);
    layout->addWidget(m_list);
    layout->addWidget(m_emptyLabel);

    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_filter->setFilterText(text);
        // The best match is selected after every keystroke, so Enter opens it.
        selectRow(0);
        updateListHeight();
    });
    connect(m_list, &QListView::clicked, this, [this](const QModelIndex &index) {
        m_list->setCurrentIndex(index);
        chooseCurrent();
    });
    // Channels can come and go while the switcher is open; keep a selection.
    auto keepSelection = [this] {
        if (!m_list->currentIndex().isValid())
            selectRow(0);
        updateListHeight();
    };
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, keepSelection);
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, keepSelection);
    connect(m_filter, &QAbstractItemModel::modelReset, this, keepSelection);
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, keepSelection);

    selectRow(0);
    updateListHeight();
}

QString QuickSwitcher::filterText() const
{
    return m_search->text();
}

void QuickSwitcher::setFilterText(const QString &text)
{
    m_search->setText(text);
}

void QuickSwitcher::setPreviousChannel(const QString &name)
{
    if (!m_search->text().isEmpty())
        return;
    for (int row = 0; row < m_filter->rowCount(); ++row) {
        QString shown = m_filter->index(row, 0).data(m_nameRole).toString();
        if (m_nameRole == Qt::DisplayRole && shown.startsWith(u'#'))
            shown.remove(0, 1);
        if (shown == name) {
            selectRow(row);
            return;
        }
    }
}

QString QuickSwitcher::currentName() const
{
    const QModelIndex index = m_list->currentIndex();
    if (!index.isValid())
        return {};
    QString name = index.data(m_nameRole).toString();
    if (m_nameRole == Qt::DisplayRole && name.startsWith(u'#'))
        name.remove(0, 1);
    return name;
}

void QuickSwitcher::done(int result)
{
    // Hiding moves the activation elsewhere, which must not turn into a second, rejecting close.
    m_closing = true;
    QDialog::done(result);
    m_closing = false;
    m_search->clear();
}

bool QuickSwitcher::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_search && event->type() == QEvent::KeyPress) {
        auto *keyEvent = static_cast<QKeyEvent *>(event);
        const int page =
            qMax(1, m_list->viewport()->height() / qMax(1, m_list->sizeHintForRow(0)) - 1);
        switch (keyEvent->key()) {
        case Qt::Key_Up:
            moveSelection(-1);
            return true;
        case Qt::Key_Down:
            moveSelection(1);
            return true;
        case Qt::Key_PageUp:
            moveSelection(-page);
            return true;
        case Qt::Key_PageDown:
            moveSelection(page);
            return true;
        case Qt::Key_Return:
        case Qt::Key_Enter:
            chooseCurrent();
            return true;
        case Qt::Key_Escape:
            reject();
            return true;
        default:
            break;
        }
    }
    return QDialog::eventFilter(watched, event);
}

void QuickSwitcher::setVisible(bool visible)
{
    if (visible && !isVisible()) {
        // Sized and placed before the native window is mapped: placed in showEvent() it was
        // too late for some window managers, and Openbox put about one switcher in three at
        // the screen's top-left corner (when typing started at once).
        ensurePolished();
        updateListHeight();
        if (layout())
            layout()->activate();
        placeOverParent();
    }
    QDialog::setVisible(visible);
}

void QuickSwitcher::showEvent(QShowEvent *event)
{
    updateListHeight();
    placeOverParent();
    QDialog::showEvent(event);
    // Frameless windows are not always given focus by window managers; typing must land in
    // the filter at once.
    activateWindow();
    m_search->setFocus(Qt::PopupFocusReason);
}

bool QuickSwitcher::event(QEvent *event)
{
    // Popup behaviour without Qt::Popup (which grabs the keyboard and mouse and fights with
    // the window manager): clicking anywhere else dismisses the switcher.
    if (event->type() == QEvent::WindowDeactivate && isVisible() && !m_closing)
        reject();
    return QDialog::event(event);
}

void QuickSwitcher::selectRow(int row)
{
    if (row < 0 || row >= m_filter->rowCount()) {
        m_list->setCurrentIndex({});
        return;
    }
    const QModelIndex index = m_filter->index(row, 0);
    m_list->setCurrentIndex(index);
    m_list->scrollTo(index);
}

void QuickSwitcher::moveSelection(int delta)
{
    const int count = m_filter->rowCount();
    if (count == 0)
        return;
    const QModelIndex current = m_list->currentIndex();
    const int row = current.isValid() ? current.row() + delta : 0;
    selectRow(std::clamp(row, 0, count - 1));
}

QString QuickSwitcher::channelToJoin() const
{
    const QString typed = NameRule::normalizedChannel(m_search->text().trimmed());
    return !typed.isEmpty() && NameRule::isValid(typed) ? typed : QString();
}

void QuickSwitcher::chooseCurrent()
{
    QString name = currentName();
    // Nothing matches: a channel one is not in yet is joined (or created), as in Chatterino;
    // a name that cannot be one does nothing rather than closing on the user.
    if (name.isEmpty())
        name = channelToJoin();
    if (name.isEmpty())
        return;
    // Closed first: whatever reacts to the choice (opening the channel, focusing its input)
    // then happens with the switcher already gone.
    accept();
    Q_EMIT channelChosen(name);
}

void QuickSwitcher::placeOverParent()
{
    QWidget *anchor = parentWidget() ? parentWidget()->window() : nullptr;
    QRect area;
    if (anchor)
        area = anchor->geometry();
    else if (const QScreen *screen = this->screen())
        area = screen->availableGeometry();
    if (area.isEmpty())
        return;
    // The top edge is where a full list would sit centred, so the box grows and shrinks
    // downwards as the user types instead of jumping about.
    const int rowHeight = qMax(
        1, m_list->sizeHintForRow(0) > 0 ? m_list->sizeHintForRow(0) : fontMetrics().height() + 12);
    const int fullHeight = height() - m_list->height() + rowHeight * MaxVisibleRows;
    const int x = area.center().x() - width() / 2;
    const int y = area.top() + qMax(0, (area.height() - fullHeight) / 2);
    move(x, y);
}

void QuickSwitcher::updateListHeight()
{
    const int count = m_filter->rowCount();
    m_list->setVisible(count > 0);
    m_emptyLabel->setVisible(count == 0);
    const QString join = channelToJoin();
    m_emptyLabel->setText(
        join.isEmpty() ? tr("No channel matches")
                       : tr("No channel matches. Press Enter to join or create #%1.").arg(join));
    if (count > 0) {
        const int rowHeight = m_list->sizeHintForRow(0);
        const int rows = qMin(count, MaxVisibleRows);
        m_list->setFixedHeight(rows * rowHeight + 2 * m_list->frameWidth());
    }
}

} // namespace Confab
