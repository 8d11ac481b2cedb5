#include "ChannelOrderModel.h"

#include "ChannelListModel.h"
#include "NameOrder.h"

#include "chat/ChatKeys.h"

namespace Confab {

ChannelOrderModel::ChannelOrderModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true);
    sort(0);
}

int ChannelOrderModel::rowOf(const QString &channel) const
{
    for (int row = 0; row < rowCount(); ++row) {
        if (channelAt(row) == channel)
            return row;
    }
    return -1;
}

QString ChannelOrderModel::channelAt(int row) const
{
    return index(row, 0).data(ChannelListModel::NameRole).toString();
}

bool ChannelOrderModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const QString a = left.data(ChannelListModel::NameRole).toString();
    const QString b = right.data(ChannelListModel::NameRole).toString();
    const bool directA = ChatKeys::isDirectChannel(a);
    const bool directB = ChatKeys::isDirectChannel(b);
    if (directA != directB)
        return directB;
    return NameOrder::lessThan(a, b);
}

} // namespace Confab
