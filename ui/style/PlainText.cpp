#include "PlainText.h"

#include <QTextDocument>

namespace Confab {

QString PlainText::toolTip(const QString &text)
{
    if (text.isEmpty())
        return text;
    // Made into HTML on purpose: escaped text alone could still look like rich text to
    // Qt::mightBeRichText(), and would then show its entities.
    return Qt::convertFromPlainText(text, Qt::WhiteSpaceNormal);
}

QString PlainText::forAction(const QString &text)
{
    QString escaped = text;
    escaped.replace(u'&', QLatin1String("&&"));
    return escaped;
}

} // namespace Confab
