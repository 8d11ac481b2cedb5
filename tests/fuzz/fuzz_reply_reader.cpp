// RESP replies as a server sends them, cut into arbitrary pieces: the reader must give the
// same replies however the bytes are split, stop at the first protocol error with a message,
// and never take memory the bytes did not bring. Error replies are also read as cluster
// redirects (MOVED, ASK, TRYAGAIN, CLUSTERDOWN). Read in flat form (stream pages), the same
// bytes give the same replies, element for element through a view.
#include "FuzzCheck.h"
#include "redis/RedisReplyReader.h"
#include "redis/RedisReplyView.h"
#include "redis/cluster/RedisClusterSlot.h"
#include "redis/cluster/RedisRedirect.h"

#include <fuzzer/FuzzedDataProvider.h>

using namespace Confab;

namespace {

struct Outcome
{
    QList<RedisReply> replies;
    bool protocolError = false;
};

// Replies are capped so that a long run of tiny replies does not turn into a slow input.
constexpr int MaxReplies = 4096;

Outcome readAll(const QByteArray &bytes, const QList<qsizetype> &cuts,
                RedisReplyReader::Form form = RedisReplyReader::Form::Tree)
{
    RedisReplyReader reader;
    Outcome outcome;
    qsizetype offset = 0;
    for (qsizetype i = 0; i <= cuts.size(); ++i) {
        const qsizetype end = i < cuts.size() ? cuts.at(i) : bytes.size();
        reader.feed(bytes.constData() + offset, end - offset);
        offset = end;
        for (;;) {
            RedisReply reply;
            const auto result = reader.next(&reply, form);
            if (result == RedisReplyReader::Result::NeedMoreData)
                break;
            if (result == RedisReplyReader::Result::ProtocolError) {
                FUZZ_CHECK(!reader.errorString().isEmpty(), QString());
                outcome.protocolError = true;
                return outcome;
            }
            outcome.replies << reply;
            if (outcome.replies.size() >= MaxReplies)
                return outcome;
        }
    }
    return outcome;
}

// The same value read through views of both forms.
bool sameThroughViews(RedisReplyView a, RedisReplyView b)
{
    if (a.type() != b.type() || a.size() != b.size() || a.bytes() != b.bytes()
        || a.toInteger() != b.toInteger())
        return false;
    auto other = b.begin();
    for (const RedisReplyView element : a) {
        if (other == b.end() || !sameThroughViews(element, *other))
            return false;
        ++other;
    }
    return other == b.end();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzedDataProvider input(data, size);
    // The first bytes say where to cut; the rest is what the "server" sent.
    const int cutCount = input.ConsumeIntegralInRange<int>(0, 16);
    QList<quint16> cutSeeds;
    for (int i = 0; i < cutCount; ++i)
        cutSeeds << input.ConsumeIntegral<quint16>();
    const std::string rest = input.ConsumeRemainingBytesAsString();
    const QByteArray bytes(rest.data(), qsizetype(rest.size()));

    QList<qsizetype> cuts;
    for (quint16 seed : std::as_const(cutSeeds))
        cuts << (bytes.isEmpty() ? 0 : qsizetype(seed) % (bytes.size() + 1));
    std::sort(cuts.begin(), cuts.end());

    const Outcome whole = readAll(bytes, {});
    const Outcome pieces = readAll(bytes, cuts);
    FUZZ_CHECK(whole.protocolError == pieces.protocolError, QStringLiteral("error differs"));
    FUZZ_CHECK(whole.replies == pieces.replies, QStringLiteral("replies differ"));
    const Outcome flat = readAll(bytes, cuts, RedisReplyReader::Form::Flat);
    FUZZ_CHECK(flat.protocolError == whole.protocolError, QStringLiteral("flat: error differs"));
    FUZZ_CHECK(flat.replies.size() == whole.replies.size(), QStringLiteral("flat: count differs"));
    for (qsizetype i = 0; i < flat.replies.size(); ++i) {
        const RedisReply &reply = flat.replies.at(i);
        FUZZ_CHECK((reply.flat() != nullptr) == reply.isArray(), reply.toDebugString());
        FUZZ_CHECK(reply == whole.replies.at(i), reply.toDebugString());
        FUZZ_CHECK(sameThroughViews(reply, whole.replies.at(i)), reply.toDebugString());
    }
    // A reply can never hold more elements than the bytes had room for ("+\r\n" is 3 bytes).
    for (const RedisReply &reply : whole.replies) {
        FUZZ_CHECK(reply.size() <= bytes.size() / 3, QString::number(reply.size()));
        // A cluster node's error may be a redirect: whatever it says, it is a valid one or none.
        if (const std::optional<RedisRedirect> redirect = RedisRedirect::parse(reply)) {
            const bool moves = redirect->kind == RedisRedirect::Kind::Moved
                || redirect->kind == RedisRedirect::Kind::Ask;
            FUZZ_CHECK(!moves || (redirect->slot < RedisClusterSlot::Count && redirect->port > 0),
                       reply.toString());
        }
    }
    return 0;
}
