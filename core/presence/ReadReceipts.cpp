#include "ReadReceipts.h"

#include "chat/NameRule.h"
#include "redis/RedisClient.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace Confab {

ReadReceipts::ReadReceipts(RedisClient *commands, ChatKeys keys, QObject *parent)
    : QObject(parent)
    , m_commands(commands)
    , m_keys(std::move(keys))
{ }

QByteArray ReadReceipts::payload(const QString &account)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("v"), 2}, {QStringLiteral("read"), account}})
        .toJson(QJsonDocument::Compact);
}

std::optional<QString> ReadReceipts::parse(const QByteArray &payload)
{
    if (payload.size() > 1024 || !payload.contains("\"read\""))
        return std::nullopt;
    const QJsonDocument document = QJsonDocument::fromJson(payload);
    if (!document.isObject())
        return std::nullopt;
    const QJsonValue account = document.object().value(QLatin1String("read"));
    if (!account.isString()
        || !NameRule::check(account.toString(), QStringLiteral("user name")).isEmpty())
        return std::nullopt;
    return account.toString();
}

void ReadReceipts::markRead(const QString &channel, const StreamId &id)
{
    if (!m_commands || m_account.isEmpty() || id.isNull())
        return;
    if (ChatKeys::directPeer(channel, m_account).isEmpty())
        return;
    const auto written = m_written.constFind(channel);
    if (written != m_written.cend() && !(*written < id))
        return;
    m_written.insert(channel, id);
    const QByteArray readKey = m_keys.readReceipts(channel);
    m_commands->transaction({{"HSET", readKey, m_account.toUtf8(), id.toByteArray()},
                             {m_sharded ? QByteArray("SPUBLISH") : QByteArray("PUBLISH"),
                              m_keys.pubsub(channel), payload(m_account)}},
                            {});
}

void ReadReceipts::refresh(const QString &channel)
{
    const QString peer = ChatKeys::directPeer(channel, m_account);
    if (!m_commands || peer.isEmpty() || peer == m_account)
        return;
    const QByteArray readKey = m_keys.readReceipts(channel);
    QPointer<ReadReceipts> self(this);
    m_commands->command({"HGET", readKey, peer.toUtf8()}, [self, channel](const RedisReply &reply) {
        if (!self || reply.isError())
            return;
        const StreamId id = StreamId::parse(reply.bytes()).value_or(StreamId());
        if (self->m_peer.value(channel) == id && self->m_peer.contains(channel))
            return;
        self->m_peer.insert(channel, id);
        Q_EMIT self->peerReadChanged(channel, id);
    });
}

} // namespace Confab
