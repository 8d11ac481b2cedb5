#include "AppSettings.h"
#include "IsolatedSettings.h"
#include "PreferencesDialog.h"
#include "ShortcutTable.h"
#include "ShortcutsSheet.h"

#include <QKeySequenceEdit>
#include <QSet>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace Confab;
using namespace Confab::Test;

namespace {

QKeySequence keys(QKeyCombination combination)
{
    return QKeySequence(combination);
}

// The settings store AppSettings uses, read from the side.
} // namespace

class tst_Shortcuts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_settings.isValid(), qPrintable(IsolatedSettings::store().fileName()));
    }

    void init() { IsolatedSettings::store().clear(); }
    void cleanupTestCase() { IsolatedSettings::store().clear(); }

    void everyDesignBindingIsInTheTable_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QKeySequence>("keys");
        auto row = [](const char *id, QKeySequence keys) {
            QTest::addRow("%s %s", id, qPrintable(keys.toString(QKeySequence::PortableText)))
                << QString::fromLatin1(id) << keys;
        };
        row("quickSwitcher", keys(Qt::CTRL | Qt::Key_K));
        row("previousChannel", keys(Qt::ALT | Qt::Key_Up));
        row("previousChannel", keys(Qt::CTRL | Qt::Key_PageUp));
        row("previousChannel", keys(Qt::CTRL | Qt::Key_Backtab));
        row("nextChannel", keys(Qt::ALT | Qt::Key_Down));
        row("nextChannel", keys(Qt::CTRL | Qt::Key_PageDown));
        row("nextChannel", keys(Qt::CTRL | Qt::Key_Tab));
        row("previousUnread", keys(Qt::CTRL | Qt::SHIFT | Qt::Key_PageUp));
        row("previousUnread", keys(Qt::ALT | Qt::SHIFT | Qt::Key_Up));
        row("nextUnread", keys(Qt::CTRL | Qt::SHIFT | Qt::Key_PageDown));
        row("nextUnread", keys(Qt::ALT | Qt::SHIFT | Qt::Key_Down));
        row("nextUnread", keys(Qt::ALT | Qt::Key_A));
        for (int n = 1; n <= 9; ++n) {
            const QByteArray id = "channel" + QByteArray::number(n);
            row(id.constData(), keys(Qt::ALT | Qt::Key(Qt::Key_0 + n)));
            row(id.constData(), keys(Qt::CTRL | Qt::Key(Qt::Key_0 + n)));
        }
        row("markRead", keys(Qt::Key_Escape));
        row("search", keys(Qt::CTRL | Qt::Key_F));
        row("shortcutsSheet", keys(Qt::Key_F1));
        row("shortcutsSheet", keys(Qt::CTRL | Qt::Key_Slash));
        row("joinChannel", keys(Qt::CTRL | Qt::Key_N));
        row("preferences", keys(Qt::CTRL | Qt::Key_Comma));
        row("quit", keys(Qt::CTRL | Qt::Key_Q));
    }

    void everyDesignBindingIsInTheTable()
    {
        QFETCH(QString, id);
        QFETCH(QKeySequence, keys);
        const ShortcutAction *action = ShortcutTable::find(id);
        QVERIFY2(action, qPrintable(id));
        QVERIFY2(action->defaults.contains(keys),
                 qPrintable(QKeySequence::listToString(action->defaults)));
        QVERIFY(!action->description.isEmpty());
    }

    // The stock key bindings of the desktops Confab is used on (GNOME 43, KDE Plasma 5.27,
    // Xfce 4.18 and Openbox 3.6 as Debian 12 ships them): a key the desktop takes never
    // reaches the window. Every action's first key is free on all of them; alternatives may
    // be taken somewhere (Alt+Shift+Up/Down by Openbox), as long as one key always works.
    void firstKeysAreFreeOnEveryStockDesktop()
    {
        QList<QKeySequence> taken;
        for (Qt::Key arrow : {Qt::Key_Left, Qt::Key_Right, Qt::Key_Up, Qt::Key_Down}) {
            taken << keys(Qt::CTRL | Qt::ALT | arrow) // GNOME, Xfce, Openbox: workspaces
                  << keys(Qt::CTRL | Qt::ALT | Qt::SHIFT | arrow) // GNOME, Xfce: move window
                  << keys(Qt::ALT | Qt::SHIFT | arrow) // Openbox: send to desktop
                  << keys(Qt::META | arrow); // GNOME, KDE: tiling
        }
        for (int f = 1; f <= 12; ++f) {
            taken << keys(Qt::ALT | Qt::Key(Qt::Key_F1 + f - 1)) // window menu, run, close...
                  << keys(Qt::CTRL | Qt::Key(Qt::Key_F1 + f - 1)); // KDE, Xfce: desktop N
        }
        taken << keys(Qt::ALT | Qt::Key_Tab) << keys(Qt::ALT | Qt::SHIFT | Qt::Key_Tab)
              << keys(Qt::ALT | Qt::Key_Backtab) << keys(Qt::ALT | Qt::Key_Space)
              << keys(Qt::ALT | Qt::Key_Escape) << keys(Qt::ALT | Qt::Key_QuoteLeft)
              << keys(Qt::CTRL | Qt::Key_Escape) << keys(Qt::CTRL | Qt::ALT | Qt::Key_Delete)
              << keys(Qt::CTRL | Qt::ALT | Qt::Key_L) << keys(Qt::CTRL | Qt::ALT | Qt::Key_T)
              << keys(Qt::CTRL | Qt::ALT | Qt::Key_D) << keys(Qt::CTRL | Qt::ALT | Qt::Key_Escape)
              << keys(Qt::ALT | Qt::Key_Insert) << keys(Qt::ALT | Qt::Key_Delete)
              << keys(Qt::Key_Print);
        for (const ShortcutAction &action : ShortcutTable::actions()) {
            QVERIFY2(!action.defaults.isEmpty(), qPrintable(action.id));
            QVERIFY2(
                !taken.contains(action.defaults.first()),
                qPrintable(action.id + QStringLiteral(": ") + action.defaults.first().toString()));
        }
    }

    // The dialog names each key once (Ctrl+Shift+Tab was listed twice).
    void preferencesNameEachKeyOnce()
    {
        PreferencesDialog dialog;
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto *table = dialog.findChild<QTableWidget *>();
        QVERIFY(table);
        auto *tabs = dialog.findChild<QTabWidget *>();
        QVERIFY(tabs);
        for (int i = 0; i < tabs->count(); ++i) {
            if (tabs->widget(i)->isAncestorOf(table))
                tabs->setCurrentIndex(i);
        }
        QTRY_VERIFY(table->isVisible());
        // And each action's name fits its column (they were cut off).
        for (int row = 0; row < table->rowCount(); ++row) {
            const QString name = table->item(row, 0)->text();
            QVERIFY2(table->columnWidth(0) >= table->fontMetrics().horizontalAdvance(name),
                     qPrintable(name));
        }
        for (int row = 0; row < table->rowCount(); ++row) {
            const QStringList also =
                table->item(row, 2)->text().split(QStringLiteral(", "), Qt::SkipEmptyParts);
            QCOMPARE(QSet<QString>(also.cbegin(), also.cend()).size(), also.size());
            const auto *edit = qobject_cast<QKeySequenceEdit *>(table->cellWidget(row, 1));
            QVERIFY(edit);
            QVERIFY2(!also.contains(ShortcutTable::displayText(edit->keySequence())),
                     qPrintable(table->item(row, 0)->text()));
        }
    }

    void noKeySequenceIsBoundTwice()
    {
        QHash<QString, QString> owner;
        QSet<QString> ids;
        for (const ShortcutAction &action : ShortcutTable::actions()) {
            QVERIFY2(!ids.contains(action.id), qPrintable(action.id));
            ids.insert(action.id);
            QVERIFY2(!action.defaults.isEmpty(), qPrintable(action.id));
            for (const QKeySequence &sequence : action.defaults) {
                const QString text = sequence.toString(QKeySequence::PortableText);
                QVERIFY2(!owner.contains(text),
                         qPrintable(text + QStringLiteral(": ") + owner.value(text)
                                    + QStringLiteral(" and ") + action.id));
                owner.insert(text, action.id);
            }
        }
        // 5 navigation actions, 9 channels, 8 others.
        QCOMPARE(ShortcutTable::actions().size(), 22);
    }

    void backtabIsShownAsTheKeysPressed()
    {
        const QString text = ShortcutTable::displayText(keys(Qt::CTRL | Qt::Key_Backtab));
        QCOMPARE(text, keys(Qt::CTRL | Qt::SHIFT | Qt::Key_Tab).toString(QKeySequence::NativeText));
        QVERIFY(!text.contains(QLatin1String("Backtab")));
        QCOMPARE(ShortcutTable::displayText(
                     QList<QKeySequence>{keys(Qt::Key_F1), keys(Qt::CTRL | Qt::Key_Slash)}),
                 keys(Qt::Key_F1).toString(QKeySequence::NativeText) + QStringLiteral(" or ")
                     + keys(Qt::CTRL | Qt::Key_Slash).toString(QKeySequence::NativeText));
    }

    void findReturnsNullForAnUnknownId()
    {
        QVERIFY(!ShortcutTable::find(QStringLiteral("noSuchAction")));
        QCOMPARE(ShortcutTable::find(QStringLiteral("search"))->id, QStringLiteral("search"));
    }

    void defaultsApplyUntilRebound()
    {
        const AppSettings settings;
        QCOMPARE(settings.keysFor(QStringLiteral("search")),
                 QList<QKeySequence>{keys(Qt::CTRL | Qt::Key_F)});
        QVERIFY(!settings.hasCustomKeys(QStringLiteral("search")));
        QVERIFY(settings.keysFor(QStringLiteral("noSuchAction")).isEmpty());
    }

    void rebindingPersistsInSettings()
    {
        const QList<QKeySequence> rebound{keys(Qt::CTRL | Qt::SHIFT | Qt::Key_F), keys(Qt::Key_F3)};
        {
            AppSettings settings;
            settings.setKeysFor(QStringLiteral("search"), rebound);
            settings.sync();
        }
        const AppSettings reread;
        QCOMPARE(reread.keysFor(QStringLiteral("search")), rebound);
        QVERIFY(reread.hasCustomKeys(QStringLiteral("search")));
        // Stored readably, in the portable notation.
        QCOMPARE(IsolatedSettings::store().value(QStringLiteral("shortcuts/search")).toStringList(),
                 (QStringList{QStringLiteral("Ctrl+Shift+F"), QStringLiteral("F3")}));
        // Other actions keep their defaults.
        QCOMPARE(reread.keysFor(QStringLiteral("quickSwitcher")),
                 QList<QKeySequence>{keys(Qt::CTRL | Qt::Key_K)});
    }

    void bindingsWithPunctuationSurviveStorage()
    {
        const QList<QKeySequence> rebound{keys(Qt::CTRL | Qt::Key_Comma),
                                          keys(Qt::CTRL | Qt::Key_Semicolon)};
        AppSettings().setKeysFor(QStringLiteral("preferences"), rebound);
        QCOMPARE(AppSettings().keysFor(QStringLiteral("preferences")), rebound);
        const QList<QKeySequence> single{keys(Qt::ALT | Qt::Key_Comma)};
        AppSettings().setKeysFor(QStringLiteral("preferences"), single);
        QCOMPARE(AppSettings().keysFor(QStringLiteral("preferences")), single);
    }

    void anEmptyBindingStaysUnbound()
    {
        AppSettings().setKeysFor(QStringLiteral("markRead"), {});
        const AppSettings reread;
        QVERIFY(reread.keysFor(QStringLiteral("markRead")).isEmpty());
        QVERIFY(reread.hasCustomKeys(QStringLiteral("markRead")));
    }

    void resetRestoresTheDefault()
    {
        AppSettings settings;
        settings.setKeysFor(QStringLiteral("quit"), {keys(Qt::CTRL | Qt::SHIFT | Qt::Key_Q)});
        QCOMPARE(settings.keysFor(QStringLiteral("quit")),
                 QList<QKeySequence>{keys(Qt::CTRL | Qt::SHIFT | Qt::Key_Q)});
        settings.resetKeys(QStringLiteral("quit"));
        QCOMPARE(AppSettings().keysFor(QStringLiteral("quit")),
                 QList<QKeySequence>{keys(Qt::CTRL | Qt::Key_Q)});
        QVERIFY(!AppSettings().hasCustomKeys(QStringLiteral("quit")));
        QVERIFY(!IsolatedSettings::store().contains(QStringLiteral("shortcuts/quit")));
    }

    void sheetListsEveryActionWithItsDefaultKeys()
    {
        ShortcutsSheet sheet;
        for (const ShortcutAction &action : ShortcutTable::actions())
            QCOMPARE(sheet.keysShownFor(action.id), ShortcutTable::displayText(action.defaults));
        QVERIFY(sheet.keysShownFor(QStringLiteral("nextChannel"))
                    .contains(keys(Qt::CTRL | Qt::Key_Tab).toString(QKeySequence::NativeText)));
        // The input's own keys are there too.
        auto *table = sheet.findChild<QTreeWidget *>(QStringLiteral("shortcutsTable"));
        QVERIFY(table);
        QStringList shown;
        for (int i = 0; i < table->topLevelItemCount(); ++i)
            shown << table->topLevelItem(i)->text(1);
        for (const char *key : {"Shift+Enter", "Up / Down", "Tab", "Page Up / Page Down"}) {
            QVERIFY2(std::any_of(shown.cbegin(), shown.cend(),
                                 [key](const QString &text) {
                                     return text.startsWith(QLatin1String(key));
                                 }),
                     key);
        }
    }

    void sheetShowsTheReboundKeys()
    {
        AppSettings().setKeysFor(QStringLiteral("quickSwitcher"), {keys(Qt::CTRL | Qt::Key_J)});
        ShortcutsSheet sheet;
        QCOMPARE(sheet.keysShownFor(QStringLiteral("quickSwitcher")),
                 keys(Qt::CTRL | Qt::Key_J).toString(QKeySequence::NativeText));

        // reload() picks up a change made while the sheet exists.
        AppSettings().resetKeys(QStringLiteral("quickSwitcher"));
        AppSettings().setKeysFor(QStringLiteral("search"), {});
        sheet.reload();
        QCOMPARE(sheet.keysShownFor(QStringLiteral("quickSwitcher")),
                 keys(Qt::CTRL | Qt::Key_K).toString(QKeySequence::NativeText));
        QCOMPARE(sheet.keysShownFor(QStringLiteral("search")), ShortcutsSheet::tr("(not bound)"));
    }

    void sheetClosesOnF1AndEscape_data()
    {
        QTest::addColumn<int>("key");
        QTest::newRow("F1") << int(Qt::Key_F1);
        QTest::newRow("Esc") << int(Qt::Key_Escape);
    }

    void sheetClosesOnF1AndEscape()
    {
        QFETCH(int, key);
        ShortcutsSheet sheet;
        sheet.show();
        QVERIFY(QTest::qWaitForWindowActive(&sheet));
        QTest::keyClick(&sheet, Qt::Key(key));
        QTRY_VERIFY(!sheet.isVisible());
        QCOMPARE(sheet.result(), int(QDialog::Rejected));
    }

    void sheetClosesOnTheReboundOpeningKeys()
    {
        AppSettings().setKeysFor(QStringLiteral("shortcutsSheet"), {keys(Qt::Key_F2)});
        ShortcutsSheet sheet;
        sheet.show();
        QVERIFY(QTest::qWaitForWindowActive(&sheet));
        QTest::keyClick(&sheet, Qt::Key_F1);
        QVERIFY(sheet.isVisible()); // F1 is no longer the sheet's key
        QTest::keyClick(&sheet, Qt::Key_F2);
        QTRY_VERIFY(!sheet.isVisible());
    }

private:
    IsolatedSettings m_settings;
};

QTEST_MAIN(tst_Shortcuts)

#include "tst_Shortcuts.moc"
