#pragma once

#include "chat/ChatMessage.h"

#include <QStringView>

namespace Confab {

// When a message mentions a user. One rule for the highlighted rows of the message log and for
// the mention marks of the channel list (computed for channels that are not on screen), so that
// the two never disagree.
class MentionRule
{
public:
    // True if `text` contains `name` as a whole word, case-insensitively, with or without a
    // leading '@'. Letters, digits, marks and '_' are word characters; '-', '.' and '@' count as
    // part of a word only between two word characters. So "al" is found in "al: hi", "@AL," and
    // "thanks al." but not in "alice", "al-ex", "al.smith" or "me@al.org".
    static bool textMentions(QStringView text, QStringView name);

    // Only text that people write can mention someone: messages, actions, topics and types this
    // version does not know. A nick change's text is a name and join/leave carry none. One's
    // own messages never mention oneself.
    static bool messageMentions(const ChatMessage &message, const QString &myName);
};

} // namespace Confab
