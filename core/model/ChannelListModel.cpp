#include "ChannelListModel.h"

#include "chat/ChatKeys.h"

#include "NameOrder.h"

#include <QHash>

#include <algorithm>

namespace Confab {

ChannelListModel::ChannelListModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

int ChannelListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ChannelListModel::data(const QModelIndex &index, int role) const
{
    // Not checkIndex(): it warns about the invalid indexes views legitimately ask about.
    if (!index.isValid() || index.model() != this || index.row() >= m_rows.size())
        return {};
    const Row &row = m_rows.at(index.row());
    const ChannelInfo &info = row.info;
    switch (role) {
    case Qt::DisplayRole:
        return label(info.name);
    case Qt::ToolTipRole:
        // No tooltip at all rather than an empty one.
        return info.topic.isEmpty() ? QVariant() : QVariant(info.topic);
    case Qt::AccessibleTextRole: {
        QString text = label(info.name);
        if (row.unread > 0)
            text += QStringLiteral(", ") + tr("%n unread", nullptr, row.unread);
        if (row.mentions > 0)
            text += QStringLiteral(", ") + tr("%n mentioning you", nullptr, row.mentions);
        return text;
    }
    case NameRole:
        return info.name;
    case TopicRole:
        return info.topic;
    case UnreadRole:
        return row.unread;
    case MentionRole:
        return row.mentions > 0;
    case MentionCountRole:
        return row.mentions;
    case MemberCountRole:
        return info.memberCount;
    case LastActivityRole:
        return info.lastActivity();
    case JoinedRole:
        return info.joined;
    case InfoRole:
        return QVariant::fromValue(info);
    default:
        return {};
    }
}

QHash<int, QByteArray> ChannelListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(Qt::AccessibleTextRole, "accessibleText");
    names.insert(NameRole, "name");
    names.insert(TopicRole, "topic");
    names.insert(UnreadRole, "unread");
    names.insert(MentionRole, "mention");
    names.insert(MentionCountRole, "mentionCount");
    names.insert(MemberCountRole, "memberCount");
    names.insert(LastActivityRole, "lastActivity");
    names.insert(JoinedRole, "joined");
    names.insert(InfoRole, "info");
    names.insert(HintRole, "hint");
    return names;
}

void ChannelListModel::setChannels(const ChannelInfoList &channels)
{
    QList<Row> wanted;
    QHash<QString, qsizetype> wantedRow;
    for (const ChannelInfo &info : channels) {
        if (info.name.isEmpty())
            continue;
        const auto it = wantedRow.constFind(info.name);
        if (it != wantedRow.cend()) {
            wanted[*it].info = info;
        } else {
            wantedRow.insert(info.name, wanted.size());
            wanted.append(Row{info});
        }
    }
    std::sort(wanted.begin(), wanted.end(), [](const Row &a, const Row &b) {
        return NameOrder::lessThan(a.info.name, b.info.name);
    });

    // Bottom up, one removal per run of vanished rows, so the rows above keep their numbers.
    for (int last = int(m_rows.size()) - 1; last >= 0;) {
        if (wantedRow.contains(m_rows.at(last).info.name)) {
            --last;
            continue;
        }
        int first = last;
        while (first > 0 && !wantedRow.contains(m_rows.at(first - 1).info.name))
            --first;
        removeRowRange(first, last);
        last = first - 1;
    }

    // Every remaining row is wanted and both lists are sorted: merge them.
    int row = 0;
    for (qsizetype next = 0; next < wanted.size();) {
        if (row < m_rows.size() && m_rows.at(row).info.name == wanted.at(next).info.name) {
            if (!(m_rows.at(row).info == wanted.at(next).info)) {
                m_rows[row].info = wanted.at(next).info;
                Q_EMIT dataChanged(index(row), index(row));
            }
            ++row;
            ++next;
            continue;
        }
        // A run of new channels that all sort before the current row goes in as one block.
        qsizetype end = next;
        while (end < wanted.size()
               && (row >= m_rows.size()
                   || NameOrder::lessThan(wanted.at(end).info.name, m_rows.at(row).info.name)))
            ++end;
        if (end == next) {
            // Cannot happen while the rows are sorted; never loop forever if they are not.
            ++row;
            continue;
        }
        insertRowBlock(row, wanted.mid(next, end - next));
        row += int(end - next);
        next = end;
    }
    updateTotalUnread();
}

void ChannelListModel::upsertChannel(const ChannelInfo &channel)
{
    if (channel.name.isEmpty())
        return;
    const int row = indexOf(channel.name);
    if (row < 0) {
        insertRowBlock(lowerBound(channel.name), {Row{channel}});
        return;
    }
    if (m_rows.at(row).info == channel)
        return;
    m_rows[row].info = channel;
    Q_EMIT dataChanged(index(row), index(row));
}

void ChannelListModel::removeChannel(const QString &name)
{
    const int row = indexOf(name);
    if (row < 0)
        return;
    removeRowRange(row, row);
    updateTotalUnread();
}

void ChannelListModel::addUnread(const QString &name, int count, int mentions)
{
    const int row = indexOf(name);
    if (row < 0)
        return;
    Row &r = m_rows[row];
    count = std::max(count, 0);
    mentions = std::clamp(mentions, 0, std::max(count, 1));
    if (count == 0 && mentions == 0)
        return;
    r.unread += count;
    r.mentions = std::min(r.mentions + mentions, std::max(r.unread, 1));
    Q_EMIT dataChanged(index(row), index(row),
                       {UnreadRole, MentionRole, MentionCountRole, Qt::AccessibleTextRole});
    updateTotalUnread();
}

void ChannelListModel::markRead(const QString &name)
{
    const int row = indexOf(name);
    if (row < 0)
        return;
    Row &r = m_rows[row];
    if (r.unread == 0 && r.mentions == 0)
        return;
    r.unread = 0;
    r.mentions = 0;
    Q_EMIT dataChanged(index(row), index(row),
                       {UnreadRole, MentionRole, MentionCountRole, Qt::AccessibleTextRole});
    updateTotalUnread();
}

void ChannelListModel::setMyName(const QString &name)
{
    if (name == m_myName)
        return;
    m_myName = name;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0), index(rowCount() - 1),
                           {Qt::DisplayRole, Qt::AccessibleTextRole});
}

QString ChannelListModel::label(const QString &name) const
{
    if (!ChatKeys::isDirectChannel(name))
        return u'#' + name;
    const QString peer = ChatKeys::directPeer(name, m_myName);
    return u'@' + (peer.isEmpty() ? ChatKeys::directParticipants(name).value(1) : peer);
}

int ChannelListModel::indexOf(const QString &name) const
{
    const int row = lowerBound(name);
    return row < m_rows.size() && m_rows.at(row).info.name == name ? row : -1;
}

QString ChannelListModel::nameAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).info.name : QString();
}

int ChannelListModel::lowerBound(const QString &name) const
{
    const auto it = std::lower_bound(m_rows.cbegin(), m_rows.cend(), name,
                                     [](const Row &row, const QString &wanted) {
                                         return NameOrder::lessThan(row.info.name, wanted);
                                     });
    return int(it - m_rows.cbegin());
}

void ChannelListModel::insertRowBlock(int position, const QList<Row> &rows)
{
    if (rows.isEmpty())
        return;
    beginInsertRows(QModelIndex(), position, position + int(rows.size()) - 1);
    for (qsizetype i = 0; i < rows.size(); ++i)
        m_rows.insert(position + i, rows.at(i));
    endInsertRows();
}

void ChannelListModel::removeRowRange(int first, int last)
{
    beginRemoveRows(QModelIndex(), first, last);
    m_rows.remove(first, last - first + 1);
    endRemoveRows();
}

void ChannelListModel::updateTotalUnread()
{
    int total = 0;
    for (const Row &row : m_rows)
        total += row.unread;
    if (total == m_totalUnread)
        return;
    m_totalUnread = total;
    Q_EMIT totalUnreadChanged(total);
}

} // namespace Confab
