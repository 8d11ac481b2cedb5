#pragma once

#include <QFrame>

class QLabel;
class QToolButton;

namespace Confab {

// A dismissable strip above the input for what the client itself has to say: command errors,
// /help, the /channels listing. Not part of any channel's log.
class NoticeBar : public QFrame
{
    Q_OBJECT
public:
    explicit NoticeBar(QWidget *parent = nullptr);

    void showNotice(const QString &text, bool error);
    QString text() const;
    bool isError() const { return m_error; }

private:
    QLabel *m_label = nullptr;
    QToolButton *m_close = nullptr;
    bool m_error = false;
};

} // namespace Confab
