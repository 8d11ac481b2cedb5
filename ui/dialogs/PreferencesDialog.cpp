#include "PreferencesDialog.h"

#include "ShortcutTable.h"
#include "Theme.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFontComboBox>
#include <QFormLayout>
#include <QFrame>
#include <QHeaderView>
#include <QKeySequenceEdit>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QStyle>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Confab {

namespace {

enum ShortcutColumn { ActionColumn, KeyColumn, AlsoColumn, ResetColumn, ColumnCount };

// Shift+Tab reaches Qt as Backtab with or without the Shift flag, depending on where the
// sequence came from (the table says Ctrl+Backtab, a recorded key says Ctrl+Shift+Backtab).
// Both are the same keys on the keyboard, so they must count as the same binding.
QKeySequence normalized(const QKeySequence &keys)
{
    if (keys.count() != 1 || keys[0].key() != Qt::Key_Backtab)
        return keys;
    return QKeySequence(
        QKeyCombination(keys[0].keyboardModifiers() & ~Qt::ShiftModifier, Qt::Key_Backtab));
}

bool sameBinding(const QKeySequence &a, const QKeySequence &b)
{
    return normalized(a) == normalized(b);
}

// A key that produces text on its own (a letter, digit or symbol, possibly with Shift) would
// be stolen from the message input, so it cannot be a shortcut. F-keys, Esc, arrows etc. can.
bool typesCharacter(const QKeySequence &keys)
{
    if (keys.isEmpty())
        return false;
    const QKeyCombination first = keys[0];
    const Qt::KeyboardModifiers commandModifiers =
        Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier;
    if (first.keyboardModifiers() & commandModifiers)
        return false;
    const int key = first.key();
    return key == Qt::Key_Space || (key > Qt::Key_Space && key < Qt::Key_Escape);
}

QString nativeText(const QKeySequence &keys)
{
    return ShortcutTable::displayText(keys);
}

// Table row of an action: the table lists ShortcutTable::actions() in order.
int rowOf(const ShortcutAction *action)
{
    return int(action - ShortcutTable::actions().constData());
}

} // namespace

PreferencesDialog::PreferencesDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Preferences"));
    setAccessibleName(tr("Preferences"));

    for (const ShortcutAction &action : ShortcutTable::actions())
        m_keys.insert(action.id, m_settings.keysFor(action.id));

    m_tabs = new QTabWidget(this);
    m_tabs->setAccessibleName(tr("Preference pages"));
    m_tabs->setDocumentMode(false);
    m_tabs->addTab(createAppearancePage(), tr("Appearance"));
    m_tabs->addTab(createMessagesPage(), tr("Messages"));
    m_tabs->addTab(createShortcutsPage(), tr("Shortcuts"));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setAccessibleName(tr("Save preferences"));
    buttons->button(QDialogButtonBox::Cancel)->setAccessibleName(tr("Discard changes"));
    connect(buttons, &QDialogButtonBox::accepted, this, &PreferencesDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->setSpacing(12);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(buttons);
    resize(760, 580);
}

QWidget *PreferencesDialog::createAppearancePage()
{
    auto *page = new QWidget;
    page->setAccessibleName(tr("Appearance"));

    m_theme = new QComboBox(page);
    m_theme->setObjectName(QStringLiteral("themeCombo"));
    m_theme->setAccessibleName(tr("Theme"));
    m_theme->addItem(tr("Same as the system"), int(AppSettings::Theme::System));
    m_theme->addItem(tr("Light"), int(AppSettings::Theme::Light));
    m_theme->addItem(tr("Dark"), int(AppSettings::Theme::Dark));
    m_theme->setCurrentIndex(m_theme->findData(int(m_settings.theme())));

    const QFont appFont = QApplication::font();
    m_initialFontFamily =
        m_settings.fontFamily().isEmpty() ? appFont.family() : m_settings.fontFamily();
    m_initialFontSize = m_settings.fontSize() > 0
        ? m_settings.fontSize()
        : (appFont.pointSize() > 0 ? appFont.pointSize() : 10);
    m_fontFamily = new QFontComboBox(page);
    m_fontFamily->setObjectName(QStringLiteral("fontFamilyCombo"));
    m_fontFamily->setAccessibleName(tr("Font family"));
    m_fontFamily->setCurrentFont(QFont(m_initialFontFamily));
    // What the combo settled on (it may substitute a family it does not list).
    m_initialFontFamily = m_fontFamily->currentFont().family();
    m_fontSize = new QSpinBox(page);
    m_fontSize->setObjectName(QStringLiteral("fontSizeSpin"));
    m_fontSize->setAccessibleName(tr("Font size"));
    m_fontSize->setRange(6, 48);
    m_fontSize->setSuffix(tr(" pt"));
    m_fontSize->setValue(m_initialFontSize);
    auto *fontRow = new QHBoxLayout;
    fontRow->setSpacing(6);
    fontRow->addWidget(m_fontFamily, 1);
    fontRow->addWidget(m_fontSize);

    m_timestampFormat = new QLineEdit(m_settings.timestampFormat(), page);
    m_timestampFormat->setObjectName(QStringLiteral("timestampFormatEdit"));
    m_timestampFormat->setAccessibleName(tr("Timestamp format"));
    m_timestampFormat->setPlaceholderText(QStringLiteral("HH:mm"));
    m_timestampFormat->setToolTip(tr("HH hours, mm minutes, ss seconds, AP am/pm, "
                                     "yyyy-MM-dd the date; see QDateTime::toString"));
    m_timestampPreview = new QLabel(page);
    m_timestampPreview->setObjectName(QStringLiteral("timestampPreview"));
    m_timestampPreview->setAccessibleName(tr("Timestamp preview"));
    m_timestampPreview->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_timestampPreview->setForegroundRole(QPalette::Text); // it sits on a Base background
    connect(m_timestampFormat, &QLineEdit::textChanged, this,
            &PreferencesDialog::updateTimestampPreview);
    connect(m_fontFamily, &QFontComboBox::currentFontChanged, this,
            &PreferencesDialog::updateTimestampPreview);
    connect(m_fontSize, &QSpinBox::valueChanged, this, &PreferencesDialog::updateTimestampPreview);
    updateTimestampPreview();

    auto *hint = new QLabel(tr("The font is for messages and the text you type. Both settings "
                               "apply when you press OK."),
                            page);
    hint->setAccessibleName(tr("Note"));
    hint->setWordWrap(true);
    Theme::styleAsHint(hint);

    auto *form = new QFormLayout(page);
    form->setContentsMargins(16, 16, 16, 16);
    form->setVerticalSpacing(10);
    form->setHorizontalSpacing(12);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("&Theme:"), m_theme);
    // A layout as the field gets no buddy from QFormLayout; without one "&" shows literally.
    auto *fontLabel = new QLabel(tr("&Font:"), page);
    fontLabel->setBuddy(m_fontFamily);
    form->addRow(fontLabel, fontRow);
    form->addRow(tr("Time&stamps:"), m_timestampFormat);
    auto *previewFrame = new QFrame(page);
    previewFrame->setAccessibleName(tr("Preview"));
    previewFrame->setFrameShape(QFrame::StyledPanel);
    previewFrame->setBackgroundRole(QPalette::Base);
    previewFrame->setAutoFillBackground(true);
    auto *previewLayout = new QVBoxLayout(previewFrame);
    previewLayout->setContentsMargins(10, 8, 10, 8);
    previewLayout->addWidget(m_timestampPreview);
    form->addRow(tr("Preview:"), previewFrame);
    form->addRow(QString(), hint);
    return page;
}

QWidget *PreferencesDialog::createMessagesPage()
{
    auto *page = new QWidget;
    page->setAccessibleName(tr("Messages"));

    m_scrollbackRows = new QSpinBox(page);
    m_scrollbackRows->setObjectName(QStringLiteral("scrollbackSpin"));
    m_scrollbackRows->setAccessibleName(tr("Messages kept per channel"));
    m_scrollbackRows->setRange(AppSettings::MinScrollbackRows, AppSettings::MaxScrollbackRows);
    m_scrollbackRows->setSingleStep(500);
    m_scrollbackRows->setGroupSeparatorShown(true);
    m_scrollbackRows->setSuffix(tr(" messages"));
    m_scrollbackRows->setValue(m_settings.scrollbackRows());
    // A number, not a sentence: a full-width box would look like a text field.
    m_scrollbackRows->setMinimumWidth(m_scrollbackRows->sizeHint().width() + 24);
    m_scrollbackRows->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    auto *scrollbackHint = new QLabel(tr("Older messages are still in Redis; scrolling up "
                                         "loads them again."),
                                      page);
    scrollbackHint->setAccessibleName(tr("About scrollback"));
    scrollbackHint->setWordWrap(true);
    Theme::styleAsHint(scrollbackHint);

    m_notifications =
        new QCheckBox(tr("Show a desktop notification for mentions and direct messages"), page);
    m_notifications->setObjectName(QStringLiteral("notificationsCheck"));
    m_notifications->setAccessibleName(tr("Desktop notifications"));
    m_notifications->setChecked(m_settings.notificationsEnabled());

    m_idleAway = new QSpinBox(page);
    m_idleAway->setObjectName(QStringLiteral("idleAwaySpin"));
    m_idleAway->setAccessibleName(tr("Minutes without input before you show as away"));
    m_idleAway->setRange(0, 24 * 60);
    m_idleAway->setSuffix(tr(" min"));
    m_idleAway->setSpecialValueText(tr("Never"));
    m_idleAway->setValue(m_settings.idleAwayMinutes());
    m_idleAway->setMinimumWidth(m_idleAway->sizeHint().width() + 24);
    m_idleAway->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    auto *idleHint = new QLabel(tr("Without a key press or mouse move in Confab for this long, "
                                   "others see you away; you are back with the next one. "
                                   "/away and /back set it by hand."),
                                page);
    idleHint->setAccessibleName(tr("About away"));
    idleHint->setWordWrap(true);
    Theme::styleAsHint(idleHint);

    m_typingNotices =
        new QCheckBox(tr("Show when people are typing, and let them see when I am"), page);
    m_typingNotices->setObjectName(QStringLiteral("typingCheck"));
    m_typingNotices->setAccessibleName(tr("Typing notices"));
    m_typingNotices->setChecked(m_settings.typingNoticesEnabled());

    auto *form = new QFormLayout(page);
    form->setContentsMargins(16, 16, 16, 16);
    form->setVerticalSpacing(10);
    form->setHorizontalSpacing(12);
    form->addRow(tr("&Scrollback:"), m_scrollbackRows);
    form->addRow(QString(), scrollbackHint);
    form->addRow(tr("Notifications:"), m_notifications);
    form->addRow(tr("Typing:"), m_typingNotices);
    form->addRow(tr("&Away after:"), m_idleAway);
    form->addRow(QString(), idleHint);
    return page;
}

QWidget *PreferencesDialog::createShortcutsPage()
{
    auto *page = new QWidget;
    page->setAccessibleName(tr("Shortcuts"));

    const QList<ShortcutAction> &actions = ShortcutTable::actions();
    m_shortcutTable = new QTableWidget(int(actions.size()), ColumnCount, page);
    m_shortcutTable->setObjectName(QStringLiteral("shortcutTable"));
    m_shortcutTable->setAccessibleName(tr("Keyboard shortcuts"));
    m_shortcutTable->setHorizontalHeaderLabels(
        {tr("Action"), tr("Shortcut"), tr("Also"), QString()});
    m_shortcutTable->verticalHeader()->hide();
    m_shortcutTable->setSelectionMode(QAbstractItemView::NoSelection);
    m_shortcutTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_shortcutTable->setShowGrid(false);
    m_shortcutTable->setAlternatingRowColors(true);
    m_shortcutTable->setWordWrap(false);
    QHeaderView *header = m_shortcutTable->horizontalHeader();
    header->setSectionResizeMode(ActionColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(KeyColumn, QHeaderView::Fixed);
    header->setSectionResizeMode(AlsoColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ResetColumn, QHeaderView::ResizeToContents);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    header->setHighlightSections(false);
    m_shortcutTable->setColumnWidth(KeyColumn, 150);

    for (int row = 0; row < actions.size(); ++row) {
        const ShortcutAction &action = actions.at(row);
        auto *description = new QTableWidgetItem(action.description);
        m_shortcutTable->setItem(row, ActionColumn, description);
        m_shortcutTable->setItem(row, AlsoColumn, new QTableWidgetItem);

        auto *edit = new QKeySequenceEdit(m_shortcutTable);
        edit->setObjectName(QStringLiteral("keyEdit_") + action.id);
        edit->setAccessibleName(tr("Shortcut for %1").arg(action.description));
        edit->setClearButtonEnabled(true);
        // Acting on editingFinished, not keySequenceChanged: the latter also fires with an
        // empty sequence when recording starts, which is not the user's choice yet.
        connect(edit, &QKeySequenceEdit::editingFinished, this, [this, row, edit] {
            const QKeySequence typed = edit->keySequence();
            // One chord per binding: "Ctrl+K, Ctrl+S" chords are not used by anything here.
            const QKeySequence primary = typed.isEmpty() ? QKeySequence() : QKeySequence(typed[0]);
            setPrimaryKey(ShortcutTable::actions().at(row).id, primary);
            showRow(row);
        });
        m_keyEdits.append(edit);
        m_shortcutTable->setCellWidget(row, KeyColumn, edit);

        auto *reset = new QPushButton(tr("Reset"), m_shortcutTable);
        reset->setObjectName(QStringLiteral("reset_") + action.id);
        reset->setAccessibleName(tr("Reset shortcut for %1").arg(action.description));
        reset->setToolTip(tr("Back to %1")
                              .arg(action.defaults.isEmpty()
                                       ? tr("no shortcut")
                                       : nativeText(action.defaults.first())));
        reset->setAutoDefault(false);
        connect(reset, &QPushButton::clicked, this,
                [this, row] { resetKeys(ShortcutTable::actions().at(row).id); });
        m_resetButtons.append(reset);
        m_shortcutTable->setCellWidget(row, ResetColumn, reset);
        showRow(row);
    }
    const int rowHeight =
        qMax(m_keyEdits.value(0) ? m_keyEdits.first()->sizeHint().height() : 0,
             m_resetButtons.value(0) ? m_resetButtons.first()->sizeHint().height() : 0)
        + 6;
    m_shortcutTable->verticalHeader()->setDefaultSectionSize(rowHeight);
    m_shortcutTable->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    // Wide enough for the longest action name and the keys beside it: names were cut off.
    const QFontMetrics metrics(m_shortcutTable->font());
    int longestName = 0;
    int longestAlso = 0;
    for (int row = 0; row < m_shortcutTable->rowCount(); ++row) {
        longestName =
            qMax(longestName,
                 metrics.horizontalAdvance(m_shortcutTable->item(row, ActionColumn)->text()));
        longestAlso = qMax(
            longestAlso, metrics.horizontalAdvance(m_shortcutTable->item(row, AlsoColumn)->text()));
    }
    const int resetWidth = m_resetButtons.value(0) ? m_resetButtons.first()->sizeHint().width() : 0;
    m_shortcutTable->setMinimumWidth(longestName + 24 + 150 + longestAlso + 24 + resetWidth
                                     + 2 * m_shortcutTable->frameWidth()
                                     + style()->pixelMetric(QStyle::PM_ScrollBarExtent) + 8);

    m_shortcutWarning = new QLabel(page);
    m_shortcutWarning->setObjectName(QStringLiteral("shortcutWarning"));
    m_shortcutWarning->setAccessibleName(tr("Shortcut warning"));
    m_shortcutWarning->setWordWrap(true);
    m_shortcutWarning->setTextFormat(Qt::PlainText);
    m_shortcutWarning->hide();
    updateWarningColour();

    auto *hint = new QLabel(tr("Click a shortcut and press the new keys. Other bindings of "
                               "the same action stay as they are."),
                            page);
    hint->setAccessibleName(tr("How to change a shortcut"));
    hint->setWordWrap(true);
    Theme::styleAsHint(hint);

    auto *resetAll = new QPushButton(tr("Reset All"), page);
    resetAll->setObjectName(QStringLiteral("resetAllShortcuts"));
    resetAll->setAccessibleName(tr("Reset all shortcuts"));
    resetAll->setAutoDefault(false);
    connect(resetAll, &QPushButton::clicked, this, [this] {
        // The defaults never clash among themselves, so all of them can come back at once.
        const QList<ShortcutAction> &actions = ShortcutTable::actions();
        for (int row = 0; row < actions.size(); ++row) {
            m_keys[actions.at(row).id] = actions.at(row).defaults;
            showRow(row);
        }
        showWarning({});
    });
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(hint, 1);
    bottom->addWidget(resetAll, 0, Qt::AlignTop);

    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->setSpacing(8);
    layout->addWidget(m_shortcutTable, 1);
    layout->addWidget(m_shortcutWarning);
    layout->addLayout(bottom);
    return page;
}

void PreferencesDialog::updateTimestampPreview()
{
    const QString format = m_timestampFormat->text().trimmed();
    // A fixed afternoon time, so every field of the format shows something telling.
    const QDateTime sample(QDate::currentDate(), QTime(14, 5, 9));
    const QString shown =
        QLocale().toString(sample, format.isEmpty() ? QStringLiteral("HH:mm") : format);
    // A message line as the log will show it, in the chosen font: the preview covers both.
    m_timestampPreview->setText(tr("[%1]   alice   Release notes are up, have a look!").arg(shown));
    QFont font = m_fontFamily->currentFont();
    font.setPointSize(m_fontSize->value());
    m_timestampPreview->setFont(font);
}

void PreferencesDialog::showRow(int row)
{
    const ShortcutAction &action = ShortcutTable::actions().at(row);
    const QList<QKeySequence> keys = m_keys.value(action.id);
    QKeySequenceEdit *edit = m_keyEdits.at(row);
    {
        const QSignalBlocker blocker(edit);
        edit->setKeySequence(keys.value(0));
    }
    // Two bindings may read the same (Ctrl+Backtab and Ctrl+Shift+Backtab are both what
    // Ctrl+Shift+Tab sends): each is named once, and not again beside the primary key.
    QStringList others;
    const QString primary = keys.isEmpty() ? QString() : nativeText(keys.first());
    for (qsizetype i = 1; i < keys.size(); ++i) {
        const QString text = nativeText(keys.at(i));
        if (text != primary && !others.contains(text))
            others.append(text);
    }
    QTableWidgetItem *also = m_shortcutTable->item(row, AlsoColumn);
    also->setText(others.join(QStringLiteral(", ")));
    also->setData(Qt::AccessibleTextRole,
                  others.isEmpty() ? tr("no other keys") : others.join(tr(", ")));
    m_resetButtons.at(row)->setEnabled(keys != action.defaults);
}

void PreferencesDialog::changeEvent(QEvent *event)
{
    QDialog::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateWarningColour();
}

void PreferencesDialog::updateWarningColour()
{
    // An explicit colour does not follow theme changes by itself.
    if (!m_shortcutWarning)
        return; // a palette change during construction
    QPalette warningPalette = palette();
    warningPalette.setColor(QPalette::WindowText, Theme::errorTextColor(palette()));
    m_shortcutWarning->setPalette(warningPalette);
}

void PreferencesDialog::showWarning(const QString &text)
{
    m_shortcutWarning->setText(text.isEmpty() ? QString() : QStringLiteral("⚠ ") + text);
    m_shortcutWarning->setVisible(!text.isEmpty());
}

QString PreferencesDialog::shortcutWarning() const
{
    // isHidden(), not isVisible(): the warning stands while another page is showing too.
    return m_shortcutWarning->isHidden() ? QString() : m_shortcutWarning->text();
}

QString PreferencesDialog::actionUsing(const QKeySequence &keys, const QString &exceptId) const
{
    for (const ShortcutAction &action : ShortcutTable::actions()) {
        if (action.id == exceptId)
            continue;
        for (const QKeySequence &bound : m_keys.value(action.id)) {
            if (sameBinding(bound, keys))
                return action.id;
        }
    }
    return {};
}

bool PreferencesDialog::setPrimaryKey(const QString &actionId, const QKeySequence &keys)
{
    const ShortcutAction *action = ShortcutTable::find(actionId);
    if (!action)
        return false;
    const int row = rowOf(action);
    const QList<QKeySequence> current = m_keys.value(actionId);
    // Leaving an edit without typing finishes it too; that is no change, and must not clear
    // a warning the user has not read yet.
    if (current.value(0) == keys) {
        showRow(row);
        return true;
    }
    if (!keys.isEmpty()) {
        if (typesCharacter(keys)) {
            showWarning(tr("%1 types a character, so it cannot be a shortcut: add Ctrl or Alt.")
                            .arg(nativeText(keys)));
            showRow(row);
            return false;
        }
        const QString owner = actionUsing(keys, actionId);
        if (!owner.isEmpty()) {
            showWarning(tr("%1 is already used by “%2”. Choose other keys, or change that "
                           "action first.")
                            .arg(nativeText(keys), ShortcutTable::find(owner)->description));
            showRow(row);
            return false;
        }
    }
    // The new primary replaces the old one; the other bindings stay, minus the new keys if
    // they were among them (they would be listed twice).
    QList<QKeySequence> bindings = current.mid(1);
    bindings.removeIf([&keys](const QKeySequence &bound) { return sameBinding(bound, keys); });
    if (!keys.isEmpty())
        bindings.prepend(keys);
    m_keys.insert(actionId, bindings);
    showWarning({});
    showRow(row);
    return true;
}

bool PreferencesDialog::resetKeys(const QString &actionId)
{
    const ShortcutAction *action = ShortcutTable::find(actionId);
    if (!action)
        return false;
    const int row = rowOf(action);
    for (const QKeySequence &keys : action->defaults) {
        const QString owner = actionUsing(keys, actionId);
        if (!owner.isEmpty()) {
            showWarning(tr("Cannot reset: %1 is now used by “%2”. Change that action first.")
                            .arg(nativeText(keys), ShortcutTable::find(owner)->description));
            return false;
        }
    }
    m_keys.insert(actionId, action->defaults);
    showWarning({});
    showRow(row);
    return true;
}

void PreferencesDialog::accept()
{
    m_settings.setTheme(AppSettings::Theme(m_theme->currentData().toInt()));
    // Untouched font controls leave "the system's font" in place rather than freezing today's
    // system font into the settings.
    const QString family = m_fontFamily->currentFont().family();
    if (family != m_initialFontFamily || !m_settings.fontFamily().isEmpty())
        m_settings.setFontFamily(family);
    if (m_fontSize->value() != m_initialFontSize || m_settings.fontSize() > 0)
        m_settings.setFontSize(m_fontSize->value());
    m_settings.setTimestampFormat(m_timestampFormat->text().trimmed());
    m_settings.setScrollbackRows(m_scrollbackRows->value());
    m_settings.setNotificationsEnabled(m_notifications->isChecked());
    m_settings.setIdleAwayMinutes(m_idleAway->value());
    m_settings.setTypingNoticesEnabled(m_typingNotices->isChecked());
    for (const ShortcutAction &action : ShortcutTable::actions()) {
        const QList<QKeySequence> keys = m_keys.value(action.id);
        // Stored only when they differ, so a later release's new defaults reach everyone
        // who never changed that action.
        if (keys == action.defaults)
            m_settings.resetKeys(action.id);
        else
            m_settings.setKeysFor(action.id, keys);
    }
    m_settings.sync();
    Q_EMIT settingsChanged();
    QDialog::accept();
}

} // namespace Confab
