#include "SearchBar.h"

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

bool SearchBar::findNext(int step)
{
    MessageLogModel *model = m_view->logModel();
    const QString needle = m_edit->text();
    if (!model || needle.isEmpty()) {
        m_result->clear();
        return false;
    }
    const int rows = model->rowCount();
    int row = m_row < 0 ? (step < 0 ? rows : -1) : m_row;
    for (row += step; row >= 0 && row < rows; row += step) {
        const QModelIndex index = model->index(row);
        if (index.data(MessageLogModel::TextRole).toString().contains(needle, Qt::CaseInsensitive)
            || index.data(MessageLogModel::AuthorRole)
                   .toString()
                   .contains(needle, Qt::CaseInsensitive)) {
            m_row = row;
            const QModelIndex shown = m_view->model()->index(row, 0);
            m_view->setCurrentIndex(shown);
            m_view->scrollTo(shown, QAbstractItemView::PositionAtCenter);
            m_result->clear();
            return true;
        }
    }
    m_result->setText(m_row < 0 ? tr("No match") : tr("No more matches"));
    return false;
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
