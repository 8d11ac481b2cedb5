#include "MemberListModel.h"

#include "DisplayNameDirectory.h"
#include "NameOrder.h"
#include "PresenceDirectory.h"
#include "chat/DisplayText.h"

#include <QSet>

#include <algorithm>

namespace Confab {

MemberListModel::MemberListModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

int MemberListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_names.size());
}

QVariant MemberListModel::data(const QModelIndex &index, int role) const
{
    // Not checkIndex(): it warns about the invalid indexes views legitimately ask about.
    if (!index.isValid() || index.model() != this || index.row() >= m_names.size())
        return {};
    const QString &name = m_names.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case DisplayNameRole: {
        const QString shown = m_displayNames ? m_displayNames->displayName(name) : name;
        return shown == name ? name : QStringLiteral("%1 (%2)").arg(shown, name);
    }
    case Qt::ToolTipRole: {
        const Presence presence = presenceOf(name);
        QString tip = tr("Account: %1\n%2").arg(name, Presence::stateText(presence.state));
        if (!presence.status.isEmpty())
            tip += QStringLiteral(": ") + DisplayText::isolated(presence.status);
        return tip;
    }
    case Qt::AccessibleTextRole: {
        // What a screen reader says: the dot is colour only.
        const Presence presence = presenceOf(name);
        const QString shown = m_displayNames ? m_displayNames->displayName(name) : name;
        QString text = tr("%1, %2").arg(shown, Presence::stateText(presence.state).toLower());
        if (!presence.status.isEmpty())
            text += QStringLiteral(": ") + presence.status;
        return text;
    }
    case PresenceRole:
        return int(presenceOf(name).state);
    case StatusRole:
        return presenceOf(name).status;
    case NameRole:
        return name;
    case IsMeRole:
        return !m_myName.isEmpty() && name == m_myName;
    default:
        return {};
    }
}

void MemberListModel::setDisplayNames(const DisplayNameDirectory *names)
{
    if (m_displayNames)
        disconnect(m_displayNames, nullptr, this, nullptr);
    m_displayNames = names;
    if (!names)
        return;
    connect(names, &DisplayNameDirectory::changed, this, [this](const QString &account) {
        const int row = indexOf(account);
        if (row >= 0)
            Q_EMIT dataChanged(index(row), index(row), {Qt::DisplayRole, DisplayNameRole});
    });
}

Presence::State MemberListModel::presenceAt(int row) const
{
    if (!m_presence || row < 0 || row >= m_names.size())
        return Presence::State::Offline;
    return m_presence->stateOf(m_names.at(row));
}

Presence MemberListModel::presenceOf(const QString &account) const
{
    return m_presence ? m_presence->presenceOf(account) : Presence{account};
}

void MemberListModel::setPresence(const PresenceDirectory *presence)
{
    if (m_presence)
        disconnect(m_presence, nullptr, this, nullptr);
    m_presence = presence;
    if (!presence)
        return;
    connect(presence, &PresenceDirectory::updated, this, [this](const QStringList &accounts) {
        // One dataChanged over the rows concerned: a sorting proxy sorts once, not per person.
        if (m_names.isEmpty())
            return;
        int first = -1;
        int last = -1;
        // Many at once (a list's first load): all rows, without looking each one up.
        if (accounts.size() > m_names.size() / 8) {
            first = 0;
            last = int(m_names.size()) - 1;
        }
        for (const QString &account : first == 0 ? QStringList() : accounts) {
            const int row = indexOf(account);
            if (row < 0)
                continue;
            first = first < 0 ? row : std::min(first, row);
            last = std::max(last, row);
        }
        if (first >= 0)
            Q_EMIT dataChanged(index(first), index(last),
                               {PresenceRole, StatusRole, Qt::ToolTipRole, Qt::AccessibleTextRole});
    });
}

QHash<int, QByteArray> MemberListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(NameRole, "name");
    names.insert(IsMeRole, "isMe");
    names.insert(DisplayNameRole, "displayName");
    names.insert(PresenceRole, "presence");
    names.insert(StatusRole, "status");
    return names;
}

void MemberListModel::setMembers(const QStringList &names)
{
    QStringList wanted = names;
    wanted.removeAll(QString());
    std::sort(wanted.begin(), wanted.end(),
              [](const QString &a, const QString &b) { return NameOrder::lessThan(a, b); });
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    const QSet<QString> wantedSet(wanted.cbegin(), wanted.cend());

    // Bottom up, one removal per run of departed members, so the rows above keep their numbers.
    for (int last = int(m_names.size()) - 1; last >= 0;) {
        if (wantedSet.contains(m_names.at(last))) {
            --last;
            continue;
        }
        int first = last;
        while (first > 0 && !wantedSet.contains(m_names.at(first - 1)))
            --first;
        removeNames(first, last);
        last = first - 1;
    }

    // Every remaining row is wanted and both lists are sorted: merge them.
    int row = 0;
    for (qsizetype next = 0; next < wanted.size();) {
        if (row < m_names.size() && m_names.at(row) == wanted.at(next)) {
            ++row;
            ++next;
            continue;
        }
        // A run of new members that all sort before the current row goes in as one block.
        qsizetype end = next;
        while (end < wanted.size()
               && (row >= m_names.size() || NameOrder::lessThan(wanted.at(end), m_names.at(row))))
            ++end;
        if (end == next) {
            // Cannot happen while the rows are sorted; never loop forever if they are not.
            ++row;
            continue;
        }
        insertNames(row, wanted.mid(next, end - next));
        row += int(end - next);
        next = end;
    }
}

void MemberListModel::addMember(const QString &name)
{
    if (name.isEmpty() || indexOf(name) >= 0)
        return;
    insertNames(lowerBound(name), {name});
}

void MemberListModel::removeMember(const QString &name)
{
    const int row = indexOf(name);
    if (row >= 0)
        removeNames(row, row);
}

void MemberListModel::setMyName(const QString &name)
{
    if (name == m_myName)
        return;
    const int oldRow = indexOf(m_myName);
    m_myName = name;
    const int newRow = indexOf(m_myName);
    for (const int row : {oldRow, newRow}) {
        if (row >= 0)
            Q_EMIT dataChanged(index(row), index(row), {IsMeRole});
    }
}

int MemberListModel::indexOf(const QString &name) const
{
    const int row = lowerBound(name);
    return row < m_names.size() && m_names.at(row) == name ? row : -1;
}

int MemberListModel::lowerBound(const QString &name) const
{
    const auto it = std::lower_bound(
        m_names.cbegin(), m_names.cend(), name,
        [](const QString &a, const QString &b) { return NameOrder::lessThan(a, b); });
    return int(it - m_names.cbegin());
}

void MemberListModel::insertNames(int position, const QStringList &names)
{
    beginInsertRows(QModelIndex(), position, position + int(names.size()) - 1);
    for (qsizetype i = 0; i < names.size(); ++i)
        m_names.insert(position + i, names.at(i));
    endInsertRows();
}

void MemberListModel::removeNames(int first, int last)
{
    beginRemoveRows(QModelIndex(), first, last);
    m_names.remove(first, last - first + 1);
    endRemoveRows();
}

} // namespace Confab
