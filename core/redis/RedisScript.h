#pragma once

#include "RedisConnection.h"

namespace Confab {

class RedisClient;

// A Lua script run by hash: EVALSHA, falling back to EVAL (which also loads it) when the
// server answers NOSCRIPT, after a restart or SCRIPT FLUSH, or on a cluster node that has not
// seen it yet. One round trip in the usual case.
class RedisScript
{
public:
    explicit RedisScript(QByteArray source);

    const QByteArray &source() const { return m_source; }
    const QByteArray &sha1() const { return m_sha1; }

    void run(RedisConnection &connection, const QList<QByteArray> &keys,
             const QList<QByteArray> &args, RedisConnection::Callback callback,
             const RedisConnection::CommandOptions &options = {}) const;
    void run(RedisClient &client, const QList<QByteArray> &keys, const QList<QByteArray> &args,
             RedisConnection::Callback callback,
             const RedisConnection::CommandOptions &options = {}) const;
    // Loads the script ahead of its first use (after connecting), so EVALSHA finds it. On a
    // cluster, on every master.
    void load(RedisConnection &connection) const;
    void load(RedisClient &client) const;

private:
    template<typename Client>
    void runOn(Client &client, const QList<QByteArray> &keys, const QList<QByteArray> &args,
               RedisConnection::Callback callback,
               const RedisConnection::CommandOptions &options) const;

    QByteArray m_source;
    QByteArray m_sha1;
};

} // namespace Confab
