#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QListView;
class QPushButton;

namespace Confab {

class ChatSession;
class FuzzyFilterModel;
class MemberOrderModel;

// The people directory: everyone with an account on the server (PROTOCOL.md, "People
// directory"), online first, found by typing a part of their name. Double-click, Enter or
// "Message" opens the direct conversation. While it is open their presence is followed live
// (ChatSession::browsePresence); closing it stops that.
class PeopleDialog : public QDialog
{
    Q_OBJECT
public:
    explicit PeopleDialog(ChatSession *session, QWidget *parent = nullptr);
    ~PeopleDialog() override;

    QListView *list() const { return m_list; }
    QLineEdit *searchField() const { return m_search; }
    QString summary() const;
    // The account of the selected row; empty if none.
    QString currentAccount() const;

Q_SIGNALS:
    void messageRequested(const QString &account);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void selectFirstOther();
    void updateSummary();
    void updateButtons();
    void messageCurrent();

    ChatSession *m_session;
    MemberOrderModel *m_order = nullptr;
    FuzzyFilterModel *m_filter = nullptr;
    QLineEdit *m_search = nullptr;
    QListView *m_list = nullptr;
    QLabel *m_summary = nullptr;
    QPushButton *m_message = nullptr;
    bool m_listed = false;
    bool m_complete = true;
};

} // namespace Confab
