#include "ChannelDelegate.h"

#include "ColorContrast.h"
#include "PresenceDot.h"
#include "Theme.h"

#include "model/ChannelListModel.h"

#include "chat/ChatKeys.h"

#include <QApplication>
#include <QPainter>

namespace Confab {

namespace {

constexpr int HPadding = 10;
constexpr int VPadding = 5;

} // namespace

ChannelDelegate::ChannelDelegate(DisplayName displayName, QObject *parent, PresenceOf presence)
    : QStyledItemDelegate(parent)
    , m_displayName(std::move(displayName))
    , m_presence(std::move(presence))
{ }

QSize ChannelDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    return {120, option.fontMetrics.height() + 2 * VPadding + 2};
}

QStringList ChannelDelegate::badges(int unread, int mentions)
{
    if (unread <= 0)
        return {};
    const auto shown = [](int n) {
        return n > 999 ? QStringLiteral("999+") : QString::number(n);
    };
    QStringList pills;
    if (mentions > 0)
        pills << u'@' + shown(mentions);
    if (mentions < unread)
        pills << shown(unread);
    return pills;
}

void ChannelDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                            const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &opt, painter, opt.widget);

    const QString name = index.data(ChannelListModel::NameRole).toString();
    const int unread = index.data(ChannelListModel::UnreadRole).toInt();
    const int mentions = index.data(ChannelListModel::MentionCountRole).toInt();
    const bool selected = opt.state & QStyle::State_Selected;
    const QPalette &palette = opt.palette;
    const QColor text = palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
    QColor muted = text;
    muted.setAlphaF(0.55f);

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    QRect rect = opt.rect.adjusted(HPadding, 0, -HPadding, 0);

    // Badges first, so the name knows how much room is left. Mentions and unread are two
    // numbers, two pills: a red "@1" for the one that mentions me, then "5" for all unread
    // (one red "@5" when every unread one is for me, as in a direct conversation). A single
    // "@5" read as five mentions when it meant one.
    if (unread > 0) {
        QFont badgeFont = opt.font;
        badgeFont.setBold(true);
        badgeFont.setPointSizeF(badgeFont.pointSizeF() * 0.85);
        const QFontMetrics fm(badgeFont);
        const int h = fm.height() + 2;
        const QColor base = palette.color(QPalette::Base);
        const auto drawPill = [&](const QString &label, bool red) {
            const int w = std::max(h, fm.horizontalAdvance(label) + 12);
            const QRect badge(rect.right() - w, rect.center().y() - h / 2 + 1, w, h);
            // WCAG AA (4.5:1, with a margin for rounding) for the count on its pill in every
            // theme: Mid against Text can be close to 2:1 in a dark palette.
            QColor fill;
            QColor ink;
            if (red) {
                ink = Qt::white;
                fill = Theme::mentionBadgeColor();
            } else if (selected) {
                fill = palette.color(QPalette::HighlightedText);
                ink = ColorContrast::readableOn(palette.color(QPalette::Highlight), fill, 5.0);
            } else {
                fill = ColorContrast::mix(text, base, 0.8);
                ink = ColorContrast::readableOn(text, fill, 5.0);
            }
            painter->setPen(Qt::NoPen);
            painter->setBrush(fill);
            painter->drawRoundedRect(badge, h / 2.0, h / 2.0);
            painter->setFont(badgeFont);
            painter->setPen(ink);
            painter->drawText(badge, Qt::AlignCenter, label);
            rect.setRight(badge.left() - 4);
        };
        // Right to left: the total at the edge, the mentions before it.
        const QStringList pills = badges(unread, mentions);
        for (auto it = pills.crbegin(); it != pills.crend(); ++it)
            drawPill(*it, it->startsWith(u'@'));
        rect.setRight(rect.right() - 2);
    }

    const bool direct = ChatKeys::isDirectChannel(name);
    QFont font = opt.font;
    font.setBold(unread > 0);
    painter->setFont(font);
    const QFontMetrics fm(font);
    const QString sigil = direct ? QStringLiteral("@") : QStringLiteral("#");
    // The wider of the two, so names line up and "@" does not touch the name.
    const int sigilWidth = std::max(fm.horizontalAdvance(u'#'), fm.horizontalAdvance(u'@')) + 4;
    if (direct && m_presence) {
        // The other person's presence in place of the "@", as chat apps show it.
        const int dot = std::max(8, fm.height() * 3 / 5);
        PresenceDot::paint(painter,
                           QRectF(rect.left() + (sigilWidth - 4 - dot) / 2.0,
                                  rect.center().y() - dot / 2.0 + 0.5, dot, dot),
                           m_presence(name), palette);
    } else {
        painter->setPen(muted);
        painter->drawText(rect, Qt::AlignVCenter | Qt::AlignLeft, sigil);
    }
    rect.setLeft(rect.left() + sigilWidth);
    painter->setPen(unread > 0 || selected ? text : muted.lighter(100));
    if (unread == 0 && !selected) {
        QColor normal = text;
        normal.setAlphaF(0.8f);
        painter->setPen(normal);
    }
    const QString shown = m_displayName ? m_displayName(name) : name;
    painter->drawText(rect, Qt::AlignVCenter | Qt::AlignLeft,
                      fm.elidedText(shown, Qt::ElideRight, rect.width()));
    painter->restore();
}

} // namespace Confab
