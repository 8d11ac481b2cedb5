#include "MessageCodec.h"

#include "NameRule.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QStringDecoder>

#include <algorithm>

namespace Confab {

namespace {

struct RawFields
{
    std::optional<QByteArray> type;
    std::optional<QByteArray> from;
    std::optional<QByteArray> name;
    std::optional<QByteArray> text;
    QByteArray cid;
};

// Fills in a message from its raw fields, noting every way they break the protocol.
void decodeFields(ChatMessage &message, const RawFields &fields)
{
    QStringList problems;
    if (!fields.type) {
        problems << QStringLiteral("no type");
        message.type = ChatMessage::Type::Message;
    } else {
        message.type = ChatMessage::typeFromName(*fields.type);
        if (message.type == ChatMessage::Type::Unknown)
            problems << QStringLiteral("unknown type \"%1\"")
                            .arg(QString::fromUtf8(fields.type->left(32)));
    }
    bool valid = true;
    if (!fields.from) {
        problems << QStringLiteral("no sender");
        message.from = QStringLiteral("?");
    } else {
        message.from = MessageCodec::decodeUtf8(fields.from->left(NameRule::MaxBytes * 2), &valid);
        if (!valid)
            problems << QStringLiteral("sender is not valid UTF-8");
        else if (!NameRule::isValid(message.from))
            problems << QStringLiteral("sender is not an account name");
        // Shown where a name goes, whatever another writer put there: one line, a name's length.
        if (!valid || !NameRule::isValid(message.from))
            message.from = NameRule::displayable(message.from);
        if (message.from.isEmpty())
            message.from = QStringLiteral("?");
    }
    if (fields.name) {
        bool nameValid = true;
        // Shown where a name goes: one line, no longer than a name may be.
        QString name = MessageCodec::decodeUtf8(fields.name->left(NameRule::MaxBytes), &nameValid);
        name = NameRule::displayable(name);
        if (!nameValid)
            problems << QStringLiteral("display name is not valid UTF-8");
        if (name != message.from)
            message.name = name;
    }
    if (!fields.text) {
        if (message.type == ChatMessage::Type::Message || message.type == ChatMessage::Type::Action)
            problems << QStringLiteral("no text");
    } else {
        const QByteArray &text = *fields.text;
        const bool cut = text.size() > MessageCodec::MaxDisplayBytes;
        message.text =
            MessageCodec::decodeUtf8(cut ? text.left(MessageCodec::MaxDisplayBytes) : text, &valid);
        if (cut) {
            // Cutting may split a character; only complain about UTF-8 in what is shown.
            if (message.text.endsWith(QChar::ReplacementCharacter))
                message.text.chop(1);
            problems << QStringLiteral("text too long (%1), shown cut")
                            .arg(QLocale::c().formattedDataSize(text.size()));
        }
        if (!valid && !cut)
            problems << QStringLiteral("text is not valid UTF-8");
    }
    message.cid = fields.cid.left(128);
    message.problem = problems.join(QStringLiteral("; "));
}

} // namespace

QString MessageCodec::decodeUtf8(const QByteArray &bytes, bool *valid)
{
    // Most chat text is ASCII, which is valid UTF-8 as it is; skip the decoder's setup then.
    const bool ascii =
        std::all_of(bytes.cbegin(), bytes.cend(), [](char c) { return uchar(c) < 0x80; });
    if (ascii) {
        *valid = true;
        return QString::fromLatin1(bytes);
    }
    QStringDecoder decoder(QStringDecoder::Utf8);
    QString text = decoder.decode(bytes);
    *valid = !decoder.hasError();
    return text;
}

std::optional<ChatMessage> MessageCodec::fromStreamEntry(const QString &channel,
                                                         const RedisReply &entry)
{
    if (!entry.isArray() || entry.size() < 1 || !entry.at(0).isString())
        return std::nullopt;
    const auto id = StreamId::parse(entry.at(0).bytes());
    if (!id)
        return std::nullopt;
    ChatMessage message;
    message.id = *id;
    message.channel = channel;

    RawFields fields;
    if (entry.size() < 2 || !entry.at(1).isArray()) {
        decodeFields(message, fields);
        message.problem = QStringLiteral("entry has no fields");
        return message;
    }
    const RedisReply &list = entry.at(1);
    for (qsizetype i = 0; i + 1 < list.size(); i += 2) {
        const QByteArray &name = list.at(i).bytes();
        const QByteArray &value = list.at(i + 1).bytes();
        if (name == "type")
            fields.type = value;
        else if (name == "from")
            fields.from = value;
        else if (name == "text")
            fields.text = value;
        else if (name == "name")
            fields.name = value;
        else if (name == "cid")
            fields.cid = value;
    }
    decodeFields(message, fields);
    return message;
}

std::optional<StreamId> MessageCodec::noticeId(const QByteArray &payload)
{
    // Notices are small; a big one is not worth parsing for a hint.
    if (payload.size() > 4096)
        return std::nullopt;
    // What the post script publishes, read without building a JSON document: a flood brings
    // one notice per entry.
    static constexpr QByteArrayView Head = R"({"v":2,"id":")";
    if (payload.startsWith(Head) && payload.endsWith("\"}")) {
        const QByteArray id = payload.mid(Head.size(), payload.size() - Head.size() - 2);
        if (!id.contains('"'))
            return StreamId::parse(id);
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(payload, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    const QJsonValue id = doc.object().value(QLatin1String("id"));
    if (!id.isString())
        return std::nullopt;
    return StreamId::parse(id.toString().toLatin1());
}

} // namespace Confab
