#include "MessageInput.h"

#include <QKeyEvent>
#include <QTextBlock>

namespace Confab {

namespace {

constexpr int MaxHistory = 200;
constexpr int MaxVisibleLines = 8;

} // namespace

MessageInput::MessageInput(QWidget *parent)
    : QPlainTextEdit(parent)
{
    setAccessibleName(tr("Message input"));
    setPlaceholderText(tr("Message, or /help for commands"));
    setTabChangesFocus(false);
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(document(), &QTextDocument::contentsChanged, this, &MessageInput::adjustHeight);
    adjustHeight();
}

void MessageInput::setCompletionSources(CompletionSource users, CompletionSource channels)
{
    m_users = std::move(users);
    m_channels = std::move(channels);
}

int MessageInput::lineHeight() const
{
    return fontMetrics().lineSpacing();
}

QSize MessageInput::sizeHint() const
{
    return {QPlainTextEdit::sizeHint().width(), minimumSizeHint().height()};
}

QSize MessageInput::minimumSizeHint() const
{
    const int frame = 2 * frameWidth() + int(2 * document()->documentMargin());
    return {100, lineHeight() + frame + 4};
}

void MessageInput::adjustHeight()
{
    // Grow with the text up to a few lines, then scroll: the log keeps most of the window.
    const int lines = std::clamp(int(document()->size().height()), 1, MaxVisibleLines);
    const int frame = 2 * frameWidth() + int(2 * document()->documentMargin());
    setFixedHeight(lines * lineHeight() + frame + 4);
}

void MessageInput::keyPressEvent(QKeyEvent *event)
{
    const bool plain =
        !(event->modifiers()
          & (Qt::ShiftModifier | Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier));
    if (event->key() != Qt::Key_Tab)
        m_matchIndex = -1;
    switch (event->key()) {
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (event->modifiers() & Qt::ShiftModifier) {
            textCursor().insertText(QStringLiteral("\n"));
            return;
        }
        if (plain || event->modifiers() == Qt::KeypadModifier) {
            submit();
            return;
        }
        break;
    case Qt::Key_Up:
        if (plain && textCursor().block() == document()->firstBlock()) {
            browseHistory(-1);
            return;
        }
        break;
    case Qt::Key_Down:
        if (plain && textCursor().block() == document()->lastBlock()) {
            browseHistory(+1);
            return;
        }
        break;
    case Qt::Key_Tab:
        // Tab completes. In an empty input it moves on, so keyboard users can leave (past
        // QPlainTextEdit, which keeps Tab as text); with text typed it stays, or what is typed
        // next would land in another widget.
        if (plain && !complete() && toPlainText().isEmpty())
            QWidget::focusNextPrevChild(true);
        if (plain)
            return;
        break;
    case Qt::Key_PageUp:
    case Qt::Key_PageDown:
        if (plain) {
            Q_EMIT pageRequested(event->key() == Qt::Key_PageUp ? -1 : +1);
            return;
        }
        break;
    case Qt::Key_Backtab:
        // Shift+Tab always moves back, text or not.
        QWidget::focusNextPrevChild(false);
        return;
    default:
        break;
    }
    QPlainTextEdit::keyPressEvent(event);
}

void MessageInput::changeEvent(QEvent *event)
{
    QPlainTextEdit::changeEvent(event);
    // Its height is a number of lines of its font (Preferences may change the font).
    if (event->type() == QEvent::FontChange)
        adjustHeight();
}

void MessageInput::submit()
{
    const QString text = toPlainText();
    if (text.trimmed().isEmpty())
        return;
    Q_EMIT submitted(text);
}

void MessageInput::commit(const QString &text)
{
    if (m_history.isEmpty() || m_history.last() != text)
        m_history << text;
    while (m_history.size() > MaxHistory)
        m_history.removeFirst();
    m_historyPos = int(m_history.size());
    m_draft.clear();
    if (toPlainText() == text)
        clear();
}

MessageInput::Draft MessageInput::draft() const
{
    // Browsing the history shows sent lines; the draft is what was being written.
    if (m_historyPos < m_history.size())
        return {m_draft, int(m_draft.size())};
    return {toPlainText(), textCursor().position()};
}

void MessageInput::setDraft(const Draft &draft)
{
    m_historyPos = int(m_history.size());
    m_draft.clear();
    m_matchIndex = -1;
    setPlainText(draft.text);
    QTextCursor cursor = textCursor();
    cursor.setPosition(std::clamp(draft.cursor, 0, int(draft.text.size())));
    setTextCursor(cursor);
}

void MessageInput::browseHistory(int step)
{
    if (m_history.isEmpty())
        return;
    if (m_historyPos == m_history.size())
        m_draft = toPlainText();
    const int pos = std::clamp(m_historyPos + step, 0, int(m_history.size()));
    if (pos == m_historyPos)
        return;
    m_historyPos = pos;
    setPlainText(pos == m_history.size() ? m_draft : m_history.at(pos));
    moveCursor(QTextCursor::End);
}

bool MessageInput::complete()
{
    QTextCursor cursor = textCursor();
    const QString text = toPlainText();
    if (m_matchIndex < 0) {
        // A new completion: the word before the cursor.
        const int end = cursor.position();
        int start = end;
        while (start > 0 && !text.at(start - 1).isSpace())
            --start;
        const QString word = text.mid(start, end - start);
        if (word.isEmpty())
            return false;
        m_wordStart = start;
        m_completionPrefix = word;
        m_matches.clear();
        const bool channel = word.startsWith(u'#');
        const bool at = word.startsWith(u'@');
        const QString stem = (channel || at) ? word.mid(1) : word;
        const QStringList candidates = channel ? (m_channels ? m_channels() : QStringList())
                                               : (m_users ? m_users() : QStringList());
        for (const QString &candidate : candidates) {
            if (candidate.startsWith(stem, Qt::CaseInsensitive))
                m_matches << (channel ? u'#' + candidate : at ? u'@' + candidate : candidate);
        }
        m_matches.sort(Qt::CaseInsensitive);
        if (m_matches.isEmpty())
            return false;
        m_matchIndex = 0;
    } else {
        m_matchIndex = (m_matchIndex + 1) % int(m_matches.size());
    }
    QString completion = m_matches.at(m_matchIndex);
    // A name completed at the start of the line addresses someone: "alice: ".
    const bool addressing = m_wordStart == 0 && !completion.startsWith(u'#');
    completion += addressing ? QStringLiteral(": ") : QStringLiteral(" ");
    // Replace the previous completion (or the typed word) up to the current cursor.
    cursor.setPosition(m_wordStart);
    cursor.setPosition(textCursor().position(), QTextCursor::KeepAnchor);
    cursor.insertText(completion);
    setTextCursor(cursor);
    return true;
}

} // namespace Confab
