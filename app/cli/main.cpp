#include "CliCommand.h"
#include "CliOptions.h"
#include "CliPrinter.h"

#include "local/AllocatorTuning.h"
#include "local/CommandLineSecrets.h"

#include <QCoreApplication>

#include <cstdio>

using namespace Confab;

// confab-cli: the headless client, for scripts and bots. Same core as the GUI, no widgets.
int main(int argc, char *argv[])
{
    AllocatorTuning::apply();
    QCoreApplication app(argc, argv);
    // Flushed by CliPrinter when a batch is done, not per line (nor per 4 KiB).
    static char outputBuffer[1 << 16];
    std::setvbuf(stdout, outputBuffer, _IOFBF, sizeof outputBuffer);
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
    CommandLineSecrets::scrub(argc, argv);

    CliCommand command(options);
    QObject::connect(&command, &CliCommand::finished, &app,
                     [](int exitCode) { QCoreApplication::exit(exitCode); });
    // Started from the event loop, so that a command that ends at once still ends it.
    QMetaObject::invokeMethod(&command, &CliCommand::start, Qt::QueuedConnection);
    return app.exec();
}
