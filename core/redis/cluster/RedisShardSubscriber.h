#pragma once

#include "RedisSlotMap.h"
#include "redis/RedisConnection.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <map>

namespace Confab {

// Sharded pub/sub on a Redis Cluster (SSUBSCRIBE): each channel is subscribed at the master
// that owns its slot, on a subscription-only link per master, and follows that slot. When
// the node drops the subscription (the slot migrated, the node became a replica), when the
// link goes down, or when SSUBSCRIBE comes back MOVED, it says so (unsubscribed), asks the
// cluster for a fresh map and subscribes at the new owner (subscribed again: the moment a
// reader catches up, so that nothing published meanwhile is missed).
//
// Threading: as RedisConnection.
class RedisShardSubscriber : public QObject
{
    Q_OBJECT
public:
    using Kind = RedisConnection::Kind;
    using Endpoint = RedisOptions::Endpoint;

    RedisShardSubscriber(const RedisOptions &options, const RedisSlotMap &map,
                         QObject *parent = nullptr);

    void subscribe(const QList<QByteArray> &channels);
    void unsubscribe(const QList<QByteArray> &channels);
    bool isSubscribed(const QByteArray &channel) const;
    void close();

Q_SIGNALS:
    void messageReceived(const QByteArray &channel, const QByteArray &payload);
    void subscribed(Confab::RedisConnection::Kind kind, const QByteArray &channel);
    void unsubscribed(Confab::RedisConnection::Kind kind, const QByteArray &channel);
    void errorOccurred(const QString &message);
    void readFinished();

private:
    RedisConnection *linkTo(const Endpoint &master);
    // Subscribes `channel` where the map says its slot lives, leaving its old link.
    void place(const QByteArray &channel);
    void lost(const QByteArray &channel);
    void scheduleRefresh(std::chrono::milliseconds delay);
    void refresh();

    RedisOptions m_options;
    RedisSlotMap m_map;
    std::map<QString, RedisConnection *> m_links;
    QHash<QByteArray, RedisConnection *> m_placement; // wanted channel -> its link
    RedisConnection *m_query = nullptr; // asks for the map; never subscribed
    QTimer m_refreshTimer;
    bool m_refreshing = false;
};

} // namespace Confab
