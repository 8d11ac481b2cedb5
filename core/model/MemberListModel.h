#pragma once

#include "presence/Presence.h"

#include <QAbstractListModel>
#include <QPointer>
#include <QStringList>

namespace Confab {

class DisplayNameDirectory;
class PresenceDirectory;

// The members of one channel: accounts sorted case-insensitively (NameOrder), shown by display
// name where one is known, the user's own account marked, each with their presence
// (MemberOrderModel puts the online ones first).
class MemberListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Roles : int {
        NameRole = Qt::UserRole + 1, // QString: the account
        IsMeRole, // bool
        DisplayNameRole, // QString: the display name, else the account
        PresenceRole, // int: Presence::State
        StatusRole, // QString: their status text, cleaned (Presence::cleanStatus)
    };
    Q_ENUM(Roles)

    explicit MemberListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Makes the list exactly `names` (duplicates and empty names dropped) by removing and
    // inserting only the rows that differ, so a refresh does not reset the view's selection.
    void setMembers(const QStringList &names);
    void addMember(const QString &name);
    void removeMember(const QString &name);

    // Where display names come from (not owned; may be null: accounts show as themselves).
    void setDisplayNames(const DisplayNameDirectory *names);
    // Where presence comes from (not owned; null: everyone offline).
    void setPresence(const PresenceDirectory *presence);

    QString myName() const { return m_myName; }
    void setMyName(const QString &name);

    // In list order.
    QStringList members() const { return m_names; }
    // The presence of the member in `row` (offline for a row that does not exist), without a
    // QVariant: MemberOrderModel compares it thousands of times when a list loads.
    Presence::State presenceAt(int row) const;
    // Row of the member, -1 if absent. Names are compared exactly, as Redis does.
    int indexOf(const QString &name) const;

private:
    Presence presenceOf(const QString &account) const;
    int lowerBound(const QString &name) const;
    void insertNames(int position, const QStringList &names);
    void removeNames(int first, int last);

    QStringList m_names;
    QPointer<const DisplayNameDirectory> m_displayNames;
    QPointer<const PresenceDirectory> m_presence;
    QString m_myName;
};

} // namespace Confab
