#include "MentionRule.h"

#include <array>

namespace Confab {

namespace {

bool isWordChar(char32_t c)
{
    return c == U'_' || QChar::isLetterOrNumber(c) || QChar::isMark(c);
}

// Characters that join two words into one name or address: "al-ex", "al.smith", "me@al.org".
bool isJoiner(char32_t c)
{
    return c == U'-' || c == U'.' || c == U'@';
}

// The code point that ends at `end` (exclusive); `*start` is set to where it begins.
char32_t codePointBefore(QStringView s, qsizetype end, qsizetype *start)
{
    qsizetype i = end - 1;
    char32_t c = s[i].unicode();
    if (QChar::isLowSurrogate(c) && i > 0 && s[i - 1].isHighSurrogate()) {
        --i;
        c = QChar::surrogateToUcs4(s[i], s[i + 1]);
    }
    *start = i;
    return c;
}

// The code point that starts at `pos`; `*next` is set to where the following one begins.
char32_t codePointAt(QStringView s, qsizetype pos, qsizetype *next)
{
    char32_t c = s[pos].unicode();
    qsizetype i = pos + 1;
    if (QChar::isHighSurrogate(c) && i < s.size() && s[i].isLowSurrogate()) {
        c = QChar::surrogateToUcs4(s[pos], s[i]);
        ++i;
    }
    *next = i;
    return c;
}

bool isBoundaryBefore(QStringView text, qsizetype pos)
{
    if (pos == 0)
        return true;
    qsizetype start = 0;
    const char32_t c = codePointBefore(text, pos, &start);
    if (isWordChar(c))
        return false;
    if (isJoiner(c))
        return start == 0 || !isWordChar(codePointBefore(text, start, &start));
    return true;
}

bool isBoundaryAfter(QStringView text, qsizetype pos)
{
    if (pos >= text.size())
        return true;
    qsizetype next = 0;
    const char32_t c = codePointAt(text, pos, &next);
    if (isWordChar(c))
        return false;
    if (isJoiner(c))
        return next >= text.size() || !isWordChar(codePointAt(text, next, &next));
    return true;
}

// Simple case folding of one UTF-16 unit, as QString's case-insensitive search does it; a
// surrogate folds to itself.
char32_t folded(char16_t unit)
{
    if (unit < 0x80)
        return unit >= u'A' && unit <= u'Z' ? char32_t(unit + 0x20) : char32_t(unit);
    return QChar::toCaseFolded(char32_t(unit));
}

// Where `name` (ASCII, folded) next occurs in `text` from `from`, ignoring case. Every message
// is searched for the user's name (twice: for the log's mark and for the notification), and
// QStringView::indexOf sets up its case-insensitive search anew for each call.
qsizetype indexOfAsciiName(QStringView text, const std::array<char16_t, 64> &name, qsizetype length,
                           qsizetype from)
{
    const char16_t *units = text.utf16();
    const char16_t first = name[0];
    const char16_t firstUpper = first >= u'a' && first <= u'z' ? char16_t(first - 0x20) : first;
    for (qsizetype i = from; i + length <= text.size(); ++i) {
        const char16_t unit = units[i];
        // Most units are ASCII and not the name's first letter: rejected without folding.
        if (unit != first && unit != firstUpper && (unit < 0x80 || folded(unit) != first))
            continue;
        qsizetype k = 1;
        while (k < length && folded(units[i + k]) == name[size_t(k)])
            ++k;
        if (k == length)
            return i;
    }
    return -1;
}

} // namespace

bool MentionRule::textMentions(QStringView text, QStringView name)
{
    if (name.isEmpty())
        return false;
    std::array<char16_t, 64> asciiName{};
    bool ascii = name.size() <= qsizetype(asciiName.size());
    for (qsizetype i = 0; ascii && i < name.size(); ++i) {
        ascii = name[i].unicode() < 0x80;
        asciiName[size_t(i)] = char16_t(folded(name[i].unicode()));
    }
    const auto find = [&](qsizetype from) {
        return ascii ? indexOfAsciiName(text, asciiName, name.size(), from)
                     : text.indexOf(name, from, Qt::CaseInsensitive);
    };
    // A leading '@' needs no case of its own: it is a joiner with nothing (or a space) before it.
    for (qsizetype pos = find(0); pos >= 0; pos = find(pos + 1)) {
        if (isBoundaryBefore(text, pos) && isBoundaryAfter(text, pos + name.size()))
            return true;
    }
    return false;
}

bool MentionRule::messageMentions(const ChatMessage &message, const QString &myName)
{
    if (myName.isEmpty() || message.from == myName)
        return false;
    switch (message.type) {
    case ChatMessage::Type::Message:
    case ChatMessage::Type::Action:
    case ChatMessage::Type::Topic:
    case ChatMessage::Type::Unknown:
        return textMentions(message.text, myName);
    case ChatMessage::Type::Join:
    case ChatMessage::Type::Leave:
    case ChatMessage::Type::Nick:
    case ChatMessage::Type::Expired:
    case ChatMessage::Type::RolledBack:
    case ChatMessage::Type::NewMessages:
        break;
    }
    return false;
}

} // namespace Confab
