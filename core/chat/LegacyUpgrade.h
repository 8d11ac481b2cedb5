#pragma once

#include "ChatKeys.h"
#include "StreamId.h"

#include <QHash>
#include <QPointer>
#include <QString>

#include <functional>
#include <memory>

namespace Confab {

class RedisClient;
class RedisReply;

// Carries a version-1 account over to version 2 (PROTOCOL.md, "Upgrading from version 1"),
// once, the first time this install claims it under version 2:
//  - the channels of user:NAME:channels go into UP{NAME}:channels, with their read marks from
//    user:NAME:read (a mark ahead of the log, as version 1 could store, is brought back to the
//    newest entry);
//  - each direct conversation "dm:A:B" is copied into "@A B" (entries of the two people
//    only: version 1 could mix two pairs in one), its read mark moved over, and a note left in
//    the old one saying that replies are now only seen by upgraded clients;
// and then marks the account upgraded. Also imports what version-1 peers wrote since into
// direct conversations upgraded earlier (importLegacyConversations). Every step is
// idempotent: a crash half-way is finished by the next start.
class LegacyUpgrade
{
public:
    LegacyUpgrade(RedisClient *commands, ChatKeys keys, QString account, int retention,
                  QByteArray displayName);

    // Runs the whole upgrade, then `done` (with an error text on failure, empty otherwise).
    void run(std::function<void(const QString &error)> done);
    // For each direct conversation of ours that came from version 1, copies what was written
    // there since the last import.
    void importLegacyConversations(const QStringList &conversations);

    // The version-1 note left in an upgraded direct conversation.
    static QString upgradeNote(const QString &account);

private:
    void upgradeChannels(const QStringList &channels, const QHash<QString, StreamId> &marks);
    void upgradeDirect(const QString &legacy, const QString &peer, const StreamId &mark);
    void importFrom(const QString &legacy, const QString &conversation, const StreamId &after,
                    std::function<void()> done);
    void finish();

    QPointer<RedisClient> m_commands;
    ChatKeys m_keys;
    ChatKeys m_legacyKeys; // version 1 channel keys: same prefixes, no namespace
    QString m_account;
    int m_retention;
    QByteArray m_displayName;
    int m_pending = 0;
    std::function<void(const QString &)> m_done;
    QString m_error;
    std::shared_ptr<int> m_alive = std::make_shared<int>(0);
};

} // namespace Confab
