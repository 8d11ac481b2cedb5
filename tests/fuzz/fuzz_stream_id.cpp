// Stream ids as the server (or a notice, or a read mark written by anyone) gives them: only
// "MS" or "MS-SEQ" with decimal digits in range is an id, and every id prints as it parsed.
#include "FuzzCheck.h"
#include "chat/StreamId.h"

#include <charconv>

using namespace Confab;

namespace {

// An independent reading of the same rule, to compare with.
std::optional<StreamId> reference(const std::string &text)
{
    const auto number = [](std::string_view part, quint64 *out) {
        if (part.empty() || part.size() > 20)
            return false;
        for (char c : part) {
            if (c < '0' || c > '9')
                return false;
        }
        const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), *out);
        return error == std::errc() && end == part.data() + part.size();
    };
    StreamId id;
    const std::string_view view(text);
    const auto dash = view.find('-');
    if (dash == std::string_view::npos)
        return number(view, &id.ms) ? std::optional(id) : std::nullopt;
    if (!number(view.substr(0, dash), &id.ms) || !number(view.substr(dash + 1), &id.seq))
        return std::nullopt;
    return id;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    const QByteArray bytes(text.data(), qsizetype(text.size()));
    const std::optional<StreamId> id = StreamId::parse(bytes);
    FUZZ_CHECK(id == reference(text), QString::fromLatin1(bytes.toHex()));
    if (id) {
        const QByteArray printed = id->toByteArray();
        FUZZ_CHECK(StreamId::parse(printed) == id, QString::fromLatin1(printed));
        // Ordering agrees with the numbers.
        const StreamId next{id->ms, id->seq + 1};
        FUZZ_CHECK(id->seq == std::numeric_limits<quint64>::max() || *id < next, QString());
    }
    return 0;
}
