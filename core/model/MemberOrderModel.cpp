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
    // Straight from the model, not through QVariant: a list of thousands compares this often.
    const auto *members = qobject_cast<const MemberListModel *>(sourceModel());
    const auto stateOf = [members](const QModelIndex &index) {
        return members ? members->presenceAt(index.row())
                       : Presence::State(index.data(MemberListModel::PresenceRole).toInt());
    };
    const int a = PresenceDirectory::rank(stateOf(left));
    const int b = PresenceDirectory::rank(stateOf(right));
    if (a != b)
        return a < b;
    return left.row() < right.row();
}

} // namespace Confab
