#include "PresenceDirectory.h"

namespace Confab {

Presence PresenceDirectory::presenceOf(const QString &account) const
{
    Presence presence = m_presence.value(account);
    presence.account = account;
    return presence;
}

void PresenceDirectory::update(const PresenceList &changes)
{
    QStringList accounts;
    for (const Presence &presence : changes) {
        const auto it = m_presence.constFind(presence.account);
        if (it != m_presence.cend() && *it == presence)
            continue;
        m_presence.insert(presence.account, presence);
        accounts << presence.account;
        Q_EMIT changed(presence.account);
    }
    if (!accounts.isEmpty())
        Q_EMIT updated(accounts);
}

void PresenceDirectory::clear()
{
    const QList<QString> accounts = m_presence.keys();
    m_presence.clear();
    for (const QString &account : accounts)
        Q_EMIT changed(account);
    if (!accounts.isEmpty())
        Q_EMIT updated(accounts);
}

int PresenceDirectory::rank(Presence::State state)
{
    switch (state) {
    case Presence::State::Online:
        return 0;
    case Presence::State::Away:
        return 1;
    case Presence::State::Offline:
        break;
    }
    return 2;
}

} // namespace Confab
