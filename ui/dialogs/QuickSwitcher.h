#pragma once

#include <QDialog>

class QAbstractItemModel;
class QLabel;
class QLineEdit;
class QListView;

namespace Confab {

class FuzzyFilterModel;

// The Ctrl+K channel switcher: a search field over the channel list, narrowed and ranked as
// the user types (FuzzyFilterModel). Focus never leaves the field: Up/Down/PageUp/PageDown move
// the selection in the list, Enter opens the selected channel, Esc closes. A frameless box
// centred over the parent window; it also closes when the user clicks elsewhere.
//
// If the model has an "unread" role (ChannelListModel::UnreadRole, found by its role name),
// unread counts are shown next to the names, and a "mention" role makes the count stand out.
class QuickSwitcher : public QDialog
{
    Q_OBJECT
public:
    // `nameRole` holds the bare channel name; pass Qt::DisplayRole to use what the list shows
    // (a leading '#' is then dropped from the chosen name).
    QuickSwitcher(QAbstractItemModel *channels, int nameRole, QWidget *parent = nullptr);

    QString filterText() const;
    void setFilterText(const QString &text);
    // The channel Enter would open now; empty if the filter matches nothing.
    QString currentName() const;
    // Selected while nothing is typed: the channel open before the current one, so that
    // Ctrl+K, Enter goes back (as Alt+Tab does between windows).
    void setPreviousChannel(const QString &name);

    // Closing clears the filter, so the next Ctrl+K starts fresh.
    void done(int result) override;

Q_SIGNALS:
    void channelChosen(const QString &name);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void showEvent(QShowEvent *event) override;

public:
    void setVisible(bool visible) override;

protected:
    bool event(QEvent *event) override;

private:
    void selectRow(int row);
    void moveSelection(int delta);
    void chooseCurrent();
    // The filter's text as a channel name to join, if it is a valid one.
    QString channelToJoin() const;
    void placeOverParent();
    // Fits the list to the matches (up to MaxVisibleRows), or says there are none.
    void updateListHeight();

    FuzzyFilterModel *m_filter = nullptr;
    QLineEdit *m_search = nullptr;
    QListView *m_list = nullptr;
    QLabel *m_emptyLabel = nullptr;
    int m_nameRole = Qt::DisplayRole;
    bool m_closing = false;
};

} // namespace Confab
