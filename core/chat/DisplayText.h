#pragma once

#include <QString>

namespace Confab {

// Text that someone else wrote (a message, a topic, a server's error), made safe to show next
// to other text. Explicit bidi controls (U+202A-U+202E, U+2066-U+2069) and control characters
// are replaced by a visible "[U+202E]": an override must not make "gnp.exe" look like
// "exe.png", nor an escape sequence reach a terminal. Line breaks and tabs are kept; how they
// are drawn is the view's business.
class DisplayText
{
public:
    // The text with every such character marked.
    static QString marked(const QString &text);
    // Marked, and wrapped in a first-strong isolate (U+2068 ... U+2069) so that its
    // direction cannot spill into the text around it ("%1 joined" with a right-to-left name).
    static QString isolated(const QString &text);
    // Whether `c` is replaced by marked().
    static bool isMarked(char32_t c)
    {
        if (c == u'\n' || c == u'\r' || c == u'\t')
            return false;
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e)
            || (c >= 0x2066 && c <= 0x2069);
    }
    // Whether marked() would change the text (a fast check for the common case).
    static bool needsMarking(const QString &text);
};

} // namespace Confab
