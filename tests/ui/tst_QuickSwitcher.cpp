#include "QuickSwitcher.h"
#include "Theme.h"
#include "model/ChannelListModel.h"

#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMainWindow>
#include <QPointer>
#include <QSignalSpy>
#include <QTest>

using namespace Confab;

namespace {

QString screenshotDir()
{
    const QString dir = qEnvironmentVariable("CONFAB_SCREENSHOT_DIR", QDir::currentPath());
    QDir().mkpath(dir);
    return dir;
}

} // namespace

class tst_QuickSwitcher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_channels = std::make_unique<ChannelListModel>();
        ChannelInfoList list;
        for (const char *name : {"general", "dev", "devops", "random", "big-engine", "design"}) {
            ChannelInfo info;
            info.name = QString::fromLatin1(name);
            list.append(info);
        }
        m_channels->setChannels(list);
        m_window = std::make_unique<QMainWindow>();
        m_window->setAccessibleName(QStringLiteral("Test window"));
        m_window->resize(900, 600);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        m_switcher =
            new QuickSwitcher(m_channels.get(), ChannelListModel::NameRole, m_window.get());
        m_switcher->show();
        QTRY_COMPARE(QApplication::activeWindow(), m_switcher);
        m_filter = m_switcher->findChild<QLineEdit *>(QStringLiteral("quickSwitcherFilter"));
        m_list = m_switcher->findChild<QListView *>(QStringLiteral("quickSwitcherList"));
        QVERIFY(m_filter);
        QVERIFY(m_list);
    }

    void cleanup()
    {
        delete m_switcher;
        m_switcher = nullptr;
        m_window.reset();
        m_channels.reset();
    }

    void showsEveryChannelBeforeTyping()
    {
        QCOMPARE(visibleNames(),
                 (QStringList{QStringLiteral("#big-engine"), QStringLiteral("#design"),
                              QStringLiteral("#dev"), QStringLiteral("#devops"),
                              QStringLiteral("#general"), QStringLiteral("#random")}));
        QCOMPARE(m_filter->placeholderText(), QuickSwitcher::tr("Jump to a channel or person…"));
        QVERIFY(m_filter->hasFocus());
    }

    void typingFiltersFuzzily()
    {
        QTest::keyClicks(m_filter, QStringLiteral("dv"));
        QCOMPARE(visibleNames(), (QStringList{QStringLiteral("#dev"), QStringLiteral("#devops")}));
        QTest::keyClick(m_filter, Qt::Key_Backspace);
        QTest::keyClicks(m_filter, QStringLiteral("sg"));
        QCOMPARE(visibleNames(), QStringList{QStringLiteral("#design")});
    }

    void enterChoosesTheBestMatch()
    {
        QSignalSpy chosen(m_switcher, &QuickSwitcher::channelChosen);
        QTest::keyClicks(m_filter, QStringLiteral("gen"));
        QCOMPARE(visibleNames().first(), QStringLiteral("#general"));
        QTest::keyClick(m_filter, Qt::Key_Return);
        QCOMPARE(chosen.count(), 1);
        QCOMPARE(chosen.first().first().toString(), QStringLiteral("general"));
        QVERIFY(!m_switcher->isVisible());
        QCOMPARE(m_switcher->result(), int(QDialog::Accepted));
    }

    void downThenEnterChoosesTheSecond()
    {
        QSignalSpy chosen(m_switcher, &QuickSwitcher::channelChosen);
        QTest::keyClicks(m_filter, QStringLiteral("dv"));
        QTest::keyClick(m_filter, Qt::Key_Down);
        // The selection moved; typing still goes to the filter.
        QCOMPARE(m_list->currentIndex().row(), 1);
        QVERIFY(m_filter->hasFocus());
        QTest::keyClick(m_filter, Qt::Key_Enter);
        QCOMPARE(chosen.count(), 1);
        QCOMPARE(chosen.first().first().toString(), QStringLiteral("devops"));
    }

    void upAndDownStopAtTheEnds()
    {
        QTest::keyClicks(m_filter, QStringLiteral("dv"));
        QTest::keyClick(m_filter, Qt::Key_Up);
        QCOMPARE(m_switcher->currentName(), QStringLiteral("dev"));
        for (int i = 0; i < 5; ++i)
            QTest::keyClick(m_filter, Qt::Key_Down);
        QCOMPARE(m_switcher->currentName(), QStringLiteral("devops"));
    }

    void escapeClosesWithoutChoosing()
    {
        QSignalSpy chosen(m_switcher, &QuickSwitcher::channelChosen);
        QTest::keyClicks(m_filter, QStringLiteral("gen"));
        QTest::keyClick(m_filter, Qt::Key_Escape);
        QVERIFY(!m_switcher->isVisible());
        QCOMPARE(m_switcher->result(), int(QDialog::Rejected));
        QCOMPARE(chosen.count(), 0);
    }

    void enterWithoutAMatchAndNoValidNameDoesNothing()
    {
        QSignalSpy chosen(m_switcher, &QuickSwitcher::channelChosen);
        QTest::keyClicks(m_filter, QStringLiteral("zz{z"));
        QCOMPARE(visibleNames(), QStringList());
        auto *empty = m_switcher->findChild<QLabel *>(QStringLiteral("quickSwitcherEmpty"));
        QCOMPARE(empty->text(), QStringLiteral("No channel matches"));
        QTest::keyClick(m_filter, Qt::Key_Return);
        QCOMPARE(chosen.count(), 0);
        QVERIFY(m_switcher->isVisible());
    }

    void enterWithoutAMatchJoinsTheNameTyped()
    {
        QSignalSpy chosen(m_switcher, &QuickSwitcher::channelChosen);
        QTest::keyClicks(m_filter, QStringLiteral("#zzz"));
        QCOMPARE(visibleNames(), QStringList());
        auto *empty = m_switcher->findChild<QLabel *>(QStringLiteral("quickSwitcherEmpty"));
        QVERIFY2(empty->text().contains(QStringLiteral("join or create #zzz")),
                 qPrintable(empty->text()));
        QTest::keyClick(m_filter, Qt::Key_Return);
        QCOMPARE(chosen.count(), 1);
        QCOMPARE(chosen.first().first().toString(), QStringLiteral("zzz"));
    }

    void clickingARowChoosesIt()
    {
        QSignalSpy chosen(m_switcher, &QuickSwitcher::channelChosen);
        QTest::keyClicks(m_filter, QStringLiteral("dv"));
        const QRect second = m_list->visualRect(m_list->model()->index(1, 0));
        QTest::mouseClick(m_list->viewport(), Qt::LeftButton, {}, second.center());
        QCOMPARE(chosen.count(), 1);
        QCOMPARE(chosen.first().first().toString(), QStringLiteral("devops"));
    }

    void reopeningStartsWithAnEmptyFilter()
    {
        QTest::keyClicks(m_filter, QStringLiteral("gen"));
        QTest::keyClick(m_filter, Qt::Key_Escape);
        m_switcher->show();
        QTRY_COMPARE(QApplication::activeWindow(), m_switcher);
        QCOMPARE(m_filter->text(), QString());
        QCOMPARE(visibleNames().size(), 6);
    }

    void channelsArrivingWhileOpenAreRankedIn()
    {
        QTest::keyClicks(m_filter, QStringLiteral("gen"));
        ChannelInfo info;
        info.name = QStringLiteral("gen");
        m_channels->upsertChannel(info);
        QCOMPARE(visibleNames().first(), QStringLiteral("#gen"));
        QCOMPARE(m_switcher->currentName(), QStringLiteral("general"));
    }

    void worksOnTheDisplayRoleToo()
    {
        QuickSwitcher switcher(m_channels.get(), Qt::DisplayRole, m_window.get());
        QSignalSpy chosen(&switcher, &QuickSwitcher::channelChosen);
        switcher.show();
        QTRY_COMPARE(QApplication::activeWindow(), &switcher);
        auto *filter = switcher.findChild<QLineEdit *>(QStringLiteral("quickSwitcherFilter"));
        QTest::keyClicks(filter, QStringLiteral("#rnd"));
        QTest::keyClick(filter, Qt::Key_Return);
        QCOMPARE(chosen.count(), 1);
        QCOMPARE(chosen.first().first().toString(), QStringLiteral("random")); // without '#'
    }

    void boxFitsTheMatches()
    {
        const int allRows = m_switcher->height();
        QTest::keyClicks(m_filter, QStringLiteral("dv"));
        QTRY_VERIFY(m_switcher->height() < allRows);
        const int twoRows = m_switcher->height();
        QCOMPARE(m_switcher->width(), 420);
        QTest::keyClicks(m_filter, QStringLiteral("zzz"));
        auto *empty = m_switcher->findChild<QLabel *>(QStringLiteral("quickSwitcherEmpty"));
        QVERIFY(empty);
        QVERIFY(empty->isVisible()); // "No channel matches"
        QVERIFY(!m_list->isVisible());
        QTest::keyClick(m_filter, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClick(m_filter, Qt::Key_Backspace);
        QTRY_COMPARE(m_switcher->height(), allRows);
        QVERIFY(twoRows < allRows);
    }

    void clickingElsewhereClosesIt()
    {
        QSignalSpy chosen(m_switcher, &QuickSwitcher::channelChosen);
        m_window->activateWindow();
        QTRY_VERIFY(!m_switcher->isVisible());
        QCOMPARE(m_switcher->result(), int(QDialog::Rejected));
        QCOMPARE(chosen.count(), 0);
    }

    void partsHaveAccessibleNames()
    {
        QVERIFY(!m_switcher->accessibleName().isEmpty());
        QVERIFY(!m_filter->accessibleName().isEmpty());
        QVERIFY(!m_list->accessibleName().isEmpty());
        QVERIFY(!m_switcher->findChild<QLabel *>(QStringLiteral("quickSwitcherEmpty"))
                     ->accessibleName()
                     .isEmpty());
    }

    void isCentredOverItsParent()
    {
        const QRect parent = m_window->geometry();
        const QRect box = m_switcher->geometry();
        QCOMPARE(box.width(), 420);
        QVERIFY(qAbs(box.center().x() - parent.center().x()) <= 1);
        QVERIFY(parent.contains(box));
    }

    // Under a real window manager (tests/ui/with-window-manager.sh runs this suite under
    // Openbox) a switcher opened and typed into at once ended at the screen's top-left corner
    // about one time in three. Each opening must end up over the window.
    void opensOverTheWindowEveryTime()
    {
        delete m_switcher;
        m_switcher = nullptr;
        QApplication::setActiveWindow(m_window.get());
        QTRY_VERIFY(m_window->isActiveWindow());
        const QRect window = m_window->frameGeometry();
        for (int i = 0; i < 10; ++i) {
            auto *switcher =
                new QuickSwitcher(m_channels.get(), ChannelListModel::NameRole, m_window.get());
            switcher->setAttribute(Qt::WA_DeleteOnClose);
            switcher->open();
            auto *filter = switcher->findChild<QLineEdit *>(QStringLiteral("quickSwitcherFilter"));
            QTest::keyClicks(filter, QStringLiteral("de"));
            QVERIFY(QTest::qWaitForWindowExposed(switcher));
            QTRY_VERIFY2_WITH_TIMEOUT(window.contains(switcher->frameGeometry().center()),
                                      qPrintable(QStringLiteral("opening %1 at %2,%3")
                                                     .arg(i)
                                                     .arg(switcher->frameGeometry().x())
                                                     .arg(switcher->frameGeometry().y())),
                                      5000);
            QPointer<QuickSwitcher> closing(switcher);
            switcher->reject();
            QTRY_VERIFY(!closing);
        }
    }

    void screenshots()
    {
        m_channels->addUnread(QStringLiteral("devops"), 3, false);
        m_channels->addUnread(QStringLiteral("dev"), 12, true);
        for (const auto &[theme, name] : {std::pair{AppSettings::Theme::Light, "light"},
                                          std::pair{AppSettings::Theme::Dark, "dark"}}) {
            Theme::apply(theme);
            m_filter->clear();
            QTest::keyClicks(m_filter, QStringLiteral("de"));
            QTest::keyClick(m_filter, Qt::Key_Down);
            // Palette changes reach existing windows through posted events.
            QTRY_COMPARE(m_switcher->palette().color(QPalette::Window),
                         QApplication::palette().color(QPalette::Window));
            QTRY_COMPARE(m_switcher->height(), m_switcher->sizeHint().height());
            const QString path =
                screenshotDir() + QStringLiteral("/quick-switcher-%1.png").arg(QLatin1String(name));
            QVERIFY(m_switcher->grab().save(path));
        }
        Theme::apply(AppSettings::Theme::System);
    }

private:
    QStringList visibleNames() const
    {
        QStringList names;
        for (int row = 0; row < m_list->model()->rowCount(); ++row)
            names.append(m_list->model()->index(row, 0).data().toString());
        return names;
    }

    std::unique_ptr<ChannelListModel> m_channels;
    std::unique_ptr<QMainWindow> m_window;
    QuickSwitcher *m_switcher = nullptr;
    QLineEdit *m_filter = nullptr;
    QListView *m_list = nullptr;
};

QTEST_MAIN(tst_QuickSwitcher)

#include "tst_QuickSwitcher.moc"
