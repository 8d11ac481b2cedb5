#include "LinkFinder.h"

#include <QRegularExpression>

namespace Confab {

namespace {

const QRegularExpression &linkPattern()
{
    // Not preceded by a word character, so "xhttp://" is no link. Runs up to white space or a
    // character that cannot appear unescaped in a URL and usually delimits one in chat.
    static const QRegularExpression pattern(QStringLiteral(R"((?<![\w])https?://[^\s<>"`{}|\\^]+)"),
                                            QRegularExpression::CaseInsensitiveOption
                                                | QRegularExpression::UseUnicodePropertiesOption);
    return pattern;
}

bool isTrailingPunctuation(QChar c)
{
    static const QString punctuation = QStringLiteral(".,;:!?'*");
    return punctuation.contains(c);
}

// Drops what ends the sentence rather than the URL, one character at a time, because each
// removal can expose another: "(https://a.example/x)." loses "." and then ")".
QStringView trimmed(QStringView candidate)
{
    while (!candidate.isEmpty()) {
        const QChar last = candidate.back();
        if (isTrailingPunctuation(last)) {
            candidate.chop(1);
            continue;
        }
        QChar open;
        if (last == u')')
            open = u'(';
        else if (last == u']')
            open = u'[';
        if (!open.isNull() && candidate.count(open) < candidate.count(last)) {
            candidate.chop(1);
            continue;
        }
        break;
    }
    return candidate;
}

} // namespace

QList<LinkFinder::Link> LinkFinder::find(const QString &text)
{
    QList<Link> links;
    if (!text.contains(u"://"))
        return links;
    QRegularExpressionMatchIterator it = linkPattern().globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        const QStringView candidate = trimmed(match.capturedView());
        const QUrl url(candidate.toString(), QUrl::TolerantMode);
        // "https://" alone, or a host QUrl cannot make sense of, is text.
        if (!url.isValid() || url.host().isEmpty())
            continue;
        links.append({int(match.capturedStart()), int(candidate.size()), url});
    }
    return links;
}

} // namespace Confab
