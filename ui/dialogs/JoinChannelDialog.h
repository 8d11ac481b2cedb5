#pragma once

#include "chat/ChannelInfo.h"

#include <QDialog>
#include <QSet>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTreeView;

namespace Confab {

// "+" / Ctrl+N: join a channel by name, creating it (with a topic) if it does not exist yet.
// The channels that exist are listed under the name (name, members, topic; busiest first),
// narrowed as the user types, and the name completes from them: a click picks one, a
// double-click joins it. The name rule is checked as the user types, and its message shown
// right under the field. The topic is for a new channel only: it is off for one that exists.
class JoinChannelDialog : public QDialog
{
    Q_OBJECT
public:
    explicit JoinChannelDialog(QWidget *parent = nullptr);

    // What exists on the server, and which of it the user is in already.
    void setChannels(const ChannelInfoList &channels, const QSet<QString> &joined);

    QString channelName() const;
    QString topic() const;
    // For tests and screenshots.
    QTreeView *channelList() const { return m_list; }
    QLineEdit *nameField() const { return m_name; }
    int shownChannelCount() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void validate();
    bool exists(const QString &name) const;
    void pick(const QModelIndex &index);

    QLineEdit *m_name = nullptr;
    QLineEdit *m_topic = nullptr;
    QLabel *m_problem = nullptr;
    QLabel *m_empty = nullptr;
    QTreeView *m_list = nullptr;
    QStandardItemModel *m_channels = nullptr;
    QSortFilterProxyModel *m_filter = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QSet<QString> m_existing;
    QSet<QString> m_joined;
    bool m_listed = false;
    bool m_picking = false; // the name is being set from the list
};

} // namespace Confab
