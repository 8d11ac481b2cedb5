#pragma once

#include <QSortFilterProxyModel>

namespace Confab {

// The channel list in the order it is shown and walked with the keyboard: channels first,
// then direct conversations, each group by name.
class ChannelOrderModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit ChannelOrderModel(QObject *parent = nullptr);

    // Row in this model of the channel, -1 if absent.
    int rowOf(const QString &channel) const;
    QString channelAt(int row) const;

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;
};

} // namespace Confab
