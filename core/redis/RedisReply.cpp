#include "RedisReply.h"

#include "RedisFlatReply.h"

namespace Confab {

RedisReply RedisReply::integer(qint64 value)
{
    RedisReply r;
    r.m_type = Type::Integer;
    r.m_integer = value;
    return r;
}

RedisReply RedisReply::status(QByteArray text)
{
    RedisReply r;
    r.m_type = Type::Status;
    r.m_bytes = std::move(text);
    return r;
}

RedisReply RedisReply::error(QByteArray text)
{
    RedisReply r;
    r.m_type = Type::Error;
    r.m_bytes = std::move(text);
    return r;
}

RedisReply RedisReply::string(QByteArray bytes)
{
    RedisReply r;
    r.m_type = Type::String;
    r.m_bytes = std::move(bytes);
    return r;
}

RedisReply RedisReply::array(QList<RedisReply> elements)
{
    RedisReply r;
    r.m_type = Type::Array;
    r.m_elements = std::move(elements);
    return r;
}

RedisReply RedisReply::clientError(const char *code, const QString &message)
{
    return error(QByteArray(code) + ' ' + message.toUtf8());
}

void RedisReply::buildElements() const
{
    if (m_elements.size() != qsizetype(m_integer))
        m_elements = m_flat->toReply().m_elements;
}

QByteArray RedisReply::errorCode() const
{
    if (m_type != Type::Error)
        return {};
    const qsizetype space = m_bytes.indexOf(' ');
    return space < 0 ? m_bytes : m_bytes.left(space);
}

bool RedisReply::isClientError() const
{
    const QByteArray code = errorCode();
    return code == ConnectionLost || code == NotConnected || code == Timeout
        || code == ProtocolError || code == ClusterUnavailable || code == CrossSlotRefused
        || code == NotDurable;
}

static void appendDebug(QString &out, const RedisReply &r, int indent)
{
    switch (r.type()) {
    case RedisReply::Type::Nil:
        out += QStringLiteral("(nil)");
        break;
    case RedisReply::Type::Integer:
        out += QStringLiteral("(integer) ") + QString::number(r.toInteger());
        break;
    case RedisReply::Type::Status:
        out += r.toString();
        break;
    case RedisReply::Type::Error:
        out += QStringLiteral("(error) ") + r.toString();
        break;
    case RedisReply::Type::String:
        out += QLatin1Char('"')
            + QString::fromLatin1(r.bytes().toPercentEncoding(" !#$&'()*+,/:;=?@[]{}<>^|~\\"))
            + QLatin1Char('"');
        break;
    case RedisReply::Type::Array:
        if (r.size() == 0) {
            out += QStringLiteral("(empty array)");
            break;
        }
        for (qsizetype i = 0; i < r.size(); ++i) {
            if (i > 0)
                out += QLatin1Char('\n') + QString(indent, QLatin1Char(' '));
            const QString prefix = QString::number(i + 1) + QStringLiteral(") ");
            out += prefix;
            appendDebug(out, r.at(i), indent + int(prefix.size()));
        }
        break;
    }
}

QString RedisReply::toDebugString() const
{
    QString out;
    appendDebug(out, m_flat ? m_flat->toReply() : *this, 0);
    return out;
}

bool operator==(const RedisReply &a, const RedisReply &b)
{
    if (a.m_flat || b.m_flat)
        return (a.m_flat ? a.m_flat->toReply() : a) == (b.m_flat ? b.m_flat->toReply() : b);
    return a.m_type == b.m_type && a.m_integer == b.m_integer && a.m_bytes == b.m_bytes
        && a.m_elements == b.m_elements;
}

} // namespace Confab
