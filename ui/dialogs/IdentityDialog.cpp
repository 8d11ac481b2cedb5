#include "IdentityDialog.h"

#include "Theme.h"

#include "chat/NameRule.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Confab {

namespace {

QLabel *problemLabel(const QString &name, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setAccessibleName(name);
    QPalette warning = label->palette();
    warning.setColor(QPalette::WindowText, Theme::errorTextColor(warning));
    label->setPalette(warning);
    label->hide();
    return label;
}

} // namespace

IdentityDialog::IdentityDialog(const QString &suggestion, const QString &problem, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(problem.isEmpty() ? tr("Welcome to Confab") : tr("Choose Another Account Name"));
    setAccessibleName(windowTitle());

    m_account = new QLineEdit(suggestion, this);
    m_account->setAccessibleName(tr("Account name"));
    m_account->setPlaceholderText(tr("e.g. alice"));
    m_account->selectAll();
    m_display = new QLineEdit(this);
    m_display->setAccessibleName(tr("Display name"));
    m_display->setPlaceholderText(tr("Optional, e.g. Alice Liddell"));
    m_accountProblem = problemLabel(tr("Account name problem"), this);
    m_displayProblem = problemLabel(tr("Display name problem"), this);

    auto *intro = new QLabel(this);
    intro->setWordWrap(true);
    intro->setTextFormat(Qt::PlainText);
    const QString explanation =
        tr("Your account name is how others find and message you on this server. It is kept "
           "for this computer and cannot be changed later. Your display name is what others "
           "see next to your messages; change it any time with /nick.");
    intro->setText(problem.isEmpty() ? explanation
                                     : problem + QStringLiteral("\n\n") + explanation);

    auto *form = new QFormLayout;
    form->addRow(tr("&Account name:"), m_account);
    form->addRow(QString(), m_accountProblem);
    form->addRow(tr("&Display name:"), m_display);
    form->addRow(QString(), m_displayProblem);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Continue"));
    m_buttons->button(QDialogButtonBox::Cancel)
        ->setText(problem.isEmpty() ? tr("&Quit") : tr("Not &Now"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_buttons);
    setMinimumWidth(460);

    connect(m_account, &QLineEdit::textChanged, this, &IdentityDialog::validate);
    connect(m_display, &QLineEdit::textChanged, this, &IdentityDialog::validate);
    validate();
}

QString IdentityDialog::accountName() const
{
    return m_account->text().trimmed();
}

QString IdentityDialog::displayName() const
{
    return m_display->text().trimmed();
}

void IdentityDialog::validate()
{
    const QString account = accountName();
    const QString display = displayName();
    const QString accountProblem =
        account.isEmpty() ? QString() : NameRule::check(account, tr("account name"));
    const QString displayProblem =
        display.isEmpty() ? QString() : NameRule::checkDisplayName(display);
    const bool grows = (!accountProblem.isEmpty() && m_accountProblem->isHidden())
        || (!displayProblem.isEmpty() && m_displayProblem->isHidden());
    m_accountProblem->setText(accountProblem);
    m_accountProblem->setVisible(!accountProblem.isEmpty());
    m_displayProblem->setText(displayProblem);
    m_displayProblem->setVisible(!displayProblem.isEmpty());
    if (grows && isVisible()) {
        layout()->activate();
        resize(width(), std::max(height(), heightForWidth(width())));
    }
    m_buttons->button(QDialogButtonBox::Ok)
        ->setEnabled(!account.isEmpty() && accountProblem.isEmpty() && displayProblem.isEmpty());
}

} // namespace Confab
