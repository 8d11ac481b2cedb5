#pragma once

#include <QDialog>
#include <QList>

class QShortcut;
class QTreeWidget;

namespace Confab {

// The sheet of every keyboard shortcut (F1 or Ctrl+/): what each action does and the keys it
// is bound to now, after the user's rebinding, in the platform's notation (⌘ on macOS). The
// keys that opened it, or Esc, close it again.
class ShortcutsSheet : public QDialog
{
    Q_OBJECT
public:
    explicit ShortcutsSheet(QWidget *parent = nullptr);

    // Reads the bindings in force again, e.g. after the preferences changed.
    void reload();
    // The keys shown for an action, exactly as displayed.
    QString keysShownFor(const QString &actionId) const;

private:
    QTreeWidget *m_table = nullptr;
    QList<QShortcut *> m_closeShortcuts;
    int m_keysWidth = 0; // widest keys text, for the initial size
};

} // namespace Confab
