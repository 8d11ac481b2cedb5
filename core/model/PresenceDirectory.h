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
    void update(const PresenceList &changes);
    void clear();

    // 0 online, 1 away, 2 offline: the order lists show people in.
    static int rank(Presence::State state);

Q_SIGNALS:
    void changed(const QString &account);

private:
    QHash<QString, Presence> m_presence;
};

} // namespace Confab
