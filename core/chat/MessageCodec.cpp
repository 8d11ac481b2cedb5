#include "MessageCodec.h"

#include "NameRule.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QStringDecoder>
#include <QVarLengthArray>

#include <algorithm>

namespace Confab {

namespace {

// Views into the entry being decoded.
struct RawFields
{
    std::optional<QByteArrayView> type;
    std::optional<QByteArrayView> from;
    std::optional<QByteArrayView> name;
    std::optional<QByteArrayView> text;
    QByteArrayView cid;
};

// A sender's account as decoded once: a page of the log has a few senders and many entries,
// and checking the same name for every entry was a good part of decoding it.
struct Sender
{
    QByteArray raw;
    QString from;
    QString problem;
};

class SenderCache
{
public:
    const Sender *find(QByteArrayView raw) const
    {
        for (const Sender &sender : m_senders) {
            if (sender.raw == raw)
                return &sender;
        }
        return nullptr;
    }
    void add(Sender sender)
    {
        // The most recent few: a busy channel's page has more senders than are worth a search.
        if (m_senders.size() == Capacity)
            m_senders[m_next++ % Capacity] = std::move(sender);
        else
            m_senders.append(std::move(sender));
    }

private:
    static constexpr qsizetype Capacity = 8;
    QVarLengthArray<Sender, Capacity> m_senders;
    qsizetype m_next = 0;
};

// Fills in a message from its raw fields, noting every way they break the protocol.
void decodeFields(ChatMessage &message, const RawFields &fields, SenderCache *senders = nullptr)
{
    QStringList problems;
    if (!fields.type) {
        problems << QStringLiteral("no type");
        message.type = ChatMessage::Type::Message;
    } else {
        message.type = ChatMessage::typeFromName(*fields.type);
        if (message.type == ChatMessage::Type::Unknown)
            problems << QStringLiteral("unknown type \"%1\"")
                            .arg(QString::fromUtf8(
                                fields.type->first(std::min<qsizetype>(32, fields.type->size()))));
    }
    bool valid = true;
    if (!fields.from) {
        problems << QStringLiteral("no sender");
        message.from = QStringLiteral("?");
    } else if (const Sender *known = senders ? senders->find(*fields.from) : nullptr) {
        message.from = known->from;
        if (!known->problem.isEmpty())
            problems << known->problem;
    } else {
        Sender sender{fields.from->toByteArray(), {}, {}};
        sender.from = MessageCodec::decodeUtf8(
            fields.from->first(std::min<qsizetype>(NameRule::MaxBytes * 2, fields.from->size())),
            &valid);
        if (!valid)
            sender.problem = QStringLiteral("sender is not valid UTF-8");
        else if (!NameRule::isValid(sender.from))
            sender.problem = QStringLiteral("sender is not an account name");
        // Shown where a name goes, whatever another writer put there: one line, a name's length.
        if (!sender.problem.isEmpty())
            sender.from = NameRule::displayable(sender.from);
        if (sender.from.isEmpty())
            sender.from = QStringLiteral("?");
        message.from = sender.from;
        if (!sender.problem.isEmpty())
            problems << sender.problem;
        if (senders)
            senders->add(std::move(sender));
    }
    if (fields.name) {
        bool nameValid = true;
        // Shown where a name goes: one line, no longer than a name may be.
        QString name = MessageCodec::decodeUtf8(
            fields.name->first(std::min<qsizetype>(NameRule::MaxBytes, fields.name->size())),
            &nameValid);
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
        const QByteArrayView text = *fields.text;
        const bool cut = text.size() > MessageCodec::MaxDisplayBytes;
        message.text = MessageCodec::decodeUtf8(
            cut ? text.first(MessageCodec::MaxDisplayBytes) : text, &valid);
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
    message.cid = fields.cid.first(std::min<qsizetype>(128, fields.cid.size())).toByteArray();
    message.problem = problems.join(QStringLiteral("; "));
}

} // namespace

QString MessageCodec::decodeUtf8(QByteArrayView bytes, bool *valid)
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

namespace {

std::optional<ChatMessage> decodeEntry(const QString &channel, RedisReplyView entry,
                                       SenderCache *senders)
{
    if (!entry.isArray() || entry.size() < 1)
        return std::nullopt;
    auto element = entry.begin();
    const RedisReplyView idReply = *element;
    if (!idReply.isString())
        return std::nullopt;
    const auto id = StreamId::parse(idReply.bytes());
    if (!id)
        return std::nullopt;
    ChatMessage message;
    message.id = *id;
    message.channel = channel;

    RawFields fields;
    const RedisReplyView list = entry.size() >= 2 ? *++element : RedisReplyView();
    if (!list.isArray()) {
        decodeFields(message, fields);
        message.problem = QStringLiteral("entry has no fields");
        return message;
    }
    // Pairs; an odd one out at the end is no field.
    std::optional<QByteArrayView> name;
    for (const RedisReplyView field : list) {
        if (!name) {
            name = field.bytes();
            continue;
        }
        const QByteArrayView value = field.bytes();
        if (*name == "type")
            fields.type = value;
        else if (*name == "from")
            fields.from = value;
        else if (*name == "text")
            fields.text = value;
        else if (*name == "name")
            fields.name = value;
        else if (*name == "cid")
            fields.cid = value;
        name.reset();
    }
    decodeFields(message, fields, senders);
    return message;
}

} // namespace

std::optional<ChatMessage> MessageCodec::fromStreamEntry(const QString &channel,
                                                         RedisReplyView entry)
{
    return decodeEntry(channel, entry, nullptr);
}

qsizetype MessageCodec::appendStreamPage(const QString &channel, RedisReplyView page, bool reversed,
                                         QList<ChatMessage> *out)
{
    const qsizetype first = out->size();
    qsizetype skipped = 0;
    out->reserve(first + page.size());
    SenderCache senders;
    for (const RedisReplyView entry : page) {
        if (auto message = decodeEntry(channel, entry, &senders))
            out->append(std::move(*message));
        else
            ++skipped;
    }
    if (reversed)
        std::reverse(out->begin() + first, out->end());
    return skipped;
}

std::optional<StreamId> MessageCodec::plainNoticeId(QByteArrayView payload)
{
    static constexpr QByteArrayView Head = R"({"v":2,"id":")";
    if (payload.size() > 4096 || !payload.startsWith(Head) || !payload.endsWith("\"}"))
        return std::nullopt;
    const QByteArrayView id = payload.sliced(Head.size(), payload.size() - Head.size() - 2);
    if (id.contains('"'))
        return std::nullopt;
    return StreamId::parse(id);
}

std::optional<StreamId> MessageCodec::noticeId(const QByteArray &payload)
{
    // Notices are small; a big one is not worth parsing for a hint.
    if (payload.size() > 4096)
        return std::nullopt;
    // What the post script publishes, read without building a JSON document: a flood brings
    // one notice per entry.
    if (const auto id = plainNoticeId(payload))
        return id;
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
