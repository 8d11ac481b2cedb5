#include "MentionRule.h"

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

} // namespace

bool MentionRule::textMentions(QStringView text, QStringView name)
{
    if (name.isEmpty())
        return false;
    // A leading '@' needs no case of its own: it is a joiner with nothing (or a space) before it.
    for (qsizetype pos = text.indexOf(name, 0, Qt::CaseInsensitive); pos >= 0;
         pos = text.indexOf(name, pos + 1, Qt::CaseInsensitive)) {
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
