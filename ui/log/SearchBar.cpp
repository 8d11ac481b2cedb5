#include "SearchBar.h"

#include "MessageDelegate.h"
#include "MessageLogView.h"

#include "model/MessageLogModel.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>

namespace Confab {

SearchBar::SearchBar(MessageLogView *view, QWidget *parent)
    : QWidget(parent)
    , m_view(view)
{
    setAccessibleName(tr("Search"));
    m_edit = new QLineEdit(this);
    m_edit->setPlaceholderText(tr("Search this channel"));
    m_edit->setAccessibleName(tr("Search text"));
    m_edit->setClearButtonEnabled(true);
    m_edit->installEventFilter(this);
    m_result = new QLabel(this);
    m_result->setTextFormat(Qt::PlainText);
    m_result->setAccessibleName(tr("Search result"));
    auto *previous = new QToolButton(this);
    previous->setArrowType(Qt::UpArrow);
    previous->setToolTip(tr("Older match (Enter)"));
    previous->setAccessibleName(tr("Older match"));
    auto *next = new QToolButton(this);
    next->setArrowType(Qt::DownArrow);
    next->setToolTip(tr("Newer match (Shift+Enter)"));
    next->setAccessibleName(tr("Newer match"));
    auto *close = new QToolButton(this);
    close->setText(tr("Close"));
    close->setAccessibleName(tr("Close search"));
    connect(previous, &QToolButton::clicked, this, [this] { findNext(-1); });
    connect(next, &QToolButton::clicked, this, [this] { findNext(+1); });
    connect(close, &QToolButton::clicked, this, &QWidget::hide);
    connect(m_edit, &QLineEdit::textChanged, this, [this] {
        m_row = -1;
        m_from = -1;
        findNext(-1);
    });
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->addWidget(m_edit, 1);
    layout->addWidget(m_result);
    layout->addWidget(previous);
    layout->addWidget(next);
    layout->addWidget(close);
    hide();
}

QString SearchBar::text() const
{
    return m_edit->text();
}

void SearchBar::activate()
{
    show();
    m_edit->setFocus();
    m_edit->selectAll();
}

QList<SearchBar::Match> SearchBar::findAll() const
{
    QList<Match> matches;
    const QString needle = m_edit->text();
    const QAbstractItemModel *model = m_view->model();
    if (!model || needle.isEmpty())
        return matches;
    const int rows = model->rowCount();
    for (int row = 0; row < rows; ++row) {
        // The text as shown, so that the match can be highlighted where it is drawn.
        const QString text = m_view->messageDelegate()->layoutText(model->index(row, 0));
        for (qsizetype at = text.indexOf(needle, 0, Qt::CaseInsensitive); at >= 0;
             at = text.indexOf(needle, at + needle.size(), Qt::CaseInsensitive))
            matches.append({row, int(at), int(at + needle.size())});
    }
    return matches;
}

bool SearchBar::findNext(int step)
{
    const QList<Match> matches = findAll();
    if (matches.isEmpty()) {
        m_result->setText(m_edit->text().isEmpty() ? QString() : tr("No match"));
        if (m_highlighting)
            m_view->clearTextSelection();
        m_highlighting = false;
        return false;
    }
    // Where the current match is now (rows may have come and gone), then one step from it.
    qsizetype current = -1;
    for (qsizetype i = 0; i < matches.size(); ++i) {
        if (matches.at(i).row == m_row && matches.at(i).from == m_from)
            current = i;
    }
    qsizetype next = current < 0 ? (step < 0 ? matches.size() - 1 : 0) : current + step;
    if (next < 0 || next >= matches.size()) {
        m_result->setText(tr("%1 of %2 · no more").arg(current + 1).arg(matches.size()));
        return false;
    }
    const Match &match = matches.at(next);
    m_row = match.row;
    m_from = match.from;
    const QModelIndex shown = m_view->model()->index(match.row, 0);
    m_view->scrollTo(shown, QAbstractItemView::PositionAtCenter);
    // The match itself is highlighted, not its whole row.
    m_view->selectionModel()->clearSelection();
    m_view->selectText(shown, match.from, match.to);
    m_highlighting = true;
    m_result->setText(tr("%1 of %2").arg(next + 1).arg(matches.size()));
    return true;
}

QString SearchBar::resultText() const
{
    return m_result->text();
}

void SearchBar::hideEvent(QHideEvent *event)
{
    // Closing the bar takes its highlight away.
    if (m_highlighting)
        m_view->clearTextSelection();
    m_highlighting = false;
    m_row = -1;
    m_from = -1;
    QWidget::hideEvent(event);
}

bool SearchBar::eventFilter(QObject *watched, QEvent *event)
{
    // Escape here closes the bar; without this the window's Escape shortcut (mark read) would
    // take it first.
    if (watched == m_edit && event->type() == QEvent::ShortcutOverride
        && static_cast<QKeyEvent *>(event)->key() == Qt::Key_Escape) {
        event->accept();
        return true;
    }
    if (watched == m_edit && event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            findNext(key->modifiers() & Qt::ShiftModifier ? +1 : -1);
            return true;
        }
        if (key->key() == Qt::Key_Escape) {
            hide();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace Confab
