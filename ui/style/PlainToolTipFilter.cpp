#include "PlainToolTipFilter.h"

#include "PlainText.h"

#include <QAbstractItemView>
#include <QHelpEvent>
#include <QToolTip>

namespace Confab {

PlainToolTipFilter::PlainToolTipFilter(QAbstractItemView *view)
    : QObject(view)
    , m_view(view)
{ }

void PlainToolTipFilter::install(QAbstractItemView *view)
{
    view->viewport()->installEventFilter(new PlainToolTipFilter(view));
}

bool PlainToolTipFilter::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() != QEvent::ToolTip || watched != m_view->viewport())
        return QObject::eventFilter(watched, event);
    auto *help = static_cast<QHelpEvent *>(event);
    const QModelIndex index = m_view->indexAt(help->pos());
    const QString text = index.isValid() ? index.data(Qt::ToolTipRole).toString() : QString();
    if (text.isEmpty()) {
        QToolTip::hideText();
        event->ignore();
        return true;
    }
    QToolTip::showText(help->globalPos(), PlainText::toolTip(text), m_view->viewport(),
                       m_view->visualRect(index));
    return true;
}

} // namespace Confab
