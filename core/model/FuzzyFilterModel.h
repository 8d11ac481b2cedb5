#pragma once

#include <QHash>
#include <QSortFilterProxyModel>

namespace Confab {

// Filters and ranks a list of names the way quick switchers do (Sublime Text, Slack, fzf): a row
// stays if every character of the filter occurs in its name in order, case-insensitively, and
// the rows are ranked best match first. An exact prefix beats matches at word starts ("dc" on
// "dev-chat"), which beat contiguous runs inside words, which beat scattered letters; on equal
// scores the shorter name comes first, then the source order. With an empty filter every row
// stays, in the source's order.
//
// The name is read from nameRole (Qt::DisplayRole unless set). A leading '#' or '@' is ignored
// on both sides, so "#gen" finds "general" and "gen" finds "#general".
class FuzzyFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_PROPERTY(QString filterText READ filterText WRITE setFilterText NOTIFY filterTextChanged)
public:
    explicit FuzzyFilterModel(QObject *parent = nullptr);

    QString filterText() const { return m_filterText; }
    void setFilterText(const QString &text);

    int nameRole() const { return m_nameRole; }
    void setNameRole(int role);

    // How well `filter` matches `name`: -1 if it does not, otherwise higher is better. Both are
    // taken as typed (case and a leading '#'/'@' are handled here). An empty filter scores 0.
    static int score(const QString &filter, const QString &name);

Q_SIGNALS:
    void filterTextChanged(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    QString nameOf(const QModelIndex &sourceIndex) const;
    // score() against the current filter, remembered per name until the filter changes:
    // sorting asks for each row's score O(log n) times.
    int cachedScore(const QString &name) const;

    QString m_filterText;
    // False for a filter of only blanks or a sigil, which keeps every row in source order.
    bool m_filtering = false;
    int m_nameRole = Qt::DisplayRole;
    mutable QHash<QString, int> m_scores;
};

} // namespace Confab
