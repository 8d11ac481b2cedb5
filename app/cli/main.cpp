#include "CliCommand.h"
#include "CliOptions.h"
#include "CliPrinter.h"

#include <QCoreApplication>

#include <algorithm>
#include <cstdio>
#include <cstring>

using namespace Confab;

namespace {

// Overwrites, in the process's own argument strings, whatever is a password: what `ps` and
// /proc/PID/cmdline show is read from there. Qt has parsed them already.
void scrubPasswords(int argc, char *argv[])
{
    auto blank = [](char *from) {
        for (char *c = from; *c; ++c)
            *c = '*';
    };
    // The password of a URL's userinfo ("redis://user:PASSWORD@host"), and "password=" values.
    auto scrubUrl = [](char *url) {
        if (char *scheme = std::strstr(url, "://")) {
            char *at = std::strchr(scheme + 3, '@');
            char *colon = std::strchr(scheme + 3, ':');
            if (at && colon && colon < at)
                std::fill(colon + 1, at, '*');
        }
        for (char *p = std::strstr(url, "password="); p; p = std::strstr(p + 1, "password=")) {
            char *value = p + 9;
            char *end = value + std::strcspn(value, "&#");
            std::fill(value, end, '*');
        }
    };
    for (int i = 1; i < argc; ++i) {
        const char *arg = argv[i];
        if ((std::strcmp(arg, "--password") == 0) && i + 1 < argc) {
            blank(argv[++i]);
        } else if (std::strncmp(arg, "--password=", 11) == 0) {
            blank(argv[i] + 11);
        } else if (std::strcmp(arg, "--url") == 0 && i + 1 < argc) {
            scrubUrl(argv[++i]);
        } else if (std::strncmp(arg, "--url=", 6) == 0) {
            scrubUrl(argv[i] + 6);
        }
    }
}

} // namespace

// confab-cli: the headless client, for scripts and bots. Same core as the GUI, no widgets.
int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    // These name the place of the install secret (QStandardPaths::AppConfigLocation).
    QCoreApplication::setOrganizationName(QStringLiteral("Confab"));
    QCoreApplication::setApplicationName(QStringLiteral("confab-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CONFAB_VERSION));

    CliOptions options;
    switch (
        options.parse(QCoreApplication::arguments(), QProcessEnvironment::systemEnvironment())) {
    case CliOptions::Status::Help:
    case CliOptions::Status::Version:
        std::fputs(options.message.toUtf8().append('\n').constData(), stdout);
        return 0;
    case CliOptions::Status::UsageError:
        CliPrinter::printError(options.message);
        return 2;
    case CliOptions::Status::Error:
        CliPrinter::printError(options.message);
        return 1;
    case CliOptions::Status::Run:
        break;
    }
    scrubPasswords(argc, argv);

    CliCommand command(options);
    QObject::connect(&command, &CliCommand::finished, &app,
                     [](int exitCode) { QCoreApplication::exit(exitCode); });
    // Started from the event loop, so that a command that ends at once still ends it.
    QMetaObject::invokeMethod(&command, &CliCommand::start, Qt::QueuedConnection);
    return app.exec();
}
