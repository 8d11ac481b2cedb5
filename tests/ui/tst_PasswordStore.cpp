#include "AppSettings.h"
#include "InstallSecretStore.h"
#include "IsolatedSettings.h"
#include "PasswordStore.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>
#include <QUuid>

using namespace Confab;
using namespace Confab::Test;

class tst_PasswordStore : public QObject
{
    Q_OBJECT

    IsolatedSettings m_settings;

    static QString written(PasswordStore &store, const QString &account, const QString &password)
    {
        QSignalSpy finished(&store, &PasswordStore::writeFinished);
        store.write(account, password);
        if (!finished.wait(PasswordStore::TimeoutMs + 10000))
            return QStringLiteral("TEST: no answer at all");
        return finished.first().at(1).toString();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_settings.isValid()); }

    void aPasswordIsKeptOrTheReasonIsGiven()
    {
        // A keychain may or may not run here (CI has no Secret Service); either way every call
        // ends, and what the keychain accepts it gives back.
        PasswordStore store;
        const QString account = QStringLiteral("redis://confab-test-%1@127.0.0.1:6379/0")
                                    .arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
        const QString error = written(store, account, QStringLiteral("s3cret ünïcode"));
        QVERIFY(error != QStringLiteral("TEST: no answer at all"));
        QSignalSpy read(&store, &PasswordStore::readFinished);
        store.read(account);
        QVERIFY(read.wait(PasswordStore::TimeoutMs + 10000));
        QCOMPARE(read.first().at(0).toString(), account);
        if (!error.isEmpty()) {
            // Under tests/ui/with-keyring.sh there is one: then failing to use it is a failure.
            QVERIFY2(!qEnvironmentVariableIsSet("CONFAB_EXPECT_KEYCHAIN"), qPrintable(error));
            qInfo("no keychain here: %s", qPrintable(error));
            QVERIFY(!read.first().at(1).toBool());
            QVERIFY2(!read.first().at(3).toString().isEmpty(), "a failed read must say why");
            return;
        }
        QVERIFY(read.first().at(1).toBool());
        QCOMPARE(read.first().at(2).toString(), QStringLiteral("s3cret ünïcode"));

        // An empty password removes the entry.
        QCOMPARE(written(store, account, QString()), QString());
        read.clear();
        store.read(account);
        QVERIFY(read.wait(PasswordStore::TimeoutMs + 10000));
        QVERIFY(!read.first().at(1).toBool());
        QCOMPARE(read.first().at(3).toString(), QString());
    }

    // The install secret goes to the keychain where one answers, and is the same secret
    // before and after: the account it claimed stays this install's.
    void theInstallSecretMovesToTheKeychainUnchanged()
    {
        IsolatedSettings::store().clear();
        AppSettings settings;
        const QByteArray before = settings.installSecret(); // as an older version kept it
        QVERIFY(QFile::exists(settings.installSecretPath()));

        InstallSecretStore store(&settings);
        QSignalSpy ready(&store, &InstallSecretStore::ready);
        store.load();
        QVERIFY(ready.wait(2 * PasswordStore::TimeoutMs + 10000));
        QCOMPARE(ready.first().at(0).toByteArray(), before);
        QCOMPARE(ready.first().at(1).toString(), QString());
        const bool keychain = settings.installSecretInKeychain();
        QCOMPARE(keychain, qEnvironmentVariableIsSet("CONFAB_EXPECT_KEYCHAIN"));
        // In the keychain, out of the file; or, with no keychain, still in the owner-only file.
        QCOMPARE(QFile::exists(settings.installSecretPath()), !keychain);

        // The next start reads the same secret, and makes no file again.
        ready.clear();
        store.load();
        QVERIFY(ready.wait(2 * PasswordStore::TimeoutMs + 10000));
        QCOMPARE(ready.first().at(0).toByteArray(), before);
        QCOMPARE(QFile::exists(settings.installSecretPath()), !keychain);

        if (keychain) {
            PasswordStore cleanup;
            QCOMPARE(written(cleanup, store.account(), QString()), QString());
        }
    }

    // A secret that lives in a keychain which cannot be read now is not replaced by a new one
    // (that would lose the account): the user is told instead.
    void anUnreadableKeychainNeverMakesANewSecret()
    {
        if (qEnvironmentVariableIsSet("CONFAB_EXPECT_KEYCHAIN"))
            QSKIP("needs a keychain that does not answer");
        IsolatedSettings::store().clear();
        AppSettings settings;
        const QByteArray old = settings.installSecret();
        settings.setInstallSecretInKeychain(); // as if it had been moved, on another session
        QVERIFY(!QFile::exists(settings.installSecretPath()));
        InstallSecretStore store(&settings);
        QSignalSpy ready(&store, &InstallSecretStore::ready);
        store.load();
        QVERIFY(ready.wait(2 * PasswordStore::TimeoutMs + 10000));
        PasswordStore probe;
        QSignalSpy read(&probe, &PasswordStore::readFinished);
        probe.read(store.account());
        QVERIFY(read.wait(PasswordStore::TimeoutMs + 10000));
        if (read.first().at(3).toString().isEmpty())
            QSKIP("a keychain answers here");
        QCOMPARE(ready.first().at(0).toByteArray(), QByteArray());
        QVERIFY2(ready.first().at(1).toString().contains(QStringLiteral("keychain")),
                 qPrintable(ready.first().at(1).toString()));
        QVERIFY(!QFile::exists(settings.installSecretPath()));
        Q_UNUSED(old);
    }

    void passwordsNeverReachTheSettingsFile()
    {
        RedisOptions options;
        options.host = QStringLiteral("redis.example.org");
        options.username = QStringLiteral("alice");
        options.password = QStringLiteral("hunter2-in-plain-text");
        {
            AppSettings settings;
            settings.setConnectionOptions(options);
            settings.sync();
            QVERIFY(settings.hasConnectionProfile());
            QVERIFY(!settings.passwordAccount().contains(QLatin1String("hunter2")));
            QVERIFY(settings.connectionOptions().password.isEmpty());
        }
        QFile file(IsolatedSettings::store().fileName());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray stored = file.readAll();
        QVERIFY(stored.contains("redis.example.org"));
        QVERIFY(!stored.contains("hunter2"));
    }
};

QTEST_GUILESS_MAIN(tst_PasswordStore)
#include "tst_PasswordStore.moc"
