#pragma once

#include <QPlainTextEdit>
#include <QStringList>

#include <functional>

namespace Confab {

// The line the user types into: Enter sends, Shift+Enter starts a new line, Up/Down walk
// through what was sent before (Up only from the first line, Down only from the last, so
// multi-line editing still works), and Tab completes member names and #channels.
class MessageInput : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit MessageInput(QWidget *parent = nullptr);

    // Called on Tab to get what can be completed: user names and channel names (without '#').
    using CompletionSource = std::function<QStringList()>;
    void setCompletionSources(CompletionSource users, CompletionSource channels);
    QStringList history() const { return m_history; }

    // What is typed and where the cursor is: one per conversation (MainWindow switches them).
    struct Draft
    {
        QString text;
        int cursor = 0;
    };
    Draft draft() const;
    // Replaces what is typed, as a new line (history browsing and completion start over).
    void setDraft(const Draft &draft);
    // The text last submitted was taken: it goes into the history and the input is cleared.
    // Until this is called the text stays, so that a refused command can be corrected.
    void commit(const QString &text);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    // Enter: the receiver acts on it, and calls commit() if it was taken.
    void submitted(const QString &text);
    // Page Up / Page Down while typing: the log scrolls by a page (-1 up, +1 down), as in
    // Quassel and Konversation; the input is a line or two and has nothing to page through.
    void pageRequested(int direction);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void submit();
    void browseHistory(int step);
    // False when there was nothing to complete.
    bool complete();
    void adjustHeight();
    int lineHeight() const;

    QStringList m_history;
    int m_historyPos = 0; // == m_history.size() when editing a new line
    QString m_draft; // what was typed before browsing history
    CompletionSource m_users;
    CompletionSource m_channels;
    // Tab cycles through the matches of the word as it was when Tab was first pressed.
    QStringList m_matches;
    int m_matchIndex = -1;
    int m_wordStart = 0;
    QString m_completionPrefix;
};

} // namespace Confab
