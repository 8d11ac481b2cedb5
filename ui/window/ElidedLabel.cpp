#include "ElidedLabel.h"

#include "PlainText.h"

#include <QResizeEvent>

namespace Confab {

ElidedLabel::ElidedLabel(QWidget *parent)
    : QLabel(parent)
{
    setTextFormat(Qt::PlainText);
    setWordWrap(false);
}

void ElidedLabel::setFullText(const QString &text)
{
    m_fullText = text;
    setAccessibleDescription(text);
    elide();
}

QSize ElidedLabel::sizeHint() const
{
    return minimumSizeHint();
}

QSize ElidedLabel::minimumSizeHint() const
{
    const QMargins margins = contentsMargins();
    return QSize(fontMetrics().averageCharWidth() * 8 + margins.left() + margins.right(),
                 fontMetrics().height() + margins.top() + margins.bottom());
}

void ElidedLabel::resizeEvent(QResizeEvent *event)
{
    QLabel::resizeEvent(event);
    elide();
}

void ElidedLabel::elide()
{
    // One line: line breaks in a topic would otherwise show as nothing at all.
    QString line = m_fullText;
    line.replace(u'\n', u' ');
    const QString shown = fontMetrics().elidedText(line, Qt::ElideRight, contentsRect().width());
    if (shown != text())
        setText(shown);
    // A tooltip would read the topic as markup if it looked like some.
    setToolTip(shown == line ? QString() : PlainText::toolTip(m_fullText));
}

} // namespace Confab
