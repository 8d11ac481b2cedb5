// Connection settings as they are typed, passed in the environment or found in a settings
// file: a URL either parses or gives a reason (never showing its password), and what parses
// is stored as toUrl() and read back as the same options.
#include "FuzzCheck.h"
#include "chat/ChatConfig.h"
#include "redis/RedisOptions.h"

#include <QRegularExpression>

#include <fuzzer/FuzzedDataProvider.h>

using namespace Confab;

namespace {

QString describe(const RedisOptions &o)
{
    return QStringList{QString::number(int(o.transport)),
                       o.host,
                       QString::number(o.port),
                       o.unixSocketPath,
                       QString::number(o.db),
                       o.username,
                       o.password,
                       o.clientName,
                       o.tlsCaFile,
                       o.tlsCertFile,
                       o.tlsKeyFile,
                       QString::number(o.tlsVerifyPeer),
                       o.tlsServerName,
                       QString::number(o.connectTimeout.count())}
        .join(QStringLiteral(" | "));
}

void checkUrl(const QString &url)
{
    QString error;
    const std::optional<RedisOptions> options = RedisOptions::fromUrl(url, &error);
    if (!options) {
        FUZZ_CHECK(!error.isEmpty(), url);
        return;
    }
    const int milliseconds = int(options->connectTimeout.count());
    FUZZ_CHECK(milliseconds >= 1 && milliseconds <= 3600 * 1000, QString::number(milliseconds));
    FUZZ_CHECK(options->db >= 0, url);

    // The settings file's round trip: everything but the password comes back.
    RedisOptions expected = *options;
    expected.password.clear();
    const QString stored = options->toUrl();
    QString again;
    const std::optional<RedisOptions> read = RedisOptions::fromUrl(stored, &again);
    FUZZ_CHECK(read, url + QStringLiteral(" -> ") + stored + QStringLiteral(": ") + again);
    FUZZ_CHECK(*read == expected, describe(expected) + QStringLiteral("\n") + describe(*read));
    // The short form is a URL too, names the same server and holds no password.
    const std::optional<RedisOptions> shown = RedisOptions::fromUrl(options->displayUrl());
    FUZZ_CHECK(shown, options->displayUrl());
    FUZZ_CHECK(shown->endpoint() == options->endpoint(), options->displayUrl());
    FUZZ_CHECK(shown->password.isEmpty(), options->displayUrl());
}

// A URL with a password where a password goes (in the user information, or as the password
// parameter), around it whatever the fuzzer chose: whatever goes wrong, the error does not
// show the password.
void checkErrorHidesPassword(const QString &before, const QString &after)
{
    const QString password = QStringLiteral("Pw9zQx7");
    if (before.contains(password) || after.contains(password))
        return;
    static const QRegularExpression authorityStart(QStringLiteral("^[A-Za-z+.-]*:/*[^/?#@:]*$"));
    if (!authorityStart.match(before).hasMatch())
        return;
    for (const QString &url : {QString(before + u':' + password + u'@' + after),
                               QString(before + QStringLiteral("?password=") + password + after)}) {
        QString error;
        if (!RedisOptions::fromUrl(url, &error))
            FUZZ_CHECK(!error.contains(password), error);
    }
}

void checkEnvironment(FuzzedDataProvider &input)
{
    static const char *const names[] = {"REDIS_URL",      "REDIS_HOST",       "REDIS_PORT",
                                        "REDIS_DB",       "REDIS_PASSWORD",   "CHANNEL_PREFIX",
                                        "MESSAGE_PREFIX", "CONFAB_NAMESPACE", "CONFAB_RETENTION"};
    QProcessEnvironment environment;
    for (const char *name : names) {
        if (input.ConsumeBool())
            environment.insert(QLatin1String(name), consumeText(input, 128));
    }
    ChatConfig config;
    QString error;
    if (!config.applyEnvironment(environment, &error)) {
        FUZZ_CHECK(!error.isEmpty(), QString());
        return;
    }
    QString keysError;
    if (!config.validateKeys(&keysError))
        FUZZ_CHECK(!keysError.isEmpty(), QString());
    FUZZ_CHECK(config.retention >= 0, QString::number(config.retention));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzedDataProvider input(data, size);
    switch (input.ConsumeIntegralInRange<int>(0, 2)) {
    case 0:
        checkUrl(consumeText(input, 2048));
        break;
    case 1: {
        const QString before = consumeText(input, 256);
        checkErrorHidesPassword(before, consumeText(input, 256));
        break;
    }
    default:
        checkEnvironment(input);
        break;
    }
    return 0;
}
