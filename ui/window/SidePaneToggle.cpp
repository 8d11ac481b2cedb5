#include "SidePaneToggle.h"

#include <QAction>
#include <QSignalBlocker>
#include <QWidget>

namespace Confab {

SidePaneToggle::SidePaneToggle(QWidget *pane, QAction *action, int narrowWidth,
                               Preference preference, SavePreference save, QObject *parent)
    : QObject(parent)
    , m_pane(pane)
    , m_action(action)
    , m_narrowWidth(narrowWidth)
    , m_preference(std::move(preference))
    , m_save(std::move(save))
{
    m_action->setCheckable(true);
    connect(m_action, &QAction::toggled, this, &SidePaneToggle::onToggled);
    apply();
}

void SidePaneToggle::setWindowWidth(int width)
{
    const bool narrow = width < m_narrowWidth;
    if (narrow == m_narrow)
        return;
    m_narrow = narrow;
    m_narrowChoice.reset();
    apply();
}

void SidePaneToggle::onToggled(bool shown)
{
    if (m_narrow)
        m_narrowChoice = shown;
    else
        m_save(shown);
    apply();
}

void SidePaneToggle::apply()
{
    const bool shown = m_narrow ? m_narrowChoice.value_or(false) : m_preference();
    m_pane->setVisible(shown);
    const QSignalBlocker blocker(m_action);
    m_action->setChecked(shown);
}

} // namespace Confab
