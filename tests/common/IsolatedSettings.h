#pragma once

#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>

namespace Confab::Test {

// Points every QSettings of this test program at a temporary directory of its own, so the
// user's configuration is never touched and suites running in parallel (ctest -j) do not
// clear each other's settings. Construct it before any QSettings exists: as a member of the
// test object does.
class IsolatedSettings
{
public:
    IsolatedSettings()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
    }

    bool isValid() const { return m_dir.isValid() && store().fileName().startsWith(m_dir.path()); }

    // The store AppSettings reads and writes.
    static QSettings store()
    {
        return QSettings(QSettings::defaultFormat(), QSettings::UserScope, QStringLiteral("Confab"),
                         QStringLiteral("Confab"));
    }

private:
    QTemporaryDir m_dir;
};

} // namespace Confab::Test
