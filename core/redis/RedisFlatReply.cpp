#include "RedisFlatReply.h"

namespace Confab {

RedisReply RedisFlatReply::toReply(qsizetype index) const
{
    const Node &n = node(index);
    switch (n.type()) {
    case RedisReply::Type::Nil:
        return RedisReply::nil();
    case RedisReply::Type::Integer:
        return RedisReply::integer(n.value);
    case RedisReply::Type::Status:
        return RedisReply::status(bytes(n).toByteArray());
    case RedisReply::Type::Error:
        return RedisReply::error(bytes(n).toByteArray());
    case RedisReply::Type::String:
        return RedisReply::string(bytes(n).toByteArray());
    case RedisReply::Type::Array:
        break;
    }
    QList<RedisReply> elements;
    elements.reserve(n.length);
    qsizetype child = index + 1;
    for (quint32 i = 0; i < n.length; ++i) {
        elements.append(toReply(child));
        child += node(child).extent;
    }
    return RedisReply::array(std::move(elements));
}

} // namespace Confab
