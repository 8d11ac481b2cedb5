// What other people's clients put on the wire about themselves: presence notices, typing
// notices, read receipts, and the status text of a presence key; and what a server says about
// itself in INFO (the server overview). Whatever the bytes, a notice
// names a valid account or nothing, what a client writes reads back as written, and a status
// is one clean line of at most Presence::MaxStatusLength characters.
#include "FuzzCheck.h"
#include "chat/NameRule.h"
#include "presence/Presence.h"
#include "presence/PresenceTracker.h"
#include "presence/ReadReceipts.h"
#include "presence/TypingNotifier.h"
#include "stats/ServerStatsReader.h"

using namespace Confab;

namespace {

bool validAccount(const QString &name)
{
    return NameRule::check(name, QStringLiteral("user name")).isEmpty();
}

void checkStatus(const QString &raw)
{
    const QString status = Presence::cleanStatus(raw);
    int characters = 0;
    for (qsizetype i = 0; i < status.size(); ++i) {
        const QChar c = status.at(i);
        FUZZ_CHECK(c.category() != QChar::Other_Control, raw);
        FUZZ_CHECK(c != QChar::LineSeparator && c != QChar::ParagraphSeparator, raw);
        if (c.isHighSurrogate()) {
            FUZZ_CHECK(i + 1 < status.size() && status.at(i + 1).isLowSurrogate(), raw);
            ++i;
        } else {
            FUZZ_CHECK(!c.isLowSurrogate(), raw);
        }
        ++characters;
    }
    FUZZ_CHECK(characters <= Presence::MaxStatusLength, raw);
    FUZZ_CHECK(Presence::cleanStatus(status) == status, raw);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray payload(reinterpret_cast<const char *>(data), qsizetype(size));

    if (const auto account = PresenceTracker::noticeAccount(payload))
        FUZZ_CHECK(validAccount(*account), *account);
    if (const auto notice = TypingNotifier::parse(payload)) {
        FUZZ_CHECK(validAccount(notice->account), notice->account);
        const auto again =
            TypingNotifier::parse(TypingNotifier::payload(notice->account, notice->typing));
        FUZZ_CHECK(again && again->account == notice->account && again->typing == notice->typing,
                   notice->account);
    }
    if (const auto reader = ReadReceipts::parse(payload)) {
        FUZZ_CHECK(validAccount(*reader), *reader);
        FUZZ_CHECK(ReadReceipts::parse(ReadReceipts::payload(*reader)) == reader, *reader);
    }
    bool known = false;
    const Presence::State state = Presence::stateFromName(payload, &known);
    FUZZ_CHECK(known || state == Presence::State::Offline, QString::fromLatin1(payload.left(40)));
    checkStatus(QString::fromUtf8(payload));
    // A field of an INFO reply is the rest of one line: never a line break, and only what
    // follows the name and colon at the start of a line.
    for (const QByteArray &field : {QByteArray("redis_version"), QByteArray("used_memory")}) {
        const QByteArray value = ServerStatsReader::infoField(payload, field);
        FUZZ_CHECK(!value.contains('\n') && !value.endsWith('\r'),
                   QString::fromLatin1(value.left(40)));
        FUZZ_CHECK(value.isEmpty() || payload.contains(QByteArray(field + ':' + value)),
                   QString::fromLatin1(value.left(40)));
    }
    return 0;
}
