#pragma once

#include "AppSettings.h"

#include <QDialog>
#include <QHash>
#include <QKeySequence>
#include <QList>

class QCheckBox;
class QComboBox;
class QFontComboBox;
class QKeySequenceEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTabWidget;

namespace Confab {

// The preferences window: Appearance (theme, font, timestamp format with a live preview),
// Messages (scrollback, notifications) and Shortcuts (every ShortcutTable action, its primary
// key rebindable, with a reset). Nothing is written until OK; then AppSettings gets the new
// values and settingsChanged() tells the application to apply them.
//
// A key already bound to another action is refused on the spot, with a warning saying which
// action has it, so the table can never be saved with a key that does two things.
class PreferencesDialog : public QDialog
{
    Q_OBJECT
public:
    explicit PreferencesDialog(QWidget *parent = nullptr);

    // What OK would save for an action.
    QList<QKeySequence> pendingKeys(const QString &actionId) const
    {
        return m_keys.value(actionId);
    }
    // Makes `keys` the action's primary binding (an empty sequence removes the primary binding).
    // False, with the reason shown under the table, if another action uses it or it is a key
    // that types a character.
    bool setPrimaryKey(const QString &actionId, const QKeySequence &keys);
    // Back to the table's defaults; false (and why) if another action has taken one of them.
    bool resetKeys(const QString &actionId);
    // The warning under the shortcuts table; empty when there is none.
    QString shortcutWarning() const;

    void accept() override;

protected:
    void changeEvent(QEvent *event) override;

Q_SIGNALS:
    // Emitted after OK has written the settings.
    void settingsChanged();

private:
    QWidget *createAppearancePage();
    QWidget *createMessagesPage();
    QWidget *createShortcutsPage();
    void updateTimestampPreview();
    // Shows the pending bindings of one table row (without re-triggering edits).
    void showRow(int row);
    void showWarning(const QString &text);
    void updateWarningColour();
    // Id of the action other than `exceptId` whose pending bindings include `keys`.
    QString actionUsing(const QKeySequence &keys, const QString &exceptId) const;

    QTabWidget *m_tabs = nullptr;
    QComboBox *m_theme = nullptr;
    QFontComboBox *m_fontFamily = nullptr;
    QSpinBox *m_fontSize = nullptr;
    QLineEdit *m_timestampFormat = nullptr;
    QLabel *m_timestampPreview = nullptr;
    QSpinBox *m_scrollbackRows = nullptr;
    QCheckBox *m_notifications = nullptr;
    QSpinBox *m_idleAway = nullptr;
    QCheckBox *m_typingNotices = nullptr;
    QTableWidget *m_shortcutTable = nullptr;
    QLabel *m_shortcutWarning = nullptr;
    // Row i of the table is ShortcutTable::actions()[i].
    QList<QKeySequenceEdit *> m_keyEdits;
    QList<QPushButton *> m_resetButtons;
    QHash<QString, QList<QKeySequence>> m_keys;
    // What the font controls showed on opening: unchanged controls keep "system default".
    QString m_initialFontFamily;
    int m_initialFontSize = 0;
    AppSettings m_settings;
};

} // namespace Confab
