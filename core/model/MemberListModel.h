#pragma once

#include <QAbstractListModel>
#include <QStringList>

namespace Confab {

// The members of one channel: user names sorted case-insensitively (NameOrder), the user's own
// name marked.
class MemberListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Roles : int {
        NameRole = Qt::UserRole + 1, // QString
        IsMeRole, // bool
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

    QString myName() const { return m_myName; }
    void setMyName(const QString &name);

    // In list order.
    QStringList members() const { return m_names; }
    // Row of the member, -1 if absent. Names are compared exactly, as Redis does.
    int indexOf(const QString &name) const;

private:
    int lowerBound(const QString &name) const;
    void insertNames(int position, const QStringList &names);
    void removeNames(int first, int last);

    QStringList m_names;
    QString m_myName;
};

} // namespace Confab
