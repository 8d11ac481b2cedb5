#pragma once

#include "presence/Presence.h"

#include <QHash>
#include <QObject>

namespace Confab {

// Where each followed account is (PROTOCOL.md, "Presence"), one copy for the whole session:
// the member lists and the channel list read it, ChatSession writes it from what the worker's
// PresenceTracker reports.
class PresenceDirectory : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // Offline (with no status) for an account nothing is known about.
    Presence presenceOf(const QString &account) const;
    // The state alone, without copying the rest: what sorting asks thousands of times.
    Presence::State stateOf(const QString &account) const
    {
        const auto it = m_presence.constFind(account);
        return it == m_presence.cend() ? Presence::State::Offline : it->state;
    }
    bool contains(const QString &account) const { return m_presence.contains(account); }
    void update(const PresenceList &changes);
    void clear();

    // 0 online, 1 away, 2 offline: the order lists show people in.
    static int rank(Presence::State state);

Q_SIGNALS:
    void changed(const QString &account);
    // After the changed() of one update(), all its accounts at once: a list of thousands is
    // told once, not once per person.
    void updated(const QStringList &accounts);

private:
    QHash<QString, Presence> m_presence;
};

} // namespace Confab
