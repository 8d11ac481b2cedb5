#pragma once

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace Confab {

// "+" / Ctrl+N: join a channel by name, creating it (with a topic) if it does not exist yet.
// The name rule is checked as the user types, and its message shown right under the field.
class JoinChannelDialog : public QDialog
{
    Q_OBJECT
public:
    explicit JoinChannelDialog(QWidget *parent = nullptr);

    QString channelName() const;
    QString topic() const;

private:
    void validate();

    QLineEdit *m_name = nullptr;
    QLineEdit *m_topic = nullptr;
    QLabel *m_problem = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace Confab
