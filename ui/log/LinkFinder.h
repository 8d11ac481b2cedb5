#pragma once

#include <QList>
#include <QString>
#include <QUrl>

namespace Confab {

// Finds the web links in a chat message's plain text. Only http:// and https:// are links: a
// message must not be able to make anything else clickable (file:, javascript:, custom schemes).
class LinkFinder
{
public:
    struct Link
    {
        int start = 0; // in UTF-16 code units, as QString and QTextLayout count
        int length = 0;
        QUrl url;

        friend bool operator==(const Link &, const Link &) = default;
    };

    // Links in text order. Punctuation that ends a sentence or closes a bracket opened before
    // the link is not part of it: "(see https://a.example/x)." finds "https://a.example/x",
    // while "https://en.wikipedia.org/wiki/C_(language)" keeps its balanced ")".
    static QList<Link> find(const QString &text);
};

} // namespace Confab
