#pragma once

#include "PasswordStore.h"

#include <QByteArray>
#include <QObject>

namespace Confab {

class AppSettings;

// Where this install's secret (PROTOCOL.md, "Identity") is kept: in the OS keychain where one
// answers, otherwise in the owner-only file AppSettings keeps. A secret found in the file (or,
// from older versions, in the settings) is moved into the keychain, never replaced: a new
// secret would lose the account it claimed. Nothing here blocks; load() ends in ready().
class InstallSecretStore : public QObject
{
    Q_OBJECT
public:
    explicit InstallSecretStore(AppSettings *settings, QObject *parent = nullptr);

    void load();
    // The keychain entry's name: one per settings file, so profiles stay apart.
    QString account() const;

Q_SIGNALS:
    // `secret` is empty only when it is in a keychain that cannot be read now; `problem`
    // then says so, for the user. Where the secret is kept is given for the record.
    void ready(const QByteArray &secret, const QString &problem);

private:
    void onRead(const QString &account, bool found, const QString &value, const QString &error);
    void onWritten(const QString &account, const QString &error);

    AppSettings *m_settings;
    PasswordStore m_keychain;
    QByteArray m_secret;
};

} // namespace Confab
