#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

namespace Confab {

class ChatSession;

// What clicking a name shows (a member row, an author in the log): who it is (display name
// and account), where they are (presence and status text, updated while it is open) and a
// "Message" button for the direct conversation. A popup: Esc or a click elsewhere closes it.
class UserCard : public QFrame
{
    Q_OBJECT
public:
    UserCard(ChatSession *session, const QString &account, QWidget *parent = nullptr);

    QString account() const { return m_account; }
    // Shown next to `anchor` (global coordinates), kept on the anchor's screen.
    void popUp(const QPoint &anchor);

    // For tests and screenshots.
    QString nameText() const;
    QString presenceText() const;
    QPushButton *messageButton() const { return m_message; }

Q_SIGNALS:
    void messageRequested(const QString &account);

private:
    void refresh();

    ChatSession *m_session;
    QString m_account;
    QLabel *m_name = nullptr;
    QLabel *m_accountLabel = nullptr;
    QLabel *m_dot = nullptr;
    QLabel *m_presence = nullptr;
    QPushButton *m_message = nullptr;
};

} // namespace Confab
