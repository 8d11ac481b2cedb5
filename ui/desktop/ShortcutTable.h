#pragma once

#include <QKeySequence>
#include <QList>
#include <QString>

namespace Confab {

// One thing the user can do from the keyboard: a stable id (the settings key and what code
// looks actions up by), what it does in words, and the keys it is bound to out of the box.
struct ShortcutAction
{
    QString id;
    QString description;
    QList<QKeySequence> defaults;
};

// Every application-wide keyboard shortcut, as data. Adding a shortcut means adding one row
// here and connecting its id where the action lives; the preferences page, the shortcuts sheet
// and the rebinding storage pick it up from this table. The bindings in force are
// AppSettings::keysFor(id), which falls back to these defaults.
class ShortcutTable
{
public:
    // In the order the shortcuts sheet and the preferences page list them. No key sequence is
    // bound to two actions.
    static const QList<ShortcutAction> &actions();
    // nullptr for an unknown id.
    static const ShortcutAction *find(const QString &id);

    // "channel1".."channel9": the id of the action that opens the Nth channel in the list.
    static QString channelActionId(int n);

    // How a binding is written for people: the platform's notation (⌘ on macOS), with Qt's
    // "Backtab" spelt as the keys actually pressed, Shift+Tab.
    static QString displayText(const QKeySequence &keys);
    // Several bindings, as alternatives: "F1 or Ctrl+/".
    static QString displayText(const QList<QKeySequence> &keys);
};

} // namespace Confab
