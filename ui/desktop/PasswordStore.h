#pragma once

#include <QObject>
#include <QString>

namespace Confab {

// Passwords of connection profiles, kept in the OS keychain (QtKeychain: Secret Service or
// KWallet, macOS Keychain, Windows Credential Manager), never in the settings file. Each call
// ends in its own signal; nothing here blocks. Where no keychain can be reached (no Secret
// Service running, or a build without QtKeychain) the signal carries the reason instead.
class PasswordStore : public QObject
{
    Q_OBJECT
public:
    explicit PasswordStore(QObject *parent = nullptr);

    // account: what the password belongs to, e.g. a profile's display URL (it has no password).
    void read(const QString &account);
    // An empty password removes the entry.
    void write(const QString &account, const QString &password);

    // Bound on a keychain that does not answer (a D-Bus service that never replies), after
    // which the call ends with an error rather than never.
    static constexpr int TimeoutMs = 20000;

Q_SIGNALS:
    // found: an entry exists. error: empty on success and when there is simply no entry.
    void readFinished(const QString &account, bool found, const QString &password,
                      const QString &error);
    void writeFinished(const QString &account, const QString &error);
};

} // namespace Confab
