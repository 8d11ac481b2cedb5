#pragma once

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>

namespace Confab::Test {

// Runs the built confab-cli as scripts do, with an environment of its own (no REDIS_*
// variables of the machine, a home directory of the test's), against one URL.
class CliRunner
{
public:
    struct Result
    {
        int exitCode = -1;
        QProcess::ExitStatus exitStatus = QProcess::CrashExit;
        QByteArray out;
        QByteArray err;

        QStringList lines() const
        {
            return QString::fromUtf8(out).split(u'\n', Qt::SkipEmptyParts);
        }
        bool succeeded() const { return exitStatus == QProcess::NormalExit && exitCode == 0; }
    };

    explicit CliRunner(QString program)
        : m_program(std::move(program))
    { }

    bool isValid() const { return m_home.isValid(); }
    void setUrl(const QString &url) { m_url = url; }
    QString url() const { return m_url; }
    QString program() const { return m_program; }

    QProcessEnvironment environment(const QString &user = QStringLiteral("tester")) const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *name : {"REDIS_URL", "REDIS_HOST", "REDIS_PORT", "REDIS_DB",
                                 "REDIS_PASSWORD", "REDIS_USERNAME", "REDIS_SENTINEL_PASSWORD",
                                 "CHANNEL_PREFIX", "MESSAGE_PREFIX", "CONFAB_USER", "CONFAB_SECRET",
                                 "CONFAB_RETENTION", "CONFAB_NAMESPACE", "CONFAB_DISPLAY_NAME"})
            env.remove(QString::fromLatin1(name));
        env.insert(QStringLiteral("CONFAB_USER"), user);
        env.insert(QStringLiteral("CONFAB_SECRET"), user + QStringLiteral("'s secret"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.path());
        env.insert(QStringLiteral("HOME"), m_home.path());
        return env;
    }

    // Runs to the end: --url URL, then `args`.
    Result run(const QStringList &args, const QByteArray &input = {},
               const QProcessEnvironment &env = {}) const
    {
        QProcess process;
        process.setProcessEnvironment(env.isEmpty() ? environment() : env);
        process.start(m_program, QStringList{QStringLiteral("--url"), m_url} + args);
        Result result;
        if (!process.waitForStarted(30000)) {
            result.err = "could not start " + m_program.toUtf8();
            return result;
        }
        process.write(input);
        process.closeWriteChannel();
        if (!process.waitForFinished(90000)) {
            process.kill();
            process.waitForFinished(10000);
            result.err = "confab-cli did not finish within 90 s";
            return result;
        }
        result.exitCode = process.exitCode();
        result.exitStatus = process.exitStatus();
        result.out = process.readAllStandardOutput();
        result.err = process.readAllStandardError();
        return result;
    }

    // Reads a running tail's output until `count` lines contain `marker` (others are
    // skipped), each wait for more output bounded by `timeoutMs`; fewer if it stops printing.
    static QStringList readLines(QProcess &tail, const QString &marker, int count,
                                 int timeoutMs = 60000)
    {
        QStringList lines;
        while (lines.size() < count) {
            if (!tail.canReadLine() && !tail.waitForReadyRead(timeoutMs))
                break;
            while (tail.canReadLine()) {
                const QString line = QString::fromUtf8(tail.readLine()).chopped(1);
                if (line.contains(marker))
                    lines << line;
            }
        }
        return lines;
    }

    // The texts of the msg lines of a --json listing.
    static QStringList texts(const Result &result)
    {
        QStringList out;
        for (const QString &line : result.lines()) {
            const QJsonObject message = QJsonDocument::fromJson(line.toUtf8()).object();
            if (message[u"type"].toString() == u"msg")
                out << message[u"text"].toString();
        }
        return out;
    }

private:
    QString m_program;
    QString m_url;
    QTemporaryDir m_home;
};

} // namespace Confab::Test
