#include "AccountIndex.h"

#include "chat/NameRule.h"
#include "redis/RedisClient.h"

#include <QLoggingCategory>
#include <QSet>

#include <algorithm>

namespace Confab {

namespace {
Q_LOGGING_CATEGORY(lcAccounts, "confab.accounts")
}

struct AccountIndex::Listing
{
    int limit = 0;
    ListCallback done;
    QByteArray cursor = "0";
    QSet<QString> seen; // SSCAN may return a name twice
    AccountList found;
    bool complete = true;
};

AccountIndex::AccountIndex(RedisClient *commands, ChatKeys keys, QObject *parent)
    : QObject(parent)
    , m_commands(commands)
    , m_keys(std::move(keys))
{ }

void AccountIndex::add(const QString &account)
{
    if (!m_commands)
        return;
    m_commands->command(
        {"SADD", m_keys.userIndex(), account.toUtf8()}, [account](const RedisReply &reply) {
            // Not fatal: the account works; only the directory misses it (an
            // ACL made before the index existed, say).
            if (reply.isError())
                qCWarning(lcAccounts)
                    << "cannot add" << account << "to the people directory:" << reply.toString();
        });
}

void AccountIndex::list(int limit, ListCallback done)
{
    auto listing = std::make_shared<Listing>();
    listing->limit = std::max(1, limit);
    listing->done = std::move(done);
    scanPage(listing);
}

void AccountIndex::scanPage(const std::shared_ptr<Listing> &listing)
{
    if (!m_commands) {
        finish(listing, QStringLiteral("not connected"));
        return;
    }
    QPointer<AccountIndex> self(this);
    m_commands->command(
        {"SSCAN", m_keys.userIndex(), listing->cursor, "COUNT", QByteArray::number(PageSize)},
        [self, listing](const RedisReply &reply) {
            if (!self)
                return;
            if (reply.isError() || !reply.isArray() || reply.size() != 2
                || !reply.at(1).isArray()) {
                self->finish(listing,
                             reply.isError() ? reply.toString()
                                             : QStringLiteral("unexpected reply"));
                return;
            }
            listing->cursor = reply.at(0).bytes();
            QStringList accounts;
            for (const RedisReply &name : reply.at(1).elements()) {
                const QString account = QString::fromUtf8(name.bytes());
                if (!NameRule::check(account, QStringLiteral("user name")).isEmpty()
                    || listing->seen.contains(account))
                    continue;
                listing->seen.insert(account);
                accounts << account;
            }
            self->readPage(listing, accounts);
        });
}

void AccountIndex::readPage(const std::shared_ptr<Listing> &listing, const QStringList &accounts)
{
    auto next = [this, listing] {
        if (listing->cursor == "0" || !listing->complete)
            finish(listing, {});
        else
            scanPage(listing);
    };
    if (accounts.isEmpty()) {
        next();
        return;
    }
    // One reply pair per account; on a cluster they come back from several nodes, in any
    // order, so the page is done when all are in.
    auto pending = std::make_shared<qsizetype>(accounts.size());
    auto page = std::make_shared<QList<std::optional<AccountEntry>>>(accounts.size());
    QPointer<AccountIndex> self(this);
    for (qsizetype i = 0; i < accounts.size(); ++i) {
        const QString account = accounts.at(i);
        auto hash = std::make_shared<RedisReply>();
        m_commands->command({"HMGET", m_keys.user(account), "name", "display"},
                            [hash](const RedisReply &reply) { *hash = reply; });
        m_commands->command(
            {"HMGET", m_keys.userPresence(account), "state", "status", "since"},
            [self, listing, page, pending, hash, account, i, next](const RedisReply &reply) {
                if (!self || !listing->done)
                    return; // already failed
                if (hash->isError() || reply.isError()) {
                    self->finish(listing, hash->isError() ? hash->toString() : reply.toString());
                    return;
                }
                // Only an account whose own hash says it is this account: a name someone
                // merely added to the set is not a person.
                if (hash->isArray() && hash->size() == 2
                    && QString::fromUtf8(hash->at(0).bytes()) == account) {
                    AccountEntry entry;
                    entry.account = account;
                    entry.displayName =
                        NameRule::displayable(QString::fromUtf8(hash->at(1).bytes()));
                    if (entry.displayName == account)
                        entry.displayName.clear();
                    entry.presence.account = account;
                    if (reply.isArray() && reply.size() == 3 && !reply.at(0).isNil()) {
                        bool known = false;
                        entry.presence.state = Presence::stateFromName(reply.at(0).bytes(), &known);
                        if (!known)
                            entry.presence.state = Presence::State::Online;
                        entry.presence.status =
                            Presence::cleanStatus(QString::fromUtf8(reply.at(1).bytes()));
                        entry.presence.sinceMs = reply.at(2).bytes().toLongLong();
                    }
                    (*page)[i] = entry;
                }
                if (--*pending > 0)
                    return;
                for (const auto &entry : std::as_const(*page)) {
                    if (!entry)
                        continue;
                    if (listing->found.size() >= listing->limit) {
                        listing->complete = false;
                        break;
                    }
                    listing->found << *entry;
                }
                next();
            });
    }
}

void AccountIndex::finish(const std::shared_ptr<Listing> &listing, const QString &error)
{
    if (!listing->done)
        return;
    std::sort(listing->found.begin(), listing->found.end(),
              [](const AccountEntry &a, const AccountEntry &b) { return a.account < b.account; });
    auto done = std::exchange(listing->done, {});
    done(error.isEmpty() ? listing->found : AccountList(), listing->complete && error.isEmpty(),
         error);
}

} // namespace Confab
