#pragma once

#include "ServerStats.h"
#include "chat/ChatKeys.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

namespace Confab {

class RedisClient;
class RedisReply;

// Reads a ServerStats snapshot without loading the server: every command is bounded, however
// large the server is.
//  - INFO server, clients and memory; TIME; SCARD of the channel index and the people
//    directory;
//  - the presence of at most AccountSample accounts (SSCAN pages of the directory, one
//    pipelined HGET each): beyond that the figures say how many were looked at;
//  - at most MaxChannels channels (SSCAN of the index), each with XLEN, MEMORY USAGE … SAMPLES
//    5, and its newest RateSample entries (XREVRANGE … COUNT), whose ids' times give the
//    messages of the last minute.
// A command the server refuses (an ACL without INFO or MEMORY) leaves its figure at -1 and
// its reason in `problems`; the rest is still read.
//
// Threading: lives in the worker's thread, with the RedisClient it is given.
class ServerStatsReader : public QObject
{
    Q_OBJECT
public:
    static constexpr int MaxChannels = 40;
    static constexpr int RateSample = 60;
    static constexpr int AccountSample = 2000;

    ServerStatsReader(RedisClient *commands, ChatKeys keys, QObject *parent = nullptr);

    void read(std::function<void(const Confab::ServerStats &)> done);

    // The value of `field` in an INFO reply ("redis_version:7.0.15\r\n…"); empty if absent.
    static QByteArray infoField(const QByteArray &info, const QByteArray &field);

private:
    struct Reading;
    void scanChannels(const std::shared_ptr<Reading> &reading, const QByteArray &cursor);
    void readChannel(const std::shared_ptr<Reading> &reading, const QString &channel);
    void scanAccounts(const std::shared_ptr<Reading> &reading, const QByteArray &cursor);
    void send(const std::shared_ptr<Reading> &reading, const QList<QByteArray> &args,
              std::function<void(const RedisReply &)> use, const QString &subject);
    void finish(const std::shared_ptr<Reading> &reading);

    QPointer<RedisClient> m_commands;
    ChatKeys m_keys;
};

} // namespace Confab
