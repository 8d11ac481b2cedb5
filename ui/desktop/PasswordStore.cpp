#include "PasswordStore.h"

#include <QPointer>
#include <QTimer>

#ifdef CONFAB_HAVE_KEYCHAIN
#include <qt6keychain/keychain.h>
#endif

#include <memory>

namespace Confab {

namespace {

const QString Service = QStringLiteral("Confab");

#ifdef CONFAB_HAVE_KEYCHAIN
// Calls `done` once: when the job finishes, or with a timeout error if it never does.
template<typename Job, typename Done> void runBounded(Job *job, QObject *context, Done done)
{
    auto called = std::make_shared<bool>(false);
    auto *timer = new QTimer(context);
    timer->setSingleShot(true);
    QObject::connect(timer, &QTimer::timeout, context, [timer, called, done] {
        timer->deleteLater();
        if (std::exchange(*called, true))
            return;
        done(nullptr);
    });
    QObject::connect(job, &QKeychain::Job::finished, context,
                     [timer, called, done](QKeychain::Job *finished) {
                         timer->stop();
                         timer->deleteLater();
                         if (std::exchange(*called, true))
                             return;
                         done(static_cast<Job *>(finished));
                     });
    timer->start(PasswordStore::TimeoutMs);
    job->start();
}

QString timeoutText()
{
    return PasswordStore::tr("the keychain did not answer within %1 s")
        .arg(PasswordStore::TimeoutMs / 1000);
}
#endif

} // namespace

PasswordStore::PasswordStore(QObject *parent)
    : QObject(parent)
{ }

void PasswordStore::read(const QString &account)
{
#ifdef CONFAB_HAVE_KEYCHAIN
    auto *job = new QKeychain::ReadPasswordJob(Service, this);
    job->setKey(account);
    runBounded(job, this, [this, account](QKeychain::ReadPasswordJob *finished) {
        if (!finished)
            Q_EMIT readFinished(account, false, QString(), timeoutText());
        else if (finished->error() == QKeychain::NoError)
            Q_EMIT readFinished(account, true, finished->textData(), QString());
        else if (finished->error() == QKeychain::EntryNotFound)
            Q_EMIT readFinished(account, false, QString(), QString());
        else
            Q_EMIT readFinished(account, false, QString(), finished->errorString());
    });
#else
    QMetaObject::invokeMethod(
        this,
        [this, account] {
            Q_EMIT readFinished(account, false, QString(),
                                tr("this build has no keychain support"));
        },
        Qt::QueuedConnection);
#endif
}

void PasswordStore::write(const QString &account, const QString &password)
{
#ifdef CONFAB_HAVE_KEYCHAIN
    auto report = [this, account](QKeychain::Job *finished) {
        if (!finished)
            Q_EMIT writeFinished(account, timeoutText());
        else if (finished->error() == QKeychain::NoError
                 || finished->error() == QKeychain::EntryNotFound)
            Q_EMIT writeFinished(account, QString());
        else
            Q_EMIT writeFinished(account, finished->errorString());
    };
    if (password.isEmpty()) {
        auto *job = new QKeychain::DeletePasswordJob(Service, this);
        job->setKey(account);
        runBounded(job, this, report);
    } else {
        auto *job = new QKeychain::WritePasswordJob(Service, this);
        job->setKey(account);
        job->setTextData(password);
        runBounded(job, this, report);
    }
#else
    QMetaObject::invokeMethod(
        this,
        [this, account, password] {
            Q_EMIT writeFinished(
                account, password.isEmpty() ? QString() : tr("this build has no keychain support"));
        },
        Qt::QueuedConnection);
#endif
}

} // namespace Confab
