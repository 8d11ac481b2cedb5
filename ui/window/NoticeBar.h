#pragma once

#include <QFrame>
#include <QList>
#include <QUrl>

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
    // The same, with links: `lines` are shown one per line, each as its plain text, with
    // `linkText` in it (if not empty) as a link to `url`, reported by linkActivated (the
    // /channels listing: a click joins). Nothing in the lines is read as markup.
    struct Line
    {
        QString text;
        QString linkText;
        QUrl url;
    };
    void showLinkedNotice(const QList<Line> &lines);
    // What is shown, as plain text (empty while hidden).
    QString text() const;
    bool isError() const { return m_error; }

Q_SIGNALS:
    void linkActivated(const QUrl &url);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void fitHeight();
    void tint(bool error);

    QScrollArea *m_scroll = nullptr;
    QLabel *m_label = nullptr;
    QToolButton *m_close = nullptr;
    QString m_text; // as plain text
    bool m_error = false;
};

} // namespace Confab
