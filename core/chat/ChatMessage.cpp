#include "ChatMessage.h"

#include <array>
#include <utility>

namespace Confab {

namespace {

constexpr std::array<std::pair<ChatMessage::Type, const char *>, 9> TypeNames{{
    {ChatMessage::Type::Message, "msg"},
    {ChatMessage::Type::Action, "me"},
    {ChatMessage::Type::Join, "join"},
    {ChatMessage::Type::Leave, "leave"},
    {ChatMessage::Type::Topic, "topic"},
    {ChatMessage::Type::Nick, "nick"},
    {ChatMessage::Type::Expired, "expired"},
    {ChatMessage::Type::RolledBack, "rolledback"},
    {ChatMessage::Type::NewMessages, "newmessages"},
}};

} // namespace

QByteArray ChatMessage::typeName(Type type)
{
    for (const auto &[t, name] : TypeNames) {
        if (t == type)
            return name;
    }
    return "unknown";
}

ChatMessage::Type ChatMessage::typeFromName(QByteArrayView name)
{
    for (const auto &[t, n] : TypeNames) {
        if (name == n && t != Type::Expired && t != Type::RolledBack && t != Type::NewMessages)
            return t;
    }
    return Type::Unknown;
}

} // namespace Confab
