#pragma once

#include "chat/ChannelInfo.h"

#include <QAbstractListModel>

namespace Confab {

// The channel list: one row per channel, sorted by name case-insensitively (NameOrder), with
// what the list shows besides the ChannelInfo: how many messages are unread and whether one of
// them mentions the user. Unread state is the client's own; it survives setChannels refreshes.
class ChannelListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Roles : int {
        NameRole = Qt::UserRole + 1, // QString, without '#'
        TopicRole, // QString
        UnreadRole, // int
        MentionRole, // bool: an unread message mentions the user
        MentionCountRole, // int: how many unread messages mention the user (all, in a DM)
        MemberCountRole, // qint64
        LastActivityRole, // QDateTime
        JoinedRole, // bool
        InfoRole, // ChannelInfo
        // QString: what a list of places to go says beside the name ("join · 12 members" for a
        // channel one is not in); empty for these rows, which are all joined.
        HintRole,
    };
    Q_ENUM(Roles)

    explicit ChannelListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Makes the list exactly `channels` with as few row changes as possible: changed rows get
    // dataChanged, new ones are inserted where they sort, missing ones are removed. Rows that
    // stay keep their unread count and mention mark. Entries without a name are ignored; of
    // two entries with the same name the later one counts.
    void setChannels(const ChannelInfoList &channels);
    // Updates the channel's row (keeping its unread state) or inserts it where it sorts.
    void upsertChannel(const ChannelInfo &channel);
    void removeChannel(const QString &name);

    // Counts `count` more unread messages in the channel, `mentions` of them mentioning the
    // user. Channels not in the list are ignored: there is no row to show the count on.
    void addUnread(const QString &name, int count, int mentions);
    void markRead(const QString &name);

    // Row of the channel, -1 if absent. Names are compared exactly, as Redis does.
    int indexOf(const QString &name) const;
    // Empty if the row does not exist.
    QString nameAt(int row) const;
    int totalUnread() const { return m_totalUnread; }

    // Whose list this is: a direct conversation is shown as "@" and the other person's name,
    // not its key ("dm:alice:bob").
    void setMyName(const QString &name);
    // "#dev", or "@bob" for a direct conversation with bob.
    QString label(const QString &name) const;

Q_SIGNALS:
    void totalUnreadChanged(int total);

private:
    struct Row
    {
        ChannelInfo info;
        int unread = 0;
        int mentions = 0;
    };

    // Where a channel of this name is or would be inserted.
    int lowerBound(const QString &name) const;
    void insertRowBlock(int position, const QList<Row> &rows);
    void removeRowRange(int first, int last);
    void updateTotalUnread();

    QList<Row> m_rows;
    int m_totalUnread = 0;
    QString m_myName;
};

} // namespace Confab
