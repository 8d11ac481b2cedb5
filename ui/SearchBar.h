#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;

namespace Confab {

class MessageLogView;

// Ctrl+F: finds text in the current channel's loaded messages, newest first; Enter / Shift+Enter
// go to the next / previous match, Esc closes.
class SearchBar : public QWidget
{
    Q_OBJECT
public:
    explicit SearchBar(MessageLogView *view, QWidget *parent = nullptr);

    void activate();
    // Finds the next match from the current one, going back in time (step -1) or forward (+1).
    bool findNext(int step);
    QString text() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    MessageLogView *m_view;
    QLineEdit *m_edit = nullptr;
    QLabel *m_result = nullptr;
    int m_row = -1;
};

} // namespace Confab
