#pragma once

#include "Presence.h"
#include "chat/ChatKeys.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>
#include <memory>

namespace Confab {

class RedisClient;

// One account of the people directory: who it is, the name it shows, and where it was when
// the listing read it.
struct AccountEntry
{
    QString account;
    QString displayName; // empty: none set
    Presence presence;

    QString shownName() const { return displayName.isEmpty() ? account : displayName; }
    friend bool operator==(const AccountEntry &, const AccountEntry &) = default;
};

using AccountList = QList<AccountEntry>;

// Every account on the server (PROTOCOL.md, "People directory"): UP{}index, a set that each
// client adds its own account to after claiming it. Anyone may add names to it, so a listing
// shows only names whose account hash UP{A} exists and says it is A; the rest of the set is
// never believed. Reading is bounded: SSCAN pages of PageSize, each page's accounts and
// presence read in one pipelined round trip, at most `limit` accounts in all.
//
// Threading: lives in the worker's thread, with the RedisClient it is given.
class AccountIndex : public QObject
{
    Q_OBJECT
public:
    static constexpr int PageSize = 500;
    static constexpr int DefaultLimit = 20000;

    using ListCallback =
        std::function<void(const AccountList &accounts, bool complete, const QString &error)>;

    AccountIndex(RedisClient *commands, ChatKeys keys, QObject *parent = nullptr);

    // Puts `account` in the index (after a successful claim; every start does it again, so
    // accounts made before the index existed appear once their owner starts).
    void add(const QString &account);
    // All accounts, sorted by account name; `complete` is false when `limit` cut the listing.
    void list(int limit, ListCallback done);

private:
    struct Listing;
    void scanPage(const std::shared_ptr<Listing> &listing);
    void readPage(const std::shared_ptr<Listing> &listing, const QStringList &accounts);
    void finish(const std::shared_ptr<Listing> &listing, const QString &error);

    QPointer<RedisClient> m_commands;
    ChatKeys m_keys;
};

} // namespace Confab

Q_DECLARE_METATYPE(Confab::AccountEntry)
Q_DECLARE_METATYPE(Confab::AccountList)
