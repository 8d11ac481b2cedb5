// The outbox file as it may be found after a crash, a full disk or a hand edit: reading it
// never fails outright, keeps every intact record, and what it keeps is written back and read
// again unchanged.
#include "FuzzCheck.h"
#include "chat/Outbox.h"

using namespace Confab;

namespace {

bool sameMessages(const QList<OutgoingMessage> &a, const QList<OutgoingMessage> &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        const OutgoingMessage &x = a.at(i);
        const OutgoingMessage &y = b.at(i);
        if (x.cid != y.cid || x.channel != y.channel || x.type != y.type || x.text != y.text
            || x.joined != y.joined || x.created.isValid() != y.created.isValid()
            || (x.created.isValid() && x.created != y.created))
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const Outbox::Contents read = Outbox::parse(bytes);
    FUZZ_CHECK(read.intact || !read.problem.isEmpty(), QString());
    for (const OutgoingMessage &message : read.messages) {
        FUZZ_CHECK(!message.cid.isEmpty(), QString());
        FUZZ_CHECK(!message.channel.isEmpty(), QString());
        FUZZ_CHECK(message.type != ChatMessage::Type::Unknown, QString());
    }
    const QByteArray written = Outbox::serialize(read.messages);
    const Outbox::Contents again = Outbox::parse(written);
    FUZZ_CHECK(again.intact, again.problem);
    FUZZ_CHECK(sameMessages(read.messages, again.messages), QString::fromUtf8(written.left(200)));
    // Writing is stable: the second write is the first.
    FUZZ_CHECK(Outbox::serialize(again.messages) == written, QString());

    // A file cut anywhere keeps every record before the cut.
    if (read.intact && !read.messages.isEmpty()) {
        const Outbox::Contents cut = Outbox::parse(written.left(written.size() - 1));
        FUZZ_CHECK(!cut.intact, QString());
        FUZZ_CHECK(cut.messages.size() >= read.messages.size() - 1,
                   QString::number(cut.messages.size()));
    }
    return 0;
}
