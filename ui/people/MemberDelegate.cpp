#include "MemberDelegate.h"

#include "PresenceDot.h"

#include "chat/DisplayText.h"
#include "model/MemberListModel.h"

#include <QApplication>
#include <QPainter>

namespace Confab {

namespace {

constexpr int HPadding = 6;
constexpr int VPadding = 3;

} // namespace

QSize MemberDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    return {100, option.fontMetrics.height() + 2 * VPadding};
}

void MemberDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                           const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    opt.icon = QIcon();
    QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &opt, painter, opt.widget);

    const auto state = Presence::State(index.data(MemberListModel::PresenceRole).toInt());
    const QString name = index.data(MemberListModel::DisplayNameRole).toString();
    const QString status = index.data(MemberListModel::StatusRole).toString();
    const bool selected = opt.state & QStyle::State_Selected;
    const QPalette &palette = opt.palette;
    const QColor text = palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
    QColor muted = text;
    muted.setAlphaF(0.6f);

    QRect rect = opt.rect.adjusted(HPadding, 0, -HPadding, 0);
    const int dotSize = std::max(8, opt.fontMetrics.height() * 3 / 5);
    PresenceDot::paint(
        painter, QRectF(rect.left(), rect.center().y() - dotSize / 2.0 + 0.5, dotSize, dotSize),
        state, palette);
    rect.setLeft(rect.left() + dotSize + 8);

    painter->save();
    painter->setFont(opt.font);
    const QFontMetrics &fm = opt.fontMetrics;
    painter->setPen(state == Presence::State::Offline && !selected ? muted : text);
    // The name first, whole if it fits; the status gets what is left.
    const QString shownName = fm.elidedText(name, Qt::ElideMiddle, rect.width());
    painter->drawText(rect, Qt::AlignVCenter | Qt::AlignLeft, shownName);
    const int used = fm.horizontalAdvance(shownName);
    if (!status.isEmpty() && used + 24 < rect.width()) {
        QRect rest = rect;
        rest.setLeft(rect.left() + used + 8);
        painter->setPen(muted);
        painter->drawText(
            rest, Qt::AlignVCenter | Qt::AlignLeft,
            fm.elidedText(DisplayText::isolated(status), Qt::ElideRight, rest.width()));
    }
    painter->restore();
}

} // namespace Confab
