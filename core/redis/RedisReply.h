#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>

#include <memory>

namespace Confab {

class RedisFlatReply;

// One RESP2 reply, owning its data. This is the only reply type that leaves core/redis: no
// hiredis type is visible to callers. Client-side failures (lost connection, timeout, not
// connected) are Error replies too, with a code of our own as the first word, so a caller
// handles "the command did not succeed" in one place whatever the cause.
class RedisReply
{
public:
    enum class Type : quint8 { Nil, Integer, Status, Error, String, Array };

    RedisReply() = default;

    static RedisReply nil() { return {}; }
    static RedisReply integer(qint64 value);
    static RedisReply status(QByteArray text);
    static RedisReply error(QByteArray text);
    static RedisReply string(QByteArray bytes);
    static RedisReply array(QList<RedisReply> elements);

    // Client-side error codes, used as the first word of error() replies we make ourselves.
    static constexpr const char *ConnectionLost = "CONNECTION_LOST";
    static constexpr const char *NotConnected = "NOT_CONNECTED";
    static constexpr const char *Timeout = "TIMEOUT";
    static constexpr const char *ProtocolError = "PROTOCOL_ERROR";
    // A cluster could not serve the command in time (failover, migration, no master).
    static constexpr const char *ClusterUnavailable = "CLUSTER_UNAVAILABLE";
    // Keys in several cluster slots: refused before sending.
    static constexpr const char *CrossSlotRefused = "CROSSSLOT_REFUSED";
    // A durable write that too few replicas confirmed in time (see RedisOptions::ackReplicas).
    static constexpr const char *NotDurable = "NOTDURABLE";
    static RedisReply clientError(const char *code, const QString &message);

    Type type() const { return m_type; }
    bool isNil() const { return m_type == Type::Nil; }
    bool isInteger() const { return m_type == Type::Integer; }
    bool isStatus() const { return m_type == Type::Status; }
    bool isError() const { return m_type == Type::Error; }
    bool isString() const { return m_type == Type::String; }
    bool isArray() const { return m_type == Type::Array; }

    qint64 toInteger() const { return m_integer; }
    // Bytes of a String, Status or Error reply; empty for the other types.
    const QByteArray &bytes() const { return m_bytes; }
    // Lossy UTF-8 decoding of bytes(), for display and error messages.
    QString toString() const { return QString::fromUtf8(m_bytes); }
    // Elements of an array. An array read in flat form (see flat()) is meant to be read
    // through RedisReplyView; asked for its elements all the same, it builds them once.
    const QList<RedisReply> &elements() const
    {
        if (m_flat)
            buildElements();
        return m_elements;
    }
    qsizetype size() const { return m_flat ? qsizetype(m_integer) : m_elements.size(); }
    const RedisReply &at(qsizetype i) const { return elements().at(i); }
    // The array in flat form, when its command asked for it (read it through RedisReplyView).
    const RedisFlatReply *flat() const { return m_flat.get(); }

    // For errors: the first word ("WRONGPASS", "NOAUTH", "TIMEOUT"...), empty otherwise.
    QByteArray errorCode() const;
    // True for the errors made on this side rather than by the server.
    bool isClientError() const;
    // True for "+OK".
    bool isOk() const { return m_type == Type::Status && m_bytes == "OK"; }

    // A readable rendering like redis-cli's, for logs and tests.
    QString toDebugString() const;

    friend bool operator==(const RedisReply &a, const RedisReply &b);

private:
    friend struct RedisReplyFunctions;
    friend struct RedisFlatReplyBuilder;

    void buildElements() const;

    QByteArray m_bytes;
    mutable QList<RedisReply> m_elements;
    std::shared_ptr<const RedisFlatReply> m_flat;
    qint64 m_integer = 0; // also the element count of a flat array
    Type m_type = Type::Nil;
};

} // namespace Confab

// Its members (QByteArray, QList, std::shared_ptr, scalars) may be moved in memory as bytes: lists
// of replies grow and shrink without calling constructors.
Q_DECLARE_TYPEINFO(Confab::RedisReply, Q_RELOCATABLE_TYPE);
Q_DECLARE_METATYPE(Confab::RedisReply)
