#include "DisplayNameDirectory.h"

namespace Confab {

QString DisplayNameDirectory::displayName(const QString &account) const
{
    return m_names.value(account, account);
}

void DisplayNameDirectory::setDisplayName(const QString &account, const QString &displayName)
{
    const QString stored = displayName == account ? QString() : displayName;
    if (m_names.value(account) == stored)
        return;
    if (stored.isEmpty())
        m_names.remove(account);
    else
        m_names.insert(account, stored);
    Q_EMIT changed(account);
}

} // namespace Confab
