#pragma once

#include <QStyledItemDelegate>

namespace Confab {

// A row of the member list: the presence dot, the name (display name and account), and the
// status text after it, muted. Offline people are shown muted too.
class MemberDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace Confab
