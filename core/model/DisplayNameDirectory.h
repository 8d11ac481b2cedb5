#pragma once

#include <QHash>
#include <QObject>
#include <QString>

namespace Confab {

// What each account is called now (PROTOCOL.md, "Identity"), one copy for the whole session:
// the member lists and the channel list read it, ChatSession writes it from what the worker
// and the log say.
class DisplayNameDirectory : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // The display name, or the account itself when it has none.
    QString displayName(const QString &account) const;
    // Setting the account name itself (or an empty one) removes the display name.
    void setDisplayName(const QString &account, const QString &displayName);

Q_SIGNALS:
    void changed(const QString &account);

private:
    QHash<QString, QString> m_names; // only where it differs from the account
};

} // namespace Confab
