#pragma once

#include <QSortFilterProxyModel>

namespace Confab {

// A member list as people read it: online first, then away, then offline, and by name
// within each (the source's order). Follows presence changes as they come.
class MemberOrderModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit MemberOrderModel(QObject *parent = nullptr);

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;
};

} // namespace Confab
