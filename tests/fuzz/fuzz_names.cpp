// Names and typed lines: the name rule, the direct-conversation names built from it, display
// names and slash commands. Every name the rule accepts stays in its lane (no channel name is
// a direct conversation, a conversation gives back exactly its two people), and whatever a
// line says, the command parsed from it is one the rest of the program can act on.
#include "FuzzCheck.h"
#include "chat/ChatKeys.h"
#include "chat/DisplayText.h"
#include "chat/NameRule.h"
#include "chat/SlashCommand.h"
#include "model/MentionRule.h"

#include <QRegularExpression>

#include <fuzzer/FuzzedDataProvider.h>

using namespace Confab;

namespace {

bool hasWhitespace(const QString &text)
{
    return std::any_of(text.cbegin(), text.cend(), [](QChar c) { return c.isSpace(); });
}

void checkName(const QString &name)
{
    if (!NameRule::isValid(name)) {
        FUZZ_CHECK(!NameRule::check(name, QStringLiteral("channel name")).isEmpty(), name);
        return;
    }
    FUZZ_CHECK(NameRule::normalizedChannel(name) == name, name);
    FUZZ_CHECK(!ChatKeys::isDirectChannel(name), name);
    FUZZ_CHECK(ChatKeys::directParticipants(name).isEmpty(), name);
    FUZZ_CHECK(!hasWhitespace(name), name);
    FUZZ_CHECK(name.toUtf8().size() <= NameRule::MaxBytes, name);
    // A name is the same string whichever way it travels (UTF-8 in keys, UTF-16 here).
    FUZZ_CHECK(QString::fromUtf8(name.toUtf8()) == name, name);
    ChatKeys keys;
    FUZZ_CHECK(keys.channelOfPubsub(keys.pubsub(name)) == name, name);
}

void checkPair(const QString &a, const QString &b)
{
    const QString channel = ChatKeys::directChannel(a, b);
    const QStringList people = ChatKeys::directParticipants(channel);
    if (!NameRule::isValid(a) || !NameRule::isValid(b)) {
        FUZZ_CHECK(people.isEmpty() || people == QStringList({a, b})
                       || people == QStringList({b, a}),
                   channel);
        return;
    }
    FUZZ_CHECK(ChatKeys::isDirectChannel(channel), channel);
    FUZZ_CHECK(people.size() == 2, channel);
    FUZZ_CHECK(QSet<QString>({people.at(0), people.at(1)}) == QSet<QString>({a, b}), channel);
    FUZZ_CHECK(ChatKeys::directChannel(b, a) == channel, channel);
    FUZZ_CHECK(ChatKeys::directPeer(channel, a) == b, channel);
    FUZZ_CHECK(ChatKeys::directPeer(channel, b) == a, channel);
}

// Any string: if it reads as a conversation, it is the one its two people make.
void checkConversationName(const QString &channel)
{
    const QStringList people = ChatKeys::directParticipants(channel);
    if (people.isEmpty())
        return;
    FUZZ_CHECK(people.size() == 2, channel);
    FUZZ_CHECK(NameRule::isValid(people.at(0)) && NameRule::isValid(people.at(1)), channel);
    FUZZ_CHECK(ChatKeys::directChannel(people.at(0), people.at(1)) == channel, channel);
}

void checkDisplayName(const QString &text)
{
    const QString shown = NameRule::displayable(text);
    FUZZ_CHECK(NameRule::displayable(shown) == shown, shown);
    FUZZ_CHECK(shown.toUcs4().size() <= NameRule::MaxLength, shown);
    FUZZ_CHECK(!shown.contains(u'\n') && !shown.contains(u'\r') && !shown.contains(u'\t'), shown);
    if (NameRule::checkDisplayName(text).isEmpty())
        FUZZ_CHECK(shown == text, text);
}

void checkCommand(const QString &line)
{
    const SlashCommand command = SlashCommand::parse(line);
    FUZZ_CHECK((command.kind == SlashCommand::Kind::Invalid) == !command.error.isEmpty(), line);
    // Errors are shown in one status line: they quote what was typed, but not all of it.
    FUZZ_CHECK(command.error.size() <= 400, QString::number(command.error.size()));
    switch (command.kind) {
    case SlashCommand::Kind::Text:
        FUZZ_CHECK(command.argument == line || u'/' + command.argument == line, line);
        break;
    case SlashCommand::Kind::Join:
        FUZZ_CHECK(!command.argument.isEmpty() && !hasWhitespace(command.argument), line);
        break;
    case SlashCommand::Kind::Leave: // without a name: the current channel
        FUZZ_CHECK(!hasWhitespace(command.argument), line);
        break;
    case SlashCommand::Kind::Msg:
        FUZZ_CHECK(!command.user.isEmpty() && !hasWhitespace(command.user), line);
        FUZZ_CHECK(!command.argument.isEmpty(), line);
        break;
    case SlashCommand::Kind::Send:
    case SlashCommand::Kind::Me:
    case SlashCommand::Kind::Nick:
        FUZZ_CHECK(!command.argument.isEmpty(), line);
        break;
    default:
        break;
    }
}

// Text shown from others: nothing it holds can override direction or drive a terminal.
void checkShown(const QString &text)
{
    const QString shown = DisplayText::marked(text);
    FUZZ_CHECK(!DisplayText::needsMarking(shown), shown);
    FUZZ_CHECK(DisplayText::marked(shown) == shown, shown);
    FUZZ_CHECK(!DisplayText::needsMarking(text) || shown != text, text);
    const QString isolated = DisplayText::isolated(text);
    FUZZ_CHECK(isolated.size() == shown.size() + 2, isolated);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzedDataProvider input(data, size);
    const QString a = consumeText(input, 256);
    const QString b = consumeText(input, 256);
    const QString line = consumeText(input, 4096);

    checkName(a);
    checkName(b);
    checkPair(a, b);
    checkConversationName(a);
    checkConversationName(line);
    checkDisplayName(a);
    checkDisplayName(line);
    checkCommand(line);
    checkShown(line);
    checkCommand(u'/' + a + u' ' + line);
    // Mentions are looked for in every incoming line: any text, any name.
    MentionRule::textMentions(line, a);
    return 0;
}
