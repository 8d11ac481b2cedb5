#pragma once

#include "RedisConnection.h"

namespace Confab {

// A Lua script run by hash: EVALSHA, falling back to EVAL (which also loads it) when the
// server answers NOSCRIPT, after a restart or SCRIPT FLUSH. One round trip in the usual case.
class RedisScript
{
public:
    explicit RedisScript(QByteArray source);

    const QByteArray &source() const { return m_source; }
    const QByteArray &sha1() const { return m_sha1; }

    void run(RedisConnection &connection, const QList<QByteArray> &keys,
             const QList<QByteArray> &args, RedisConnection::Callback callback,
             const RedisConnection::CommandOptions &options = {}) const;
    // Loads the script ahead of its first use (after connecting), so EVALSHA finds it.
    void load(RedisConnection &connection) const;

private:
    QByteArray m_source;
    QByteArray m_sha1;
};

} // namespace Confab
