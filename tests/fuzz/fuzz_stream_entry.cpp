// Stream entries and pub/sub notices as any program with access to the server may write them:
// decoding never fails outright, what it gives is bounded and fit to show, and a notice is
// read the same on the fast path as through JSON.
#include "FuzzCheck.h"
#include "chat/MessageCodec.h"
#include "chat/NameRule.h"
#include "redis/RedisReplyReader.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <fuzzer/FuzzedDataProvider.h>

using namespace Confab;

namespace {

const QString Channel = QStringLiteral("dev");

void checkMessage(const std::optional<ChatMessage> &message)
{
    if (!message)
        return;
    FUZZ_CHECK(message->channel == Channel, message->channel);
    FUZZ_CHECK(!message->from.isEmpty(), QString());
    FUZZ_CHECK(message->from.size() <= NameRule::MaxBytes * 2,
               QString::number(message->from.size()));
    FUZZ_CHECK(message->name.size() <= NameRule::MaxLength * 2,
               QString::number(message->name.size()));
    FUZZ_CHECK(message->name == NameRule::displayable(message->name), message->name);
    FUZZ_CHECK(message->text.size() <= MessageCodec::MaxDisplayBytes,
               QString::number(message->text.size()));
    FUZZ_CHECK(message->cid.size() <= 128, QString::number(message->cid.size()));
    // The sender is an account name or marked as not being one.
    FUZZ_CHECK(NameRule::isValid(message->from) || message->isMalformed(), message->from);
}

// Structured: fields separated by NUL bytes, so that the fuzzer reaches the codec's
// decisions quickly; [id, [field, value, ...]].
void structuredEntry(FuzzedDataProvider &input)
{
    const bool fieldsAsArray = input.ConsumeBool();
    QList<RedisReply> parts;
    const std::string rest = input.ConsumeRemainingBytesAsString();
    const QByteArray bytes(rest.data(), qsizetype(rest.size()));
    for (const QByteArray &part : bytes.split('\0'))
        parts << RedisReply::string(part);
    if (parts.isEmpty())
        return;
    const RedisReply id = parts.takeFirst();
    const RedisReply entry = fieldsAsArray ? RedisReply::array({id, RedisReply::array(parts)})
                                           : RedisReply::array(QList<RedisReply>{id} + parts);
    checkMessage(MessageCodec::fromStreamEntry(Channel, entry));
}

// Whatever shape a reply can have (integers, nil, nested arrays), as a server would send it.
void respEntry(FuzzedDataProvider &input)
{
    const std::string rest = input.ConsumeRemainingBytesAsString();
    RedisReplyReader reader;
    reader.feed(rest.data(), qsizetype(rest.size()));
    RedisReply reply;
    if (reader.next(&reply) != RedisReplyReader::Result::Reply)
        return;
    const std::optional<ChatMessage> message = MessageCodec::fromStreamEntry(Channel, reply);
    checkMessage(message);
    // Read in flat form (as pages of the log are), it decodes to the same message, and as a
    // page of one entry too.
    RedisReplyReader flatReader;
    flatReader.feed(rest.data(), qsizetype(rest.size()));
    RedisReply flat;
    FUZZ_CHECK(flatReader.next(&flat, RedisReplyReader::Form::Flat)
                   == RedisReplyReader::Result::Reply,
               QString());
    FUZZ_CHECK(MessageCodec::fromStreamEntry(Channel, flat) == message, reply.toDebugString());
    const RedisReply page = RedisReply::array({reply});
    QList<ChatMessage> decoded;
    const qsizetype skipped = MessageCodec::appendStreamPage(Channel, page, false, &decoded);
    FUZZ_CHECK(skipped == (message ? 0 : 1) && decoded.size() == (message ? 1 : 0),
               reply.toDebugString());
    FUZZ_CHECK(!message || decoded.first() == *message, reply.toDebugString());
}

void notice(FuzzedDataProvider &input)
{
    const std::string rest = input.ConsumeRemainingBytesAsString();
    const QByteArray payload(rest.data(), qsizetype(rest.size()));
    const std::optional<StreamId> id = MessageCodec::noticeId(payload);
    if (!id)
        return;
    // Whatever was accepted is an id that prints and parses back as itself.
    FUZZ_CHECK(StreamId::parse(id->toByteArray()) == id, QString::fromLatin1(id->toByteArray()));
    // And it is what the notice says when read as JSON, if it is JSON.
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(payload, &error);
    if (error.error == QJsonParseError::NoError && doc.isObject()) {
        const QString said = doc.object().value(QLatin1String("id")).toString();
        FUZZ_CHECK(StreamId::parse(said.toLatin1()) == id, said);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzedDataProvider input(data, size);
    switch (input.ConsumeIntegralInRange<int>(0, 2)) {
    case 0:
        structuredEntry(input);
        break;
    case 1:
        respEntry(input);
        break;
    default:
        notice(input);
        break;
    }
    return 0;
}
