#pragma once

#include "redis/RedisConnection.h"

#include <QObject>

namespace Confab {

// Asks Redis Sentinel where the master is, and says at once when that changes.
//
// Two links go to the sentinels, each moving on to the next one when its own is down: one
// asks SENTINEL GET-MASTER-ADDR-BY-NAME, the other subscribes to +switch-master (a
// subscribed connection can ask nothing else). They log in with the sentinel credentials,
// which are not those of the data nodes.
//
// Threading: as RedisConnection.
class RedisSentinelMonitor : public QObject
{
    Q_OBJECT
public:
    using Endpoint = RedisOptions::Endpoint;

    // `options`: the sentinels (seeds), the master's name and the sentinel credentials.
    explicit RedisSentinelMonitor(const RedisOptions &options, QObject *parent = nullptr);

    void open();
    void close();
    QString masterName() const { return m_master; }

    // The master's address as a sentinel gives it now, or why there is none.
    void resolve(RedisConnection::Resolved done);

    // What sentinels send, read strictly (it is text from a server): the reply of SENTINEL
    // GET-MASTER-ADDR-BY-NAME, and a +switch-master payload for the master `name`
    // ("<name> <old-ip> <old-port> <new-ip> <new-port>": the new address).
    static std::optional<Endpoint> parseMasterAddress(const RedisReply &reply);
    static std::optional<Endpoint> parseSwitchMaster(const QByteArray &payload,
                                                     const QByteArray &name);

Q_SIGNALS:
    // A sentinel announced a new master (+switch-master), or a fresh subscription (after a
    // sentinel link dropped, when a switch may have gone unseen) asks to check again.
    void masterSwitched(const Confab::RedisOptions::Endpoint &master);
    void recheckWanted();

private:
    void onMessage(const QByteArray &channel, const QByteArray &payload);

    QString m_master;
    RedisConnection *m_query = nullptr;
    RedisConnection *m_watch = nullptr;
};

} // namespace Confab
