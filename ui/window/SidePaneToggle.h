#pragma once

#include <QObject>

#include <functional>
#include <optional>

class QAction;
class QWidget;

namespace Confab {

// One side panel of the main window (the channel list, the member list) and the checkable
// action that shows it. In a window narrower than `narrowWidth` the panel steps aside for the
// log, and the action says so (unticked) instead of staying ticked and doing nothing; ticking
// it there shows the panel anyway, for as long as the window stays narrow. In a wide window
// the action is the saved preference.
class SidePaneToggle : public QObject
{
    Q_OBJECT
public:
    using Preference = std::function<bool()>;
    using SavePreference = std::function<void(bool)>;

    SidePaneToggle(QWidget *pane, QAction *action, int narrowWidth, Preference preference,
                   SavePreference save, QObject *parent = nullptr);

    // The window is now this wide.
    void setWindowWidth(int width);
    bool isNarrow() const { return m_narrow; }

private:
    void onToggled(bool shown);
    void apply();

    QWidget *m_pane;
    QAction *m_action;
    int m_narrowWidth;
    Preference m_preference;
    SavePreference m_save;
    bool m_narrow = false;
    // Chosen with the action while the window is narrow; forgotten when it widens.
    std::optional<bool> m_narrowChoice;
};

} // namespace Confab
