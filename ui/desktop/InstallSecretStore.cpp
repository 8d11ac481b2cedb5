#include "InstallSecretStore.h"

#include "AppSettings.h"

#include <algorithm>
#include <cctype>

namespace Confab {

namespace {

bool wellFormed(const QByteArray &secret)
{
    return secret.size() == 32 && std::all_of(secret.cbegin(), secret.cend(), [](char c) {
               return std::isxdigit(uchar(c));
           });
}

} // namespace

InstallSecretStore::InstallSecretStore(AppSettings *settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
{
    connect(&m_keychain, &PasswordStore::readFinished, this, &InstallSecretStore::onRead);
    connect(&m_keychain, &PasswordStore::writeFinished, this, &InstallSecretStore::onWritten);
}

QString InstallSecretStore::account() const
{
    return QStringLiteral("install-secret:") + m_settings->location();
}

void InstallSecretStore::load()
{
    m_keychain.read(account());
}

void InstallSecretStore::onRead(const QString &key, bool found, const QString &value,
                                const QString &error)
{
    if (key != account())
        return;
    const QByteArray secret = value.toLatin1();
    if (found && wellFormed(secret)) {
        // Moved in by an earlier start that could not delete the file, or left by one that
        // was stopped halfway: the keychain has it, the file goes.
        if (!m_settings->installSecretInKeychain())
            m_settings->setInstallSecretInKeychain();
        Q_EMIT ready(secret, QString());
        return;
    }
    if (!error.isEmpty() && m_settings->installSecretInKeychain()) {
        // Not "no keychain, so the file": the file is gone, and a new secret would lose the
        // account. Better to say so and let the user unlock the keychain.
        Q_EMIT ready(QByteArray(),
                     tr("This computer's proof of your account is in the system keychain, which "
                        "could not be read: %1. Unlock the keychain, then start Confab again.")
                         .arg(error));
        return;
    }
    // The file's secret (made now if this is the first start); into the keychain if one
    // answered.
    m_secret = m_settings->installSecret();
    if (!error.isEmpty()) {
        Q_EMIT ready(m_secret, QString());
        return;
    }
    m_keychain.write(account(), QString::fromLatin1(m_secret));
}

void InstallSecretStore::onWritten(const QString &key, const QString &error)
{
    if (key != account())
        return;
    // Kept in the file when the keychain refused it: still owner-only, still this install's.
    if (error.isEmpty())
        m_settings->setInstallSecretInKeychain();
    Q_EMIT ready(m_secret, QString());
}

} // namespace Confab
