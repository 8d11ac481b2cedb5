#pragma once

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace Confab {

// Who you are on this server (PROTOCOL.md, "Identity"): an account name, claimed for this
// install and never changed, and a display name that others see and that /nick changes. Asked
// at the first start, and again when the account name turns out to belong to someone else.
// Cancelling is always a way out: the caller quits (first start) or leaves the window
// unsigned, saying how to sign in later.
class IdentityDialog : public QDialog
{
    Q_OBJECT
public:
    // `suggestion` prefills the account (e.g. the login name); `problem` says why the dialog is
    // shown again (the name is taken), empty at a first start.
    explicit IdentityDialog(const QString &suggestion, const QString &problem = {},
                            QWidget *parent = nullptr);

    QString accountName() const;
    // Empty: the account name is shown.
    QString displayName() const;

private:
    void validate();

    QLineEdit *m_account = nullptr;
    QLineEdit *m_display = nullptr;
    QLabel *m_accountProblem = nullptr;
    QLabel *m_displayProblem = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace Confab
