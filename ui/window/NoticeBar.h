#pragma once

#include <QFrame>

class QLabel;
class QScrollArea;
class QToolButton;

namespace Confab {

// A dismissable strip above the input for what the client itself has to say: command errors,
// /help, the /channels listing. Not part of any channel's log. At most MaxLines high: a long
// listing scrolls inside it instead of pushing the input and status bar out of the window.
class NoticeBar : public QFrame
{
    Q_OBJECT
public:
    static constexpr int MaxLines = 8;

    explicit NoticeBar(QWidget *parent = nullptr);

    void showNotice(const QString &text, bool error);
    QString text() const;
    bool isError() const { return m_error; }

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void fitHeight();

    QScrollArea *m_scroll = nullptr;
    QLabel *m_label = nullptr;
    QToolButton *m_close = nullptr;
    bool m_error = false;
};

} // namespace Confab
