#include "JoinChannelDialog.h"

#include "Theme.h"

#include "chat/NameRule.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Confab {

JoinChannelDialog::JoinChannelDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Join or Create a Channel"));
    setAccessibleName(windowTitle());

    m_name = new QLineEdit(this);
    m_name->setPlaceholderText(tr("e.g. general"));
    m_name->setAccessibleName(tr("Channel name"));
    m_topic = new QLineEdit(this);
    m_topic->setPlaceholderText(tr("Optional, used if the channel is new"));
    m_topic->setAccessibleName(tr("Topic"));
    m_problem = new QLabel(this);
    // It quotes the character of the name that is not allowed, which may be '<'.
    m_problem->setTextFormat(Qt::PlainText);
    m_problem->setWordWrap(true);
    m_problem->setAccessibleName(tr("Name problem"));
    QPalette warning = m_problem->palette();
    warning.setColor(QPalette::WindowText, Theme::errorTextColor(warning));
    m_problem->setPalette(warning);
    m_problem->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(QString(), m_problem);
    form->addRow(tr("&Topic:"), m_topic);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Join"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Channels are shared by everyone on this server. Joining a channel "
                                "that does not exist creates it."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_buttons);
    setMinimumWidth(420);

    connect(m_name, &QLineEdit::textChanged, this, &JoinChannelDialog::validate);
    validate();
}

QString JoinChannelDialog::channelName() const
{
    return NameRule::normalizedChannel(m_name->text());
}

QString JoinChannelDialog::topic() const
{
    return m_topic->text().trimmed();
}

void JoinChannelDialog::validate()
{
    const QString name = channelName();
    const QString problem = name.isEmpty() ? QString() : NameRule::check(name, tr("channel name"));
    const bool grows =
        !problem.isEmpty() && (m_problem->isHidden() || m_problem->text() != problem);
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    // A shown dialog keeps its size; the wrapped message needs room below the field, or it is
    // cut off and runs into the topic.
    if (grows && isVisible()) {
        layout()->activate();
        resize(width(), std::max(height(), heightForWidth(width())));
    }
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!name.isEmpty() && problem.isEmpty());
}

} // namespace Confab
