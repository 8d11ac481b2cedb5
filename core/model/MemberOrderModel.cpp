#include "MemberOrderModel.h"

#include "MemberListModel.h"
#include "PresenceDirectory.h"

namespace Confab {

MemberOrderModel::MemberOrderModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true);
    sort(0);
}

bool MemberOrderModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const int a =
        PresenceDirectory::rank(Presence::State(left.data(MemberListModel::PresenceRole).toInt()));
    const int b =
        PresenceDirectory::rank(Presence::State(right.data(MemberListModel::PresenceRole).toInt()));
    if (a != b)
        return a < b;
    return left.row() < right.row();
}

} // namespace Confab
