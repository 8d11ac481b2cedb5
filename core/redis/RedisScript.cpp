#include "RedisScript.h"

#include "RedisClient.h"

#include <QCryptographicHash>
#include <QPointer>

namespace Confab {

RedisScript::RedisScript(QByteArray source)
    : m_source(std::move(source))
    , m_sha1(QCryptographicHash::hash(m_source, QCryptographicHash::Sha1).toHex())
{ }

template<typename Client>
void RedisScript::runOn(Client &client, const QList<QByteArray> &keys,
                        const QList<QByteArray> &args, RedisConnection::Callback callback,
                        const RedisConnection::CommandOptions &options) const
{
    QList<QByteArray> tail;
    tail.reserve(keys.size() + args.size() + 1);
    tail << QByteArray::number(keys.size()) << keys << args;
    QPointer<Client> guard(&client);
    client.command(
        QList<QByteArray>{"EVALSHA", m_sha1} + tail,
        [guard, source = m_source, tail, callback = std::move(callback),
         options](const RedisReply &reply) {
            // EVAL carries the same keys, so on a cluster it goes to the same node.
            if (reply.errorCode() == "NOSCRIPT" && guard) {
                guard->command(QList<QByteArray>{"EVAL", source} + tail, callback, options);
                return;
            }
            if (callback)
                callback(reply);
        },
        options);
}

void RedisScript::run(RedisConnection &connection, const QList<QByteArray> &keys,
                      const QList<QByteArray> &args, RedisConnection::Callback callback,
                      const RedisConnection::CommandOptions &options) const
{
    runOn(connection, keys, args, std::move(callback), options);
}

void RedisScript::run(RedisClient &client, const QList<QByteArray> &keys,
                      const QList<QByteArray> &args, RedisConnection::Callback callback,
                      const RedisConnection::CommandOptions &options) const
{
    runOn(client, keys, args, std::move(callback), options);
}

void RedisScript::load(RedisConnection &connection) const
{
    connection.command({"SCRIPT", "LOAD", m_source});
}

void RedisScript::load(RedisClient &client) const
{
    client.command({"SCRIPT", "LOAD", m_source});
}

} // namespace Confab
