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

    // "3 of 12" (matches counted in log order), "No match".
    QString resultText() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    struct Match
    {
        int row;
        int from;
        int to;
    };
    // Every match in the loaded messages, in log order, as the text is shown.
    QList<Match> findAll() const;

    MessageLogView *m_view;
    QLineEdit *m_edit = nullptr;
    QLabel *m_result = nullptr;
    int m_row = -1;
    int m_from = -1; // the current match: row and offset
    bool m_highlighting = false; // the log's selection is our match
};

} // namespace Confab
