#include "ShortcutTable.h"

#include <QCoreApplication>

namespace Confab {

namespace {

QList<ShortcutAction> buildActions()
{
    // Strings are translated when the table is first used, which is after the application's
    // translators are installed (the table is never touched during static initialisation).
    auto tr = [](const char *text) {
        return QCoreApplication::translate("Confab::ShortcutTable", text);
    };
    // Ctrl is Cmd on macOS: QKeySequence maps Qt::CTRL to the Command key there.
    QList<ShortcutAction> actions{
        {QStringLiteral("quickSwitcher"),
         tr("Jump to a channel (quick switcher)"),
         {QKeySequence(Qt::CTRL | Qt::Key_K)}},
        {QStringLiteral("previousChannel"),
         tr("Previous channel"),
         {QKeySequence(Qt::ALT | Qt::Key_Up), QKeySequence(Qt::CTRL | Qt::Key_PageUp),
          // Shift+Tab arrives as Backtab, with or without the Shift modifier depending on the
          // platform, so Ctrl+Shift+Tab is bound both ways.
          QKeySequence(Qt::CTRL | Qt::Key_Backtab),
          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Backtab)}},
        {QStringLiteral("nextChannel"),
         tr("Next channel"),
         {QKeySequence(Qt::ALT | Qt::Key_Down), QKeySequence(Qt::CTRL | Qt::Key_PageDown),
          QKeySequence(Qt::CTRL | Qt::Key_Tab)}},
        // Ctrl+Shift+PgUp/PgDn first: free in stock GNOME, KDE Plasma, Xfce and Openbox.
        // Alt+Shift+Up/Down (Slack's and Element's) stay as alternatives: a stock Openbox
        // takes them for moving windows between desktops.
        {QStringLiteral("previousUnread"),
         tr("Previous channel with unread messages"),
         {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_PageUp),
          QKeySequence(Qt::ALT | Qt::SHIFT | Qt::Key_Up)}},
        {QStringLiteral("nextUnread"),
         tr("Next channel with unread messages"),
         {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_PageDown),
          QKeySequence(Qt::ALT | Qt::SHIFT | Qt::Key_Down), QKeySequence(Qt::ALT | Qt::Key_A)}},
    };
    for (int n = 1; n <= 9; ++n) {
        const auto digit = Qt::Key(Qt::Key_0 + n);
        actions.append(
            {ShortcutTable::channelActionId(n),
             QCoreApplication::translate("Confab::ShortcutTable", "Channel %1 in the list").arg(n),
             {QKeySequence(Qt::ALT | digit), QKeySequence(Qt::CTRL | digit)}});
    }
    actions += QList<ShortcutAction>{
        {QStringLiteral("markRead"),
         tr("Mark the current channel read"),
         {QKeySequence(Qt::Key_Escape)}},
        {QStringLiteral("search"),
         tr("Search in the current channel"),
         {QKeySequence(Qt::CTRL | Qt::Key_F)}},
        {QStringLiteral("joinChannel"),
         tr("Join or create a channel"),
         {QKeySequence(Qt::CTRL | Qt::Key_N)}},
        {QStringLiteral("people"),
         tr("Find people (the directory of everyone here)"),
         {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E)}},
        {QStringLiteral("serverOverview"),
         tr("Show or hide the server overview"),
         {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O)}},
        {QStringLiteral("shortcutsSheet"),
         tr("Show keyboard shortcuts"),
         {QKeySequence(Qt::Key_F1), QKeySequence(Qt::CTRL | Qt::Key_Slash)}},
        // Ctrl+, is the macOS standard (Cmd+,), and free everywhere else. The platform's
        // QKeySequence::Preferences is not used: it is empty on Windows and GNOME and would
        // make the table depend on the desktop the program runs under.
        {QStringLiteral("preferences"),
         tr("Preferences"),
         {QKeySequence(Qt::CTRL | Qt::Key_Comma)}},
        {QStringLiteral("quit"), tr("Quit"), {QKeySequence(Qt::CTRL | Qt::Key_Q)}},
    };
    return actions;
}

} // namespace

const QList<ShortcutAction> &ShortcutTable::actions()
{
    static const QList<ShortcutAction> table = buildActions();
    return table;
}

const ShortcutAction *ShortcutTable::find(const QString &id)
{
    for (const ShortcutAction &action : actions()) {
        if (action.id == id)
            return &action;
    }
    return nullptr;
}

QString ShortcutTable::channelActionId(int n)
{
    return QStringLiteral("channel%1").arg(n);
}

QString ShortcutTable::displayText(const QKeySequence &keys)
{
    if (keys.count() == 1 && keys[0].key() == Qt::Key_Backtab) {
        const QKeySequence pressed(
            QKeyCombination(keys[0].keyboardModifiers() | Qt::ShiftModifier, Qt::Key_Tab));
        return pressed.toString(QKeySequence::NativeText);
    }
    return keys.toString(QKeySequence::NativeText);
}

QString ShortcutTable::displayText(const QList<QKeySequence> &keys)
{
    QStringList texts;
    // Two bindings can read the same (Ctrl+Backtab and Ctrl+Shift+Backtab are both what
    // Ctrl+Shift+Tab sends): each is named once.
    for (const QKeySequence &sequence : keys) {
        const QString text = displayText(sequence);
        if (!texts.contains(text))
            texts.append(text);
    }
    return texts.join(QCoreApplication::translate("Confab::ShortcutTable", " or "));
}

} // namespace Confab
