#include "ShortcutsSheet.h"

#include "AppSettings.h"
#include "ShortcutTable.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QShortcut>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Confab {

namespace {

constexpr int IdRole = Qt::UserRole + 1;

} // namespace

ShortcutsSheet::ShortcutsSheet(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Keyboard shortcuts"));
    setAccessibleName(tr("Keyboard shortcuts"));

    auto *intro =
        new QLabel(tr("Every binding can be changed under Preferences › Shortcuts."), this);
    intro->setAccessibleName(tr("How to change shortcuts"));
    intro->setWordWrap(true);

    m_table = new QTreeWidget(this);
    m_table->setObjectName(QStringLiteral("shortcutsTable"));
    m_table->setAccessibleName(tr("Shortcuts"));
    m_table->setColumnCount(2);
    m_table->setHeaderLabels({tr("Action"), tr("Keys")});
    m_table->setRootIsDecorated(false);
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setFocusPolicy(Qt::NoFocus);
    m_table->setUniformRowHeights(true);
    m_table->setIndentation(0);
    m_table->header()->setStretchLastSection(true);
    m_table->header()->setSectionsMovable(false);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->button(QDialogButtonBox::Close)->setAccessibleName(tr("Close"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 16, 16, 12);
    layout->setSpacing(10);
    layout->addWidget(intro);
    layout->addWidget(m_table, 1);
    layout->addWidget(buttons);

    reload();
    // Tall enough to show every row without scrolling, on any screen that can take it.
    const int rows = m_table->topLevelItemCount();
    const int tableHeight = m_table->header()->sizeHint().height()
        + rows * (fontMetrics().height() + 10) + 2 * m_table->frameWidth() + 4;
    m_table->setMinimumHeight(qMin(tableHeight, 640));
    m_table->setMinimumWidth(m_table->columnWidth(0) + m_keysWidth + 40 + 2 * m_table->frameWidth()
                             + style()->pixelMetric(QStyle::PM_ScrollBarExtent));
}

void ShortcutsSheet::reload()
{
    m_table->clear();
    const AppSettings settings;
    // Rows with air around the text: the sheet is read, not clicked.
    const int rowHeight = fontMetrics().height() + 10;
    for (const ShortcutAction &action : ShortcutTable::actions()) {
        const QList<QKeySequence> keys = settings.keysFor(action.id);
        auto *item = new QTreeWidgetItem(m_table);
        item->setText(0, action.description);
        item->setText(1, keys.isEmpty() ? tr("(not bound)") : ShortcutTable::displayText(keys));
        item->setData(0, IdRole, action.id);
        item->setSizeHint(0, QSize(0, rowHeight));
        if (keys.isEmpty())
            item->setForeground(1, palette().brush(QPalette::Disabled, QPalette::Text));
    }
    // The message input's own keys, fixed (as in any text field), listed so that the sheet
    // holds every key there is.
    const QList<std::pair<QString, QString>> inputKeys{
        {tr("Send the message (in the input)"), tr("Enter")},
        {tr("New line in the message"), tr("Shift+Enter")},
        {tr("Previous or next message you sent"), tr("Up / Down (on the first or last line)")},
        {tr("Complete a name or #channel"), tr("Tab")},
        {tr("Scroll the log by a page"), tr("Page Up / Page Down")},
    };
    for (const auto &[description, keys] : inputKeys) {
        auto *item = new QTreeWidgetItem(m_table);
        item->setText(0, description);
        item->setText(1, keys);
        item->setSizeHint(0, QSize(0, rowHeight));
    }
    // Measured from the texts rather than resizeColumnToContents(), which needs a laid-out view.
    const QFontMetrics metrics(m_table->font());
    int descriptionWidth = 0;
    m_keysWidth = 0;
    for (int i = 0; i < m_table->topLevelItemCount(); ++i) {
        descriptionWidth =
            qMax(descriptionWidth, metrics.horizontalAdvance(m_table->topLevelItem(i)->text(0)));
        m_keysWidth =
            qMax(m_keysWidth, metrics.horizontalAdvance(m_table->topLevelItem(i)->text(1)));
    }
    m_table->setColumnWidth(0, descriptionWidth + 40);

    // The keys that open the sheet close it too, whatever they are now; Esc always does
    // (QDialog's own handling).
    qDeleteAll(m_closeShortcuts);
    m_closeShortcuts.clear();
    for (const QKeySequence &keys : settings.keysFor(QStringLiteral("shortcutsSheet"))) {
        auto *shortcut = new QShortcut(keys, this);
        connect(shortcut, &QShortcut::activated, this, &QDialog::reject);
        m_closeShortcuts.append(shortcut);
    }
}

QString ShortcutsSheet::keysShownFor(const QString &actionId) const
{
    for (int i = 0; i < m_table->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = m_table->topLevelItem(i);
        if (item->data(0, IdRole).toString() == actionId)
            return item->text(1);
    }
    return {};
}

} // namespace Confab
