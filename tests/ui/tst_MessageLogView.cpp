#include "AuthorColors.h"
#include "ColorContrast.h"
#include "LinkFinder.h"
#include "MessageDelegate.h"
#include "MessageLogView.h"
#include "Theme.h"

#include "model/MessageLogModel.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QElapsedTimer>
#include <QGlyphRun>
#include <QLocale>
#include <QMainWindow>
#include <QMenu>
#include <QRandomGenerator>
#include <QRawFont>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStyle>
#include <QStyleFactory>
#include <QTest>
#include <QTextLayout>
#include <QToolButton>

using namespace Confab;

namespace {

const QString Channel = QStringLiteral("dev");

// Today 09:00 local time: ids in the tests are minutes after it.
quint64 morning()
{
    return quint64(QDateTime(QDate::currentDate(), QTime(9, 0)).toMSecsSinceEpoch());
}

ChatMessage message(quint64 ms, const QString &from, const QString &text,
                    ChatMessage::Type type = ChatMessage::Type::Message)
{
    ChatMessage m;
    m.id = StreamId{ms, 0};
    m.channel = Channel;
    m.from = from;
    m.text = text;
    m.type = type;
    return m;
}

// `count` messages a second apart starting at `first`, alternating authors so that rows are
// not grouped. Some are long enough to wrap, some of those in unusually wide or narrow
// letters, so that a height estimated from the length is off.
ChatMessageList conversation(quint64 first, int count)
{
    static const QStringList authors = {QStringLiteral("alice"), QStringLiteral("bob"),
                                        QStringLiteral("carol")};
    ChatMessageList list;
    for (int i = 0; i < count; ++i) {
        QString text = QStringLiteral("message number %1").arg(i);
        if (i % 7 == 3)
            text += QStringLiteral(" that goes on").repeated(30);
        else if (i % 11 == 5)
            text += QStringLiteral(" WMWMWMWM").repeated(20);
        else if (i % 13 == 6)
            text += QStringLiteral(" il").repeated(100);
        list.append(message(first + quint64(i) * 1000, authors.at(i % 3), text));
    }
    return list;
}

// The palettes the application itself uses, so what is checked here is what users see.
QPalette lightPalette()
{
    return Theme::lightPalette();
}

QPalette darkPalette()
{
    return Theme::darkPalette();
}

QString clockOf(quint64 ms)
{
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(qint64(ms)), QStringLiteral("HH:mm"));
}

} // namespace

class tst_MessageLogView : public QObject
{
    Q_OBJECT

    // A shown view of `model`, laid out and at rest.
    std::unique_ptr<MessageLogView> showView(MessageLogModel *model, QSize size = QSize(500, 300))
    {
        auto view = std::make_unique<MessageLogView>();
        view->setOpenLinks(false);
        view->resize(size);
        view->setLogModel(model);
        view->show();
        if (!QTest::qWaitForWindowExposed(view.get()))
            return nullptr;
        view->grab(); // paints once, as a real window would
        return view;
    }

    static bool atBottom(const MessageLogView &view)
    {
        // visualRect() runs a layout still pending after a model change; the scroll range is
        // only current after it.
        view.visualRect(view.model()->index(0, 0));
        const QScrollBar *bar = view.verticalScrollBar();
        return bar->value() == bar->maximum();
    }

    // Scrolls as a reader would: through the scroll bar, not by re-laying out.
    static void scrollTo(MessageLogView &view, int value)
    {
        view.verticalScrollBar()->setValue(value);
    }

    // The viewport point before character `offset` of the row's text, half-way down its line.
    static QPoint textPoint(const MessageLogView &view, int row, int offset)
    {
        const QModelIndex index = view.model()->index(row, 0);
        const QRect cursor =
            view.messageDelegate()->cursorRect(index, view.visualRect(index), offset);
        return QPoint(cursor.x(), cursor.center().y());
    }

    // A drag with the left button, as a hand makes it: press, moves on the way, release.
    static void drag(MessageLogView &view, QPoint from, QPoint to)
    {
        QWidget *viewport = view.viewport();
        QTest::mousePress(viewport, Qt::LeftButton, {}, from);
        QTest::mouseMove(viewport, from + (to - from) / 3);
        QTest::mouseMove(viewport, to);
        QTest::mouseRelease(viewport, Qt::LeftButton, {}, to);
    }

    static QString copied(MessageLogView &view)
    {
        QGuiApplication::clipboard()->clear();
        QTest::keySequence(&view, QKeySequence::Copy);
        return QGuiApplication::clipboard()->text();
    }

    // How many pixels of `rect` in the viewport are painted in the palette's Highlight.
    static int highlightedPixels(MessageLogView &view, const QRect &rect)
    {
        const QImage image = view.viewport()->grab().toImage();
        const QRgb highlight = view.palette().color(QPalette::Active, QPalette::Highlight).rgb();
        int count = 0;
        for (int y = rect.top(); y <= rect.bottom(); ++y) {
            for (int x = rect.left(); x <= rect.right(); ++x)
                count += image.pixel(x, y) == highlight;
        }
        return count;
    }

    // Where the characters [from, to) of a one-line row are drawn, less a pixel at each side.
    static QRect textRect(const MessageLogView &view, int row, int from, int to)
    {
        const QModelIndex index = view.model()->index(row, 0);
        const QRect rowRect = view.visualRect(index);
        const QRect a = view.messageDelegate()->cursorRect(index, rowRect, from);
        const QRect b = view.messageDelegate()->cursorRect(index, rowRect, to);
        return QRect(QPoint(a.x() + 1, a.top()), QPoint(b.x() - 2, b.bottom()));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setStyle(QStringLiteral("Fusion"));
        QApplication::setPalette(lightPalette());
    }

    void init()
    {
        // The row cache recovers from losing step with the model, but must never need to.
        QTest::failOnWarning(QRegularExpression(QStringLiteral("out of step")));
    }

    void cleanup() { QApplication::setPalette(lightPalette()); }

    // --- text ------------------------------------------------------------------------------

    // A right-to-left override would make "gnp.exe" read "exe.png", an isolate or embedding
    // would reorder the row: they are shown as "[U+202E]", not obeyed. A right-to-left name
    // in "* name text" or "name set the topic" is isolated from the words around it.
    void bidiControlsAreShownNotObeyed()
    {
        MessageLogModel model(Channel);
        const QString arabic = QStringLiteral("\u0633\u0627\u0631\u0629");
        model.appendMessages(
            {message(morning(), QStringLiteral("alice"), QStringLiteral("open \u202egnp.exe")),
             message(morning() + 1000, arabic, QStringLiteral("waves \u2066"),
                     ChatMessage::Type::Action),
             message(morning() + 2000, arabic, QStringLiteral("12 \u202b34"),
                     ChatMessage::Type::Topic)});
        auto view = showView(&model);
        QVERIFY(view);
        const auto text = [&](int row) {
            return view->messageDelegate()->layoutText(view->model()->index(row, 0));
        };
        QCOMPARE(text(0), QStringLiteral("open [U+202E]gnp.exe"));
        QCOMPARE(text(1),
                 QStringLiteral("* \u2068") + arabic + QStringLiteral("\u2069 waves [U+2066]"));
        QVERIFY2(text(2).contains(QStringLiteral("\u2068") + arabic + QStringLiteral("\u2069"))
                     && text(2).contains(QStringLiteral("\u206812 [U+202B]34\u2069")),
                 qPrintable(text(2)));
        // Copying gives what was shown, without the invisible isolates.
        view->selectAll();
        QVERIFY(!view->selectedText().contains(QChar(0x2068)));
    }

    // No scroll bar while there is nothing to scroll (an empty log showed one), and the rows
    // keep their width when it appears.
    void theScrollBarShowsOnlyWhenThereIsSomethingToScroll()
    {
        MessageLogModel model(Channel);
        auto view = showView(&model);
        QVERIFY(view);
        QTRY_VERIFY(!view->verticalScrollBar()->isVisible());
        const int width = view->viewport()->width();
        model.appendMessages(conversation(morning(), 3));
        QTRY_VERIFY(!view->verticalScrollBar()->isVisible());
        QCOMPARE(view->viewport()->width(), width);
        model.appendMessages(conversation(morning() + 10000, 200));
        QTRY_VERIFY(view->verticalScrollBar()->isVisible());
        QCOMPARE(view->viewport()->width(), width);
    }

    // Emoji are drawn from a colour emoji font (the package depends on one), not as boxes.
    void emojiHaveAGlyph()
    {
        MessageLogModel model(Channel);
        const QString text = QStringLiteral("ok \U0001F44D \U0001F389");
        model.appendMessages({message(morning(), QStringLiteral("alice"), text)});
        auto view = showView(&model);
        QVERIFY(view);
        QTextLayout layout(view->messageDelegate()->layoutText(view->model()->index(0, 0)),
                           view->font());
        layout.beginLayout();
        layout.createLine();
        layout.endLayout();
        bool emojiFont = false;
        for (const QGlyphRun &run : layout.glyphRuns()) {
            for (const quint32 glyph : run.glyphIndexes())
                QVERIFY2(glyph != 0, qPrintable(run.rawFont().familyName())); // 0: a box
            emojiFont = emojiFont || run.rawFont().familyName().contains(QStringLiteral("Emoji"));
        }
        QVERIFY2(emojiFont, "no colour emoji font found: packaging/setup.sh installs one");
    }

    void markupIsShownLiterally()
    {
        MessageLogModel model(Channel);
        const QString html = QStringLiteral("<b>x</b> &amp; <a href=\"https://evil\">y</a>");
        model.appendMessages({message(morning(), QStringLiteral("alice"), html)});
        auto view = showView(&model);
        QVERIFY(view);
        const QModelIndex index = view->model()->index(0, 0);
        QCOMPARE(view->messageDelegate()->layoutText(index), html);
        QVERIFY(index.data(Qt::DisplayRole).toString().contains(QStringLiteral("<b>")));
        // Nothing in the markup makes a link: only the URL in the (literal) text is one, and
        // the quote after it ends it.
        const QList<QRect> links =
            view->messageDelegate()->linkRects(index, view->visualRect(index));
        QCOMPARE(links.size(), 1);
        QCOMPARE(view->linkAt(links.first().center()), QUrl(QStringLiteral("https://evil")));
    }

    void linkFinderFindsWebLinks_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("urls");

        const auto urls = [](std::initializer_list<const char *> list) {
            QStringList result;
            for (const char *url : list)
                result.append(QString::fromUtf8(url));
            return result;
        };
        QTest::newRow("sentence end")
            << QStringLiteral("see https://example.com/a.") << urls({"https://example.com/a"});
        QTest::newRow("comma and bang") << QStringLiteral("a http://x.org, b https://y.org/p?q=1!")
                                        << urls({"http://x.org", "https://y.org/p?q=1"});
        QTest::newRow("in parentheses")
            << QStringLiteral("(see https://x.org/docs).") << urls({"https://x.org/docs"});
        QTest::newRow("balanced parentheses")
            << QStringLiteral("(https://en.wikipedia.org/wiki/C_(language))")
            << urls({"https://en.wikipedia.org/wiki/C_(language)"});
        QTest::newRow("markdown") << QStringLiteral("[docs](https://x.org/y)")
                                  << urls({"https://x.org/y"});
        QTest::newRow("angle brackets")
            << QStringLiteral("<https://x.org/a>") << urls({"https://x.org/a"});
        QTest::newRow("quoted") << QStringLiteral("'https://x.org/it'")
                                << urls({"https://x.org/it"});
        QTest::newRow("upper case")
            << QStringLiteral("HTTPS://EXAMPLE.COM/Path") << urls({"https://example.com/Path"});
        QTest::newRow("query and fragment")
            << QStringLiteral("go https://ci.example.com/b?branch=main&n=2#log now")
            << urls({"https://ci.example.com/b?branch=main&n=2#log"});
        QTest::newRow("other schemes")
            << QStringLiteral("ftp://x.org javascript:alert(1) file:///etc/passwd mailto:a@b.c")
            << QStringList();
        QTest::newRow("glued to a word") << QStringLiteral("xhttp://x.org") << QStringList();
        QTest::newRow("no host") << QStringLiteral("https:// and http://") << QStringList();
        QTest::newRow("plain text") << QStringLiteral("no links here.") << QStringList();
    }

    void linkFinderFindsWebLinks()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, urls);
        QStringList found;
        for (const LinkFinder::Link &link : LinkFinder::find(text)) {
            found.append(link.url.toString());
            // The range covers exactly the URL's text.
            QCOMPARE(QUrl(text.mid(link.start, link.length)).toString(), link.url.toString());
        }
        QCOMPARE(found, urls);
    }

    void linkFinderGivesTextRanges()
    {
        const QList<LinkFinder::Link> links =
            LinkFinder::find(QStringLiteral("see https://example.com/a. or (http://b.org)"));
        QCOMPARE(links.size(), 2);
        QCOMPARE(links.at(0).start, 4);
        QCOMPARE(links.at(0).length, 21);
        QCOMPARE(links.at(1).start, 31);
        QCOMPARE(links.at(1).length, 12);
    }

    void clickingALinkEmitsLinkActivated()
    {
        MessageLogModel model(Channel);
        model.appendMessages(
            {message(morning(), QStringLiteral("alice"),
                     QStringLiteral("the build is at https://ci.example.com/b/42, have a look"))});
        auto view = showView(&model);
        QVERIFY(view);
        QSignalSpy activated(view.get(), &MessageLogView::linkActivated);
        const QModelIndex index = view->model()->index(0, 0);
        const QList<QRect> links =
            view->messageDelegate()->linkRects(index, view->visualRect(index));
        QCOMPARE(links.size(), 1);
        QVERIFY(view->viewport()->rect().contains(links.first()));
        QCOMPARE(view->linkAt(links.first().center()),
                 QUrl(QStringLiteral("https://ci.example.com/b/42")));

        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, links.first().center());
        QCOMPARE(activated.size(), 1);
        QCOMPARE(activated.first().first().toUrl(),
                 QUrl(QStringLiteral("https://ci.example.com/b/42")));
        // A click on a link opens it; it does not select the message.
        QVERIFY(!view->selectionModel()->hasSelection());
    }

    void theCursorBecomesAHandOverLinks()
    {
        MessageLogModel model(Channel);
        model.appendMessages({message(morning(), QStringLiteral("alice"),
                                      QStringLiteral("see https://example.com/x please"))});
        auto view = showView(&model);
        QVERIFY(view);
        const QModelIndex index = view->model()->index(0, 0);
        const QRect link =
            view->messageDelegate()->linkRects(index, view->visualRect(index)).first();
        QTest::mouseMove(view->viewport(), link.center());
        QTRY_COMPARE(view->viewport()->cursor().shape(), Qt::PointingHandCursor);
        QTest::mouseMove(view->viewport(), QPoint(link.right() + 60, link.center().y()));
        QTRY_COMPARE(view->viewport()->cursor().shape(), Qt::ArrowCursor);
    }

    void clickingBesideALinkSelectsTheMessage()
    {
        MessageLogModel model(Channel);
        model.appendMessages({message(morning(), QStringLiteral("alice"),
                                      QStringLiteral("see https://example.com/x please"))});
        auto view = showView(&model);
        QVERIFY(view);
        QSignalSpy activated(view.get(), &MessageLogView::linkActivated);
        const QModelIndex index = view->model()->index(0, 0);
        const QRect link =
            view->messageDelegate()->linkRects(index, view->visualRect(index)).first();
        const QPoint beside(link.right() + 40, link.center().y());
        QVERIFY(view->linkAt(beside).isEmpty());
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, beside);
        QCOMPARE(activated.size(), 0);
        QVERIFY(view->selectionModel()->isSelected(index));
    }

    void clickingAPartlyShownMessageDoesNotScroll()
    {
        MessageLogModel model(Channel);
        model.appendMessages(conversation(morning(), 60));
        auto view = showView(&model);
        QVERIFY(view);
        QTRY_VERIFY(atBottom(*view));
        // Scrolled so that the top row is cut off by half a line.
        scrollTo(*view, view->verticalScrollBar()->value() - 200);
        const QModelIndex top = view->indexAt(QPoint(20, 2));
        QVERIFY(top.isValid() && view->visualRect(top).top() < 0);
        const int value = view->verticalScrollBar()->value();
        QSignalSpy scrolled(view->verticalScrollBar(), &QScrollBar::valueChanged);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, QPoint(20, 2));
        QVERIFY(view->selectionModel()->isSelected(top));
        // QAbstractItemView scrolls a clicked row into view after the double-click interval.
        QVERIFY(!scrolled.wait(QApplication::doubleClickInterval() + 400));
        QCOMPARE(view->verticalScrollBar()->value(), value);
        // The keyboard still brings the current message into view.
        QTest::keyClick(view.get(), Qt::Key_Up);
        QTRY_VERIFY(view->visualRect(view->currentIndex()).top() >= 0);
    }

    // --- selecting text ------------------------------------------------------------------

    void draggingSelectsPartOfAMessage()
    {
        MessageLogModel model(Channel);
        model.appendMessages({message(morning(), QStringLiteral("alice"),
                                      QStringLiteral("the quick brown fox jumps"))});
        auto view = showView(&model);
        QVERIFY(view);
        QVERIFY(!view->hasSelectedText());

        // Text is selected, not the message; not even while the press might be a click.
        QTest::mousePress(view->viewport(), Qt::LeftButton, {}, textPoint(*view, 0, 4));
        QVERIFY(!view->selectionModel()->hasSelection());
        QTest::mouseMove(view->viewport(), textPoint(*view, 0, 9));
        QVERIFY(!view->selectionModel()->hasSelection());
        QCOMPARE(view->selectedText(), QStringLiteral("quick"));
        QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, textPoint(*view, 0, 9));

        drag(*view, textPoint(*view, 0, 4), textPoint(*view, 0, 15));
        QVERIFY(view->hasSelectedText());
        QCOMPARE(view->selectedText(), QStringLiteral("quick brown"));
        QCOMPARE(copied(*view), QStringLiteral("quick brown"));
        QVERIFY(!view->selectionModel()->hasSelection());

        // Leftwards: the same, from the press back to the pointer.
        drag(*view, textPoint(*view, 0, 19), textPoint(*view, 0, 10));
        QCOMPARE(copied(*view), QStringLiteral("brown fox"));
    }

    void selectedCharactersAreHighlighted()
    {
        MessageLogModel model(Channel);
        model.appendMessages({message(morning(), QStringLiteral("alice"),
                                      QStringLiteral("the quick brown fox jumps"))});
        auto view = showView(&model);
        QVERIFY(view);
        const QRect selected = textRect(*view, 0, 4, 15);
        const QRect before = textRect(*view, 0, 0, 4);
        const QRect after = textRect(*view, 0, 15, 25);
        QCOMPARE(highlightedPixels(*view, selected), 0);

        drag(*view, textPoint(*view, 0, 4), textPoint(*view, 0, 15));
        // The background of the characters (the glyphs are drawn over it).
        QVERIFY(highlightedPixels(*view, selected) > selected.width() * selected.height() / 2);
        QCOMPARE(highlightedPixels(*view, before), 0);
        QCOMPARE(highlightedPixels(*view, after), 0);
    }

    void draggingAcrossMessagesCopiesALineEach()
    {
        MessageLogModel model(Channel);
        const quint64 t = morning();
        model.appendMessages({
            message(t, QStringLiteral("alice"), QStringLiteral("hello world")),
            message(t + 60000, QStringLiteral("bob"), QStringLiteral("waves"),
                    ChatMessage::Type::Action),
            message(t + 120000, QStringLiteral("carol"), QStringLiteral("one two three")),
            message(t + 180000, QStringLiteral("dana"), QStringLiteral("not selected")),
        });
        auto view = showView(&model);
        QVERIFY(view);
        const QString expected = QStringLiteral("[%1] <alice> world\n[%2] * bob waves\n"
                                                "[%3] <carol> one two")
                                     .arg(clockOf(t), clockOf(t + 60000), clockOf(t + 120000));

        drag(*view, textPoint(*view, 0, 6), textPoint(*view, 2, 7));
        QCOMPARE(copied(*view), expected);
        // Upwards: the lines still come in the log's order.
        drag(*view, textPoint(*view, 2, 7), textPoint(*view, 0, 6));
        QCOMPARE(copied(*view), expected);

        // The prefix of a message selected from its start is highlighted: it is copied.
        const QModelIndex bob = view->model()->index(1, 0);
        const QRect bobRect = view->visualRect(bob);
        const QRect bobText = view->messageDelegate()->cursorRect(bob, bobRect, 0);
        const QRect bobPrefix(QPoint(bobRect.left() + 12, bobText.top()),
                              QPoint(bobText.left() - 2, bobText.bottom()));
        QVERIFY(highlightedPixels(*view, bobPrefix) > bobPrefix.width() * bobPrefix.height() / 2);
    }

    void lineBreaksAreCopiedAsNewlines()
    {
        MessageLogModel model(Channel);
        model.appendMessages({message(morning(), QStringLiteral("alice"),
                                      QStringLiteral("first line\r\nsecond line"))});
        auto view = showView(&model);
        QVERIFY(view);
        drag(*view, textPoint(*view, 0, 6), textPoint(*view, 0, 17));
        QCOMPARE(copied(*view), QStringLiteral("line\nsecond"));
    }

    void doubleClickSelectsAWordAndTripleClickTheMessage()
    {
        MessageLogModel model(Channel);
        model.appendMessages({message(morning(), QStringLiteral("alice"),
                                      QStringLiteral("the quick brown fox jumps"))});
        auto view = showView(&model);
        QVERIFY(view);
        QWidget *viewport = view->viewport();
        const QPoint inBrown = textPoint(*view, 0, 12);

        QTest::mouseDClick(viewport, Qt::LeftButton, {}, inBrown);
        QTest::mouseRelease(viewport, Qt::LeftButton, {}, inBrown);
        QCOMPARE(copied(*view), QStringLiteral("brown"));

        // Dragging on after a double-click selects whole words.
        QTest::mouseDClick(viewport, Qt::LeftButton, {}, inBrown);
        QTest::mouseMove(viewport, textPoint(*view, 0, 17));
        QTest::mouseRelease(viewport, Qt::LeftButton, {}, textPoint(*view, 0, 17));
        QCOMPARE(copied(*view), QStringLiteral("brown fox"));

        // A third click soon after the double-click: the whole message. (QTest spaces its
        // clicks out so that they are never taken as double-clicks: sent by hand.)
        const auto send = [&](QEvent::Type type, Qt::MouseButtons buttons, quint64 time) {
            QMouseEvent event(type, inBrown, viewport->mapToGlobal(inBrown), Qt::LeftButton,
                              buttons, Qt::NoModifier);
            event.setTimestamp(time);
            QApplication::sendEvent(viewport, &event);
        };
        const quint64 t = 1000000;
        send(QEvent::MouseButtonPress, Qt::LeftButton, t);
        send(QEvent::MouseButtonRelease, Qt::NoButton, t + 60);
        send(QEvent::MouseButtonPress, Qt::LeftButton, t + 120);
        send(QEvent::MouseButtonDblClick, Qt::LeftButton, t + 120);
        send(QEvent::MouseButtonRelease, Qt::NoButton, t + 180);
        QCOMPARE(view->selectedText(), QStringLiteral("brown"));
        send(QEvent::MouseButtonPress, Qt::LeftButton, t + 240);
        send(QEvent::MouseButtonRelease, Qt::NoButton, t + 300);
        QCOMPARE(copied(*view), QStringLiteral("the quick brown fox jumps"));
    }

    void aLongMessageSelectedWholeIsCopiedWhole()
    {
        MessageLogModel model(Channel);
        const QString text =
            QStringLiteral("0123456789").repeated(MessageDelegate::MaxDisplayChars / 10 + 5);
        model.appendMessages({message(morning(), QStringLiteral("alice"), QStringLiteral("short")),
                              message(morning() + 1000, QStringLiteral("bob"), text)});
        auto view = showView(&model);
        QVERIFY(view);
        // Shown cut...
        QCOMPARE(view->messageDelegate()->layoutText(view->model()->index(1, 0)).size(),
                 MessageDelegate::MaxDisplayChars + 1);
        // ...but copied whole, from a selection that runs to its end.
        const QPoint end = view->visualRect(view->model()->index(1, 0)).bottomRight();
        drag(*view, textPoint(*view, 0, 2), end + QPoint(-30, -2));
        QCOMPARE(copied(*view),
                 QStringLiteral("[%1] <alice> ort\n[%2] <bob> %3")
                     .arg(clockOf(morning()), clockOf(morning() + 1000), text));
    }

    void aClickOnALinkOpensItAndADragFromItSelectsText()
    {
        MessageLogModel model(Channel);
        model.appendMessages({message(morning(), QStringLiteral("alice"),
                                      QStringLiteral("see https://example.com/x please"))});
        auto view = showView(&model);
        QVERIFY(view);
        QSignalSpy activated(view.get(), &MessageLogView::linkActivated);
        const QModelIndex index = view->model()->index(0, 0);
        const QRect link =
            view->messageDelegate()->linkRects(index, view->visualRect(index)).first();
        QWidget *viewport = view->viewport();

        // The hand wobbles a little: still a click.
        QTest::mousePress(viewport, Qt::LeftButton, {}, link.center());
        QTest::mouseMove(viewport, link.center() + QPoint(2, 1));
        QTest::mouseRelease(viewport, Qt::LeftButton, {}, link.center() + QPoint(2, 1));
        QCOMPARE(activated.size(), 1);
        QVERIFY(!view->hasSelectedText());

        // From the "e" of "example", on the link, to the end.
        QVERIFY(!view->linkAt(textPoint(*view, 0, 12)).isEmpty());
        drag(*view, textPoint(*view, 0, 12), textPoint(*view, 0, 32));
        QCOMPARE(activated.size(), 1);
        QCOMPARE(view->selectedText(), QStringLiteral("example.com/x please"));

        // A click on the link still opens it, and clears the selection.
        QTest::mouseClick(viewport, Qt::LeftButton, {}, link.center());
        QCOMPARE(activated.size(), 2);
        QVERIFY(!view->hasSelectedText());
    }

    void aClickClearsTheSelectedText()
    {
        MessageLogModel model(Channel);
        const quint64 t = morning();
        model.appendMessages({message(t, QStringLiteral("alice"), QStringLiteral("hello world")),
                              message(t + 60000, QStringLiteral("bob"), QStringLiteral("hi"))});
        auto view = showView(&model);
        QVERIFY(view);
        drag(*view, textPoint(*view, 0, 0), textPoint(*view, 0, 5));
        QCOMPARE(view->selectedText(), QStringLiteral("hello"));

        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, textPoint(*view, 1, 1));
        QVERIFY(!view->hasSelectedText());
        QCOMPARE(view->selectedText(), QString());
        QCOMPARE(highlightedPixels(*view, textRect(*view, 0, 0, 5)), 0);
        // And selects that message, as before.
        QVERIFY(view->selectionModel()->isSelected(view->model()->index(1, 0)));
        QCOMPARE(copied(*view), QStringLiteral("[%1] <bob> hi").arg(clockOf(t + 60000)));
    }

    void escapeClearsTheSelectedTextBeforeTheWindowsShortcut()
    {
        MessageLogModel model(Channel);
        model.appendMessages(
            {message(morning(), QStringLiteral("alice"), QStringLiteral("hello world"))});
        // As in MainWindow: Escape marks the channel read, window-wide.
        QMainWindow window;
        auto *markRead = new QAction(QStringLiteral("Mark as Read"), &window);
        markRead->setShortcut(QKeySequence(Qt::Key_Escape));
        markRead->setShortcutContext(Qt::WindowShortcut);
        window.addAction(markRead);
        QSignalSpy triggered(markRead, &QAction::triggered);
        auto *view = new MessageLogView(&window);
        view->setOpenLinks(false);
        view->setLogModel(&model);
        window.setCentralWidget(view);
        window.resize(500, 300);
        window.show();
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        view->setFocus();
        QTRY_VERIFY(view->hasFocus());

        drag(*view, textPoint(*view, 0, 0), textPoint(*view, 0, 5));
        QCOMPARE(view->selectedText(), QStringLiteral("hello"));
        QTest::keyClick(view, Qt::Key_Escape);
        QVERIFY(!view->hasSelectedText());
        QCOMPARE(triggered.size(), 0);

        // With nothing selected, Escape is the window's again.
        QTest::keyClick(view, Qt::Key_Escape);
        QCOMPARE(triggered.size(), 1);
    }

    void selectAllAndTheContextMenuWithSelectedText()
    {
        MessageLogModel model(Channel);
        const quint64 t = morning();
        model.appendMessages({message(t, QStringLiteral("alice"), QStringLiteral("hello world")),
                              message(t + 60000, QStringLiteral("bob"), QStringLiteral("hi"))});
        auto view = showView(&model);
        QVERIFY(view);
        drag(*view, textPoint(*view, 0, 6), textPoint(*view, 0, 11));

        // Right-clicking another message does not select it: Copy is for the text.
        const QPoint onBob = textPoint(*view, 1, 1);
        QTest::mousePress(view->viewport(), Qt::RightButton, {}, onBob);
        QTest::mouseRelease(view->viewport(), Qt::RightButton, {}, onBob);
        std::unique_ptr<QMenu> menu(view->createContextMenu(onBob));
        QVERIFY(!view->selectionModel()->hasSelection());
        QAction *copy = menu->actions().first();
        QCOMPARE(copy->text().remove(QLatin1Char('&')), QStringLiteral("Copy"));
        QVERIFY(copy->isEnabled());
        QGuiApplication::clipboard()->clear();
        copy->trigger();
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("world"));

        // Select all is every message, as before.
        QTest::keySequence(view.get(), QKeySequence::SelectAll);
        QVERIFY(!view->hasSelectedText());
        QCOMPARE(copied(*view),
                 QStringLiteral("[%1] <alice> hello world\n[%2] <bob> hi")
                     .arg(clockOf(t), clockOf(t + 60000)));
    }

    void theSelectionFollowsItsMessagesWhenRowsComeAndGo()
    {
        MessageLogModel model(Channel);
        model.appendMessages(conversation(morning() + 1000000, 3));
        auto view = showView(&model, QSize(500, 600));
        QVERIFY(view);
        // "message number 1" and "message number 2": from "number 1" to "message".
        drag(*view, textPoint(*view, 1, 8), textPoint(*view, 2, 7));
        const QString selected = view->selectedText();
        QCOMPARE(selected,
                 QStringLiteral("[%1] <bob> number 1\n[%2] <carol> message")
                     .arg(clockOf(morning() + 1001000), clockOf(morning() + 1002000)));

        // History paged in above moves the message down a row per message, not the selection.
        const int rows = model.rowCount();
        model.prependHistory(conversation(morning(), 5), false);
        QCOMPARE(model.rowCount(), rows + 5);
        QCOMPARE(view->selectedText(), selected);
        model.appendMessages(conversation(morning() + 2000000, 2));
        QCOMPARE(view->selectedText(), selected);
        // Still drawn on the same characters.
        const int row = rows + 5 - 2;
        QTRY_VERIFY(
            view->viewport()->rect().contains(view->visualRect(view->model()->index(row, 0))));
        const QRect number = textRect(*view, row, 8, 16);
        QVERIFY(highlightedPixels(*view, number) > number.width() * number.height() / 2);
        QCOMPARE(highlightedPixels(*view, textRect(*view, row, 0, 7)), 0);
    }

    void switchingChannelsClearsTheSelectedText()
    {
        MessageLogModel dev(Channel);
        dev.appendMessages({message(morning(), QStringLiteral("alice"), QStringLiteral("hello"))});
        MessageLogModel ops(QStringLiteral("ops"));
        ops.appendMessages({message(morning(), QStringLiteral("bob"), QStringLiteral("hi"))});
        auto view = showView(&dev);
        QVERIFY(view);
        drag(*view, textPoint(*view, 0, 0), textPoint(*view, 0, 4));
        QVERIFY(view->hasSelectedText());
        view->setLogModel(&ops);
        QVERIFY(!view->hasSelectedText());
        view->setLogModel(&dev);
        QVERIFY(!view->hasSelectedText());
    }

    void selectingTextHoldsTheLogStill()
    {
        MessageLogModel model(Channel);
        model.appendMessages(conversation(morning(), 100));
        auto view = showView(&model);
        QVERIFY(view);
        QTRY_VERIFY(atBottom(*view));
        const QPoint onText(view->viewport()->width() / 2, view->viewport()->height() / 2);
        const QPersistentModelIndex pressed = view->indexAt(onText);
        const int y = view->visualRect(pressed).top();
        QTest::mousePress(view->viewport(), Qt::LeftButton, {}, onText);
        QTest::mouseMove(view->viewport(), onText + QPoint(40, 0));

        model.appendMessages(conversation(morning() + 500000, 5));
        QCOMPARE(view->visualRect(pressed).top(), y);
        QTest::mouseMove(view->viewport(), onText + QPoint(60, 0));
        QCOMPARE(view->visualRect(pressed).top(), y);
        const QString selected = view->selectedText();
        QVERIFY(!selected.isEmpty());

        QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, onText + QPoint(60, 0));
        QTRY_VERIFY(atBottom(*view)); // and then catches up, keeping the selection
        QCOMPARE(view->selectedText(), selected);
    }

    void draggingPastTheTopScrollsUpAndSelectsOn()
    {
        MessageLogModel model(Channel);
        model.appendMessages(conversation(morning(), 100));
        auto view = showView(&model);
        QVERIFY(view);
        QTRY_VERIFY(atBottom(*view));
        QWidget *viewport = view->viewport();
        const QPoint onText(viewport->width() / 2, viewport->height() / 2);
        const int pressedRow = view->indexAt(onText).row();
        const int value = view->verticalScrollBar()->value();

        QTest::mousePress(viewport, Qt::LeftButton, {}, onText);
        QTest::mouseMove(viewport, QPoint(onText.x(), 20));
        QTest::mouseMove(viewport, QPoint(onText.x(), -40));
        QTRY_VERIFY(view->verticalScrollBar()->value() < value - viewport->height());
        QTest::mouseRelease(viewport, Qt::LeftButton, {}, QPoint(onText.x(), -40));

        const StreamId start = view->textSelection().start().id;
        QVERIFY(start < model.messageAt(pressedRow).id);
        QCOMPARE(view->textSelection().end().id, model.messageAt(pressedRow).id);
        QVERIFY(view->selectedText().count(QLatin1Char('\n')) >= 5);
        // Scrolled up by the drag: nothing pulls the log back down.
        QVERIFY(!view->isPinnedToBottom());
        const int after = view->verticalScrollBar()->value();
        QCoreApplication::processEvents();
        QCOMPARE(view->verticalScrollBar()->value(), after);
    }

    // --- following the bottom, holding still ---------------------------------------------

    void aShortLogSitsAtTheBottom()
    {
        MessageLogModel model(Channel);
        model.appendMessages(conversation(morning(), 2));
        auto view = showView(&model, QSize(500, 400));
        QVERIFY(view);
        // The last row ends where the view ends, with the empty stretch above the first.
        auto lastRowBottom = [&view, &model] {
            const QRect last = view->visualRect(view->model()->index(model.rowCount() - 1, 0));
            return view->viewport()->mapTo(view.get(), last.bottomLeft()).y();
        };
        QTRY_COMPARE(lastRowBottom(), view->height() - 1);
        const QRect first = view->visualRect(view->model()->index(0, 0));
        QVERIFY(view->viewport()->mapTo(view.get(), first.topLeft()).y() > view->height() / 2);
        // A row more moves the first one up, and the last still ends at the bottom.
        const int firstTop = view->viewport()->y();
        model.appendMessages(conversation(morning() + 100000, 1));
        QTRY_VERIFY(view->viewport()->y() < firstTop);
        QTRY_COMPARE(lastRowBottom(), view->height() - 1);
        // Once the rows fill the view it scrolls as before, with no gap left above.
        model.appendMessages(conversation(morning() + 200000, 40));
        QTRY_COMPARE(view->viewport()->y(), 0);
        QTRY_VERIFY(atBottom(*view));
        QVERIFY(view->verticalScrollBar()->maximum() > 0);
    }

    void staysAtTheBottomWhileMessagesArrive()
    {
        MessageLogModel model(Channel);
        model.appendMessages(conversation(morning(), 50));
        auto view = showView(&model);
        QVERIFY(view);
        QTRY_VERIFY(atBottom(*view));
        QVERIFY(view->verticalScrollBar()->maximum() > 0);
        for (int batch = 0; batch < 5; ++batch) {
            model.appendMessages(conversation(morning() + 100000 + quint64(batch) * 10000, 4));
            QTRY_VERIFY(atBottom(*view));
        }
        const QModelIndex last = view->model()->index(model.rowCount() - 1, 0);
        QVERIFY(view->viewport()->rect().contains(view->visualRect(last)));
        QVERIFY(view->isPinnedToBottom());
        QVERIFY(view->newMessagesButton()->isHidden());
        QCOMPARE(view->newMessageCount(), 0);
    }

    void messagesArrivingWhileScrolledUpDoNotMoveTheText()
    {
        MessageLogModel model(Channel);
        // Full: were trimming not held while scrolled up, every append would also trim as many
        // rows at the top.
        model.setMaxRows(200);
        model.appendMessages(conversation(morning(), 200));
        auto view = showView(&model);
        QVERIFY(view);
        scrollTo(*view, view->verticalScrollBar()->maximum() / 2);
        QVERIFY(!view->isPinnedToBottom());
        const QPersistentModelIndex top = view->indexAt(QPoint(10, 0));
        QVERIFY(top.isValid());
        const int y = view->visualRect(top).top();

        model.appendMessages(conversation(morning() + 500000, 3));
        QCOMPARE(view->visualRect(top).top(), y);
        model.appendMessages(conversation(morning() + 600000, 4));
        QCOMPARE(view->visualRect(top).top(), y);
        view->grab();
        QCOMPARE(view->visualRect(top).top(), y);
        QCOMPARE(view->indexAt(QPoint(10, 0)), QModelIndex(top));

        QVERIFY(!view->isPinnedToBottom());
        QCOMPARE(view->newMessageCount(), 7);
        QVERIFY(view->newMessagesButton()->isVisible());
        QVERIFY(view->newMessagesButton()->text().contains(QStringLiteral("7 new messages")));
    }

    void readingBeyondTheScrollbackKeepsItsPlaceAsMessagesArrive()
    {
        // Paged back further than the scrollback: a message arriving used to trim the window
        // back to it, taking the rows being read away.
        MessageLogModel model(Channel);
        model.setMaxRows(200);
        model.appendMessages(conversation(morning() + 1000000, 200));
        model.prependHistory(conversation(morning(), 300), true);
        QCOMPARE(model.rowCount(), 500);
        auto view = showView(&model);
        QVERIFY(view);
        QTRY_VERIFY(atBottom(*view));
        scrollTo(*view, view->verticalScrollBar()->maximum() / 10);
        QVERIFY(!view->isPinnedToBottom());
        const QPersistentModelIndex top = view->indexAt(QPoint(10, 0));
        QVERIFY(top.isValid());
        QVERIFY(top.row() < 300); // among the rows a trim would take
        const QByteArray topId = top.data(MessageLogModel::IdRole).toByteArray();
        const int y = view->visualRect(top).top();

        model.appendMessages(conversation(morning() + 2000000, 3));
        model.appendMessages(conversation(morning() + 3000000, 2));
        view->grab();
        const QModelIndex shown = view->indexAt(QPoint(10, 0));
        QCOMPARE(shown.data(MessageLogModel::IdRole).toByteArray(), topId);
        QCOMPARE(view->visualRect(shown).top(), y);
        QCOMPARE(model.rowCount(), 505);
        QCOMPARE(view->newMessageCount(), 5);

        // Back at the bottom, the window is bounded again: trimmed once, to the newest rows.
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        view->visualRect(view->model()->index(0, 0)); // runs the pending layout
        scrollTo(*view, view->verticalScrollBar()->maximum());
        QVERIFY(view->isPinnedToBottom());
        QTRY_COMPARE(model.rowCount(), 200);
        QCOMPARE(removed.size(), 1);
        QVERIFY(!model.isTrimmingHeld());
        QCOMPARE(model.lastId(), (StreamId{morning() + 3001000, 0}));
        QTRY_VERIFY(atBottom(*view));
        // And it follows the bottom as before.
        model.appendMessages(conversation(morning() + 4000000, 2));
        QCOMPARE(model.rowCount(), 200);
        QTRY_VERIFY(atBottom(*view));
    }

    void aLogLeftOrClosedIsTrimmedAgain()
    {
        MessageLogModel dev(Channel);
        dev.setMaxRows(100);
        dev.appendMessages(conversation(morning() + 1000000, 100));
        dev.prependHistory(conversation(morning(), 100), true);
        MessageLogModel ops(QStringLiteral("ops"));
        ops.appendMessages(conversation(morning(), 50));
        auto view = showView(&dev);
        QVERIFY(view);
        scrollTo(*view, 0);
        QVERIFY(dev.isTrimmingHeld());
        dev.appendMessages(conversation(morning() + 2000000, 1));
        QCOMPARE(dev.rowCount(), 201);

        view->setLogModel(&ops);
        QVERIFY(!dev.isTrimmingHeld());
        QCOMPARE(dev.rowCount(), 100);
        QVERIFY(!ops.isTrimmingHeld());

        // The row read there is gone: back at the bottom, where messages trim as before.
        view->setLogModel(&dev);
        QVERIFY(view->isPinnedToBottom());
        QVERIFY(!dev.isTrimmingHeld());
        QTRY_VERIFY(atBottom(*view));
        scrollTo(*view, 0);
        QVERIFY(dev.isTrimmingHeld());
        view.reset();
        QVERIFY(!dev.isTrimmingHeld());
        QCOMPARE(dev.rowCount(), 100);
    }

    void sendingAMessageJumpsToTheBottom()
    {
        MessageLogModel model(Channel);
        model.setMyName(QStringLiteral("alice"));
        model.setMaxRows(100);
        model.appendMessages(conversation(morning() + 1000000, 100));
        model.prependHistory(conversation(morning(), 50), true);
        auto view = showView(&model);
        QVERIFY(view);
        // Attached after the view: it sees each change after the view has reacted to it.
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        scrollTo(*view, 0);
        QVERIFY(!view->isPinnedToBottom());
        model.appendMessages(
            {message(morning() + 2000000, QStringLiteral("bob"), QStringLiteral("anyone?"))});
        QCOMPARE(view->newMessageCount(), 1);

        ChatMessage mine;
        mine.channel = Channel;
        mine.from = QStringLiteral("alice");
        mine.text = QStringLiteral("on my way");
        mine.cid = "c-1";
        model.addPending(mine);
        QVERIFY(view->isPinnedToBottom());
        QCOMPARE(view->newMessageCount(), 0);
        QVERIFY(view->newMessagesButton()->isHidden());
        QTRY_VERIFY(atBottom(*view));
        const QModelIndex sent = view->model()->index(model.rowCount() - 1, 0);
        QCOMPARE(sent.data(MessageLogModel::TextRole).toString(), mine.text);
        QVERIFY(view->viewport()->rect().contains(view->visualRect(sent)));
        // Down there, the window held while scrolled up is trimmed again.
        QTRY_VERIFY(!model.isTrimmingHeld());
        QCOMPARE(model.rowCount(), 100 + model.pendingCount());

        // The server's copy takes its place: not news either, and the log stays down.
        ChatMessage back = message(morning() + 3000000, mine.from, mine.text);
        back.cid = mine.cid;
        model.appendMessages({back});
        QCOMPARE(model.pendingCount(), 0);
        QTRY_VERIFY(atBottom(*view));
        QVERIFY(view->isPinnedToBottom());
        QCOMPARE(view->newMessageCount(), 0);
    }

    void myOwnMessagesAreNotCountedAsNew()
    {
        MessageLogModel model(Channel);
        model.setMyName(QStringLiteral("alice"));
        model.appendMessages(conversation(morning(), 100));
        auto view = showView(&model);
        QVERIFY(view);
        scrollTo(*view, 0);
        const int value = view->verticalScrollBar()->value();
        const quint64 t = morning() + 1000000;

        // Written under my name elsewhere (another client of mine): not news, and no jump.
        model.appendMessages(
            {message(t, QStringLiteral("alice"), QStringLiteral("from my phone"))});
        view->grab();
        QVERIFY(!view->isPinnedToBottom());
        QCOMPARE(view->verticalScrollBar()->value(), value);
        QCOMPARE(view->newMessageCount(), 0);
        QVERIFY(view->newMessagesButton()->isHidden());

        model.appendMessages({message(t + 1000, QStringLiteral("bob"), QStringLiteral("hi")),
                              message(t + 2000, QStringLiteral("alice"), QStringLiteral("hey")),
                              message(t + 3000, QStringLiteral("carol"), QStringLiteral("yo"))});
        QCOMPARE(view->newMessageCount(), 2);
        QCOMPARE(view->newMessagesButton()->text(), QStringLiteral("2 new messages ↓"));
        QVERIFY(!view->isPinnedToBottom());
    }

    void messagesArrivingAboveMyUnsentOneAreCountedAsNew()
    {
        MessageLogModel model(Channel);
        model.setMyName(QStringLiteral("alice"));
        model.appendMessages(conversation(morning(), 100));
        auto view = showView(&model);
        QVERIFY(view);
        ChatMessage mine;
        mine.channel = Channel;
        mine.from = QStringLiteral("alice");
        mine.text = QStringLiteral("on my way");
        mine.cid = "c-1";
        model.addPending(mine);
        model.setPendingFailed(mine.cid, QStringLiteral("refused"));
        QTRY_VERIFY(atBottom(*view));

        // The refused row stays last; what the server has goes above it, and is news.
        scrollTo(*view, 0);
        model.appendMessages(
            {message(morning() + 1000000, QStringLiteral("bob"), QStringLiteral("hi"))});
        QCOMPARE(model.messageAt(model.rowCount() - 1).cid, mine.cid);
        QCOMPARE(view->newMessageCount(), 1);
        QVERIFY(view->newMessagesButton()->isVisible());
    }

    void selectingWithTheMouseHoldsTheLogStill()
    {
        MessageLogModel model(Channel);
        model.appendMessages(conversation(morning(), 100));
        auto view = showView(&model);
        QVERIFY(view);
        QTRY_VERIFY(atBottom(*view));
        const QPoint onText(view->viewport()->width() / 2, view->viewport()->height() / 2);
        const QPersistentModelIndex pressed = view->indexAt(onText);
        const int y = view->visualRect(pressed).top();
        QTest::mousePress(view->viewport(), Qt::LeftButton, {}, onText);
        QVERIFY(model.isTrimmingHeld()); // nor are the rows under it trimmed away

        model.appendMessages(conversation(morning() + 500000, 5));
        QCOMPARE(view->visualRect(pressed).top(), y); // the text under the mouse stays put
        QVERIFY(!atBottom(*view));

        QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, onText);
        QTRY_VERIFY(atBottom(*view)); // and then catches up
        QVERIFY(view->isPinnedToBottom());
        QTRY_VERIFY(!model.isTrimmingHeld());
        QVERIFY(view->selectionModel()->isSelected(pressed));
    }

    void newMessagesButtonJumpsToTheBottom()
    {
        MessageLogModel model(Channel);
        model.appendMessages(conversation(morning(), 100));
        auto view = showView(&model);
        QVERIFY(view);
        scrollTo(*view, 0);
        model.appendMessages(conversation(morning() + 500000, 1));
        QToolButton *button = view->newMessagesButton();
        QVERIFY(button->isVisible());
        QCOMPARE(button->text(), QStringLiteral("1 new message ↓"));

        QTest::mouseClick(button, Qt::LeftButton);
        QTRY_VERIFY(atBottom(*view));
        QVERIFY(view->isPinnedToBottom());
        QVERIFY(button->isHidden());
        QCOMPARE(view->newMessageCount(), 0);
        // And it follows again.
        model.appendMessages(conversation(morning() + 600000, 2));
        QTRY_VERIFY(atBottom(*view));
        QVERIFY(button->isHidden());
    }

    void scrollingBackToTheBottomHidesTheButton()
    {
        MessageLogModel model(Channel);
        model.appendMessages(conversation(morning(), 100));
        auto view = showView(&model);
        QVERIFY(view);
        scrollTo(*view, 0);
        model.appendMessages(conversation(morning() + 500000, 2));
        QVERIFY(view->newMessagesButton()->isVisible());
        view->visualRect(view->model()->index(0, 0)); // runs the pending layout
        scrollTo(*view, view->verticalScrollBar()->maximum());
        QVERIFY(view->isPinnedToBottom());
        QVERIFY(view->newMessagesButton()->isHidden());
    }

    // --- history -----------------------------------------------------------------------

    void stayingAtTheBottomAsksForNoHistory()
    {
        MessageLogModel model(Channel);
        model.appendMessages(conversation(morning(), 200));
        QVERIFY(model.canFetchMore(QModelIndex()));
        QSignalSpy requests(&model, &MessageLogModel::olderHistoryRequested);
        auto view = showView(&model);
        QVERIFY(view);
        QTRY_VERIFY(atBottom(*view));
        for (int i = 0; i < 5; ++i)
            QCoreApplication::processEvents();
        model.appendMessages(conversation(morning() + 500000, 3));
        QTRY_VERIFY(atBottom(*view));
        for (int i = 0; i < 5; ++i)
            QCoreApplication::processEvents();
        // Qt's own fetchMore() (on showing the last row) would have asked by now.
        QCOMPARE(requests.size(), 0);
    }

    void scrollingToTheTopAsksForOlderHistory()
    {
        MessageLogModel model(Channel);
        model.appendMessages(conversation(morning(), 200));
        QSignalSpy requests(&model, &MessageLogModel::olderHistoryRequested);
        auto view = showView(&model);
        QVERIFY(view);
        scrollTo(*view, 0);
        QTRY_COMPARE(requests.size(), 1);
        QCOMPARE(requests.first().at(0).toString(), Channel);
        QCOMPARE(requests.first().at(1).value<StreamId>(), model.firstId());
    }

    void olderHistoryKeepsTheTopRowInPlace()
    {
        MessageLogModel model(Channel);
        model.appendMessages(conversation(morning() + 1000000, 200));
        QSignalSpy requests(&model, &MessageLogModel::olderHistoryRequested);
        auto view = showView(&model);
        QVERIFY(view);
        // Into the top fifth, not quite at the top.
        scrollTo(*view, view->verticalScrollBar()->maximum() / 8);
        QTRY_COMPARE(requests.size(), 1);
        const QPersistentModelIndex top = view->indexAt(QPoint(10, 0));
        QVERIFY(top.isValid());
        const int y = view->visualRect(top).top();
        const int value = view->verticalScrollBar()->value();

        model.prependHistory(conversation(morning(), 100), false);
        QCOMPARE(view->visualRect(top).top(), y);
        view->grab();
        QCOMPARE(view->visualRect(top).top(), y);
        QCOMPARE(view->indexAt(QPoint(10, 0)), QModelIndex(top));
        QVERIFY(view->verticalScrollBar()->value() > value);
        QVERIFY(!view->isPinnedToBottom());
        QVERIFY(view->newMessagesButton()->isHidden()); // history is not news
    }

    // --- many rows -----------------------------------------------------------------------

    void tenThousandRowsOpenWithoutLayingOutEveryRow()
    {
        MessageLogModel model(Channel);
        model.appendMessages(conversation(morning() - 20000000, 10000));
        QCOMPARE(model.rowCount(), 10000);
        auto view = std::make_unique<MessageLogView>();
        view->resize(900, 600);
        QElapsedTimer timer;
        timer.start();
        view->setLogModel(&model);
        view->show();
        QVERIFY(QTest::qWaitForWindowExposed(view.get()));
        const QImage shot = view->grab().toImage();
        const qint64 openMs = timer.elapsed();
        QVERIFY(!shot.isNull());
        const int built = view->messageDelegate()->layoutsBuilt();
        qInfo("10000 rows: opened and painted in %lld ms, %d text layouts built", openMs, built);
        QVERIFY2(built < 300, qPrintable(QStringLiteral("%1 layouts built").arg(built)));
        QVERIFY(view->isPinnedToBottom());
        const QModelIndex last = view->model()->index(9999, 0);
        QVERIFY(view->viewport()->rect().contains(view->visualRect(last)));

        // A batch arriving at a full log: one row trimmed at the top, one appended.
        timer.restart();
        model.appendMessages(
            {message(morning() + 100000000, QStringLiteral("bob"), QStringLiteral("new"))});
        QVERIFY(atBottom(*view));
        view->grab();
        qInfo("one more message at 10000 rows: laid out and painted in %lld ms", timer.elapsed());

        // Jumping into the middle lays out only what comes into view there.
        const int before = view->messageDelegate()->layoutsBuilt();
        scrollTo(*view, view->verticalScrollBar()->maximum() / 2);
        view->grab();
        QVERIFY(view->messageDelegate()->layoutsBuilt() - before < 300);
        QVERIFY(view->messageDelegate()->cachedLayoutCount() <= MessageDelegate::LayoutCacheSize);
    }

    void rowsOnScreenTileWithoutGapsOrOverlaps()
    {
        MessageLogModel model(Channel);
        model.appendMessages(conversation(morning() - 20000000, 3000));
        auto view = showView(&model, QSize(600, 500));
        QVERIFY(view);
        for (const int value : {view->verticalScrollBar()->maximum() / 3, 0,
                                view->verticalScrollBar()->maximum() * 2 / 3}) {
            scrollTo(*view, value);
            view->grab();
            const int first = view->indexAt(QPoint(10, 0)).row();
            const int last = view->indexAt(QPoint(10, view->viewport()->height() - 1)).row();
            QVERIFY(first >= 0 && last > first);
            for (int row = first; row < last; ++row) {
                const QRect a = view->visualRect(view->model()->index(row, 0));
                const QRect b = view->visualRect(view->model()->index(row + 1, 0));
                QCOMPARE(a.bottom() + 1, b.top());
            }
        }
    }

    void aLargerFontMakesRowsTaller()
    {
        MessageLogModel model(Channel);
        model.appendMessages(conversation(morning(), 20));
        auto view = showView(&model);
        QVERIFY(view);
        const QModelIndex index = view->model()->index(10, 0);
        const int before = view->visualRect(index).height();
        QFont font = view->font();
        font.setPointSizeF(font.pointSizeF() * 2);
        view->setFont(font);
        QTRY_VERIFY(view->visualRect(index).height() > before * 3 / 2);
    }

    void narrowingTheViewRewrapsRows()
    {
        MessageLogModel model(Channel);
        model.appendMessages(
            {message(morning(), QStringLiteral("alice"), QStringLiteral("words ").repeated(40))});
        auto view = showView(&model, QSize(900, 300));
        QVERIFY(view);
        const QModelIndex index = view->model()->index(0, 0);
        const int wide = view->visualRect(index).height();
        view->resize(350, 300);
        QTRY_VERIFY(view->visualRect(index).height() > wide);
    }

    // --- grouping and separators -----------------------------------------------------------

    void consecutiveMessagesOfOneAuthorAreGrouped()
    {
        MessageLogModel model(Channel);
        const quint64 t = morning();
        const quint64 minute = 60000;
        model.appendMessages({
            message(t, QStringLiteral("bob"), QStringLiteral("first")),
            message(t + minute, QStringLiteral("alice"), QStringLiteral("one")),
            message(t + 2 * minute, QStringLiteral("alice"), QStringLiteral("two")),
            message(t + 10 * minute, QStringLiteral("alice"), QStringLiteral("later")),
            message(t + 11 * minute, QStringLiteral("bob"), QStringLiteral("other")),
        });
        auto view = showView(&model);
        QVERIFY(view);
        const auto height = [&](int row) {
            return view->visualRect(view->model()->index(row, 0)).height();
        };
        QVERIFY(height(2) < height(1)); // grouped under alice's name
        QCOMPARE(height(3), height(1)); // five minutes later: a new group
        QCOMPARE(height(4), height(1)); // another author
    }

    // My messages not on the server yet group under my name like the others (they repeated
    // it), and carry the time they were typed.
    void pendingMessagesGroupAndShowWhenTheyWereTyped()
    {
        MessageLogModel model(Channel);
        const quint64 now = quint64(QDateTime::currentMSecsSinceEpoch());
        model.appendMessages(
            {message(now - 1000, QStringLiteral("alice"), QStringLiteral("sent"))});
        for (const char *text : {"queued one", "queued two"}) {
            ChatMessage pending;
            pending.channel = Channel;
            pending.from = QStringLiteral("alice");
            pending.text = QLatin1String(text);
            pending.cid = QByteArray(text);
            model.addPending(pending);
        }
        auto view = showView(&model, QSize(500, 400));
        QVERIFY(view);
        const auto height = [&](int row) {
            return view->visualRect(view->model()->index(row, 0)).height();
        };
        QVERIFY(height(1) < height(0)); // grouped under alice's name
        QCOMPARE(height(2), height(1));
        const QDateTime typed = model.index(1).data(MessageLogModel::TimeRole).toDateTime();
        QVERIFY(typed.isValid());
        QVERIFY(qAbs(typed.toMSecsSinceEpoch() - qint64(now)) < 60000);
    }

    void groupingFollowsHistoryPagedInAbove()
    {
        MessageLogModel model(Channel);
        const quint64 t = morning();
        model.appendMessages({message(t, QStringLiteral("alice"), QStringLiteral("second")),
                              message(t + 1000, QStringLiteral("bob"), QStringLiteral("third"))});
        auto view = showView(&model);
        QVERIFY(view);
        const QPersistentModelIndex second = view->model()->index(0, 0);
        const QPersistentModelIndex third = view->model()->index(1, 0);
        const int opening = view->visualRect(second).height(); // day separator and name
        const int groupStart = view->visualRect(third).height();
        QVERIFY(opening > groupStart);

        // alice's first message arrives from history: hers below now only continues it.
        model.prependHistory({message(t - 60000, QStringLiteral("alice"), QStringLiteral("first"))},
                             true);
        QCOMPARE(second.row(), 1);
        QVERIFY(view->visualRect(second).height() < groupStart);
        QCOMPARE(view->visualRect(view->model()->index(0, 0)).height(), opening);
        QCOMPARE(view->visualRect(third).height(), groupStart);
    }

    void aDaySeparatorPrecedesEachNewDay()
    {
        MessageLogModel model(Channel);
        const quint64 today = morning();
        const quint64 yesterday = today - 24 * 3600 * 1000;
        model.appendMessages({
            message(yesterday, QStringLiteral("bob"), QStringLiteral("a")),
            message(yesterday + 60000, QStringLiteral("alice"), QStringLiteral("b")),
            message(today, QStringLiteral("bob"), QStringLiteral("c")),
        });
        auto view = showView(&model);
        QVERIFY(view);
        const auto height = [&](int row) {
            return view->visualRect(view->model()->index(row, 0)).height();
        };
        QCOMPARE(height(0), height(2)); // both open a day
        QVERIFY(height(2) > height(1));
    }

    // --- copying -------------------------------------------------------------------------

    void ctrlCCopiesTheSelectedMessages()
    {
        MessageLogModel model(Channel);
        const quint64 t = morning();
        model.appendMessages({
            message(t, QStringLiteral("alice"), QStringLiteral("hello <b>all</b>")),
            message(t + 60000, QStringLiteral("bob"), QStringLiteral("waves"),
                    ChatMessage::Type::Action),
            message(t + 120000, QStringLiteral("carol"), QString(), ChatMessage::Type::Join),
        });
        auto view = showView(&model);
        QVERIFY(view);
        QItemSelectionModel *selection = view->selectionModel();
        selection->select(view->model()->index(2, 0), QItemSelectionModel::Select);
        selection->select(view->model()->index(0, 0), QItemSelectionModel::Select);
        QGuiApplication::clipboard()->clear();
        QTest::keySequence(view.get(), QKeySequence::Copy);
        QCOMPARE(QGuiApplication::clipboard()->text(),
                 QStringLiteral("[%1] <alice> hello <b>all</b>\n[%2] carol joined")
                     .arg(clockOf(t), clockOf(t + 120000)));

        selection->select(view->model()->index(1, 0), QItemSelectionModel::Select);
        view->setTimestampFormat(QStringLiteral("HH:mm:ss"));
        view->copySelection();
        const QStringList lines = QGuiApplication::clipboard()->text().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines.at(1),
                 QStringLiteral("[%1] * bob waves")
                     .arg(QLocale().toString(QDateTime::fromMSecsSinceEpoch(qint64(t + 60000)),
                                             QStringLiteral("HH:mm:ss"))));
    }

    void contextMenuOffersTheLinkUnderTheMouse()
    {
        MessageLogModel model(Channel);
        model.appendMessages({message(morning(), QStringLiteral("alice"),
                                      QStringLiteral("docs: https://example.com/docs"))});
        auto view = showView(&model);
        QVERIFY(view);
        const QModelIndex index = view->model()->index(0, 0);
        const QRect link =
            view->messageDelegate()->linkRects(index, view->visualRect(index)).first();
        const auto texts = [](QMenu *menu) {
            QStringList list;
            for (QAction *action : menu->actions()) {
                if (!action->isSeparator())
                    list.append(action->text().remove(QLatin1Char('&')));
            }
            return list;
        };

        std::unique_ptr<QMenu> overText(view->createContextMenu(QPoint(20, link.center().y())));
        QCOMPARE(texts(overText.get()),
                 QStringList({QStringLiteral("Copy"), QStringLiteral("Copy text"),
                              QStringLiteral("Select all")}));
        QVERIFY(view->selectionModel()->isSelected(index));

        std::unique_ptr<QMenu> overLink(view->createContextMenu(link.center()));
        QVERIFY(texts(overLink.get()).contains(QStringLiteral("Copy link address")));
        for (QAction *action : overLink->actions()) {
            if (action->text().remove(QLatin1Char('&')) == u"Copy link address")
                action->trigger();
        }
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("https://example.com/docs"));
    }

    void isNamedForScreenReaders()
    {
        MessageLogView view;
        QCOMPARE(view.accessibleName(), QStringLiteral("Message log"));
    }

    // --- switching channels ----------------------------------------------------------------

    void switchingChannelsKeepsEachOnesPosition()
    {
        MessageLogModel dev(Channel);
        dev.appendMessages(conversation(morning(), 300));
        MessageLogModel ops(QStringLiteral("ops"));
        ops.appendMessages(conversation(morning(), 50));
        auto view = showView(&dev);
        QVERIFY(view);
        scrollTo(*view, view->verticalScrollBar()->maximum() / 2);
        const QByteArray topId =
            view->indexAt(QPoint(10, 0)).data(MessageLogModel::IdRole).toByteArray();
        const int y = view->visualRect(view->indexAt(QPoint(10, 0))).top();

        view->setLogModel(&ops);
        QTRY_VERIFY(atBottom(*view));
        QVERIFY(view->isPinnedToBottom());

        view->setLogModel(&dev);
        view->grab();
        const QModelIndex top = view->indexAt(QPoint(10, 0));
        QCOMPARE(top.data(MessageLogModel::IdRole).toByteArray(), topId);
        QCOMPARE(view->visualRect(top).top(), y);
        QVERIFY(!view->isPinnedToBottom());

        view->setLogModel(nullptr);
        QCOMPARE(view->model()->rowCount(), 0);
    }

    // --- colours ------------------------------------------------------------------------

    void authorColorsAreStable()
    {
        // FNV-1a of the UTF-8: the same on every machine and in every run.
        QCOMPARE(AuthorColors::nameHash(QStringLiteral("alice")), 2267157479u);
        const QPalette light = lightPalette();
        QCOMPARE(AuthorColors::colorFor(QStringLiteral("alice"), light),
                 AuthorColors::colorFor(QStringLiteral("alice"), lightPalette()));
        QVERIFY(AuthorColors::colorFor(QStringLiteral("alice"), light)
                != AuthorColors::colorFor(QStringLiteral("bob"), light));
        // The hue is the name's on both themes; only the shade adapts.
        const int lightHue = AuthorColors::colorFor(QStringLiteral("alice"), light).hslHue();
        const int darkHue = AuthorColors::colorFor(QStringLiteral("alice"), darkPalette()).hslHue();
        QVERIFY2(std::abs(lightHue - darkHue) <= 3,
                 qPrintable(QStringLiteral("%1 vs %2").arg(lightHue).arg(darkHue)));
    }

    void systemLinesAreReadableOnMyRowsInBothThemes()
    {
        for (const QPalette &palette : {lightPalette(), darkPalette()}) {
            QApplication::setPalette(palette);
            MessageLogModel model(Channel);
            model.setMyName(QStringLiteral("alice"));
            // The first row has the day's separator above it; the second is just the line.
            model.appendMessages({message(morning(), QStringLiteral("bob"), QStringLiteral("hi")),
                                  message(morning() + 1000, QStringLiteral("alice"), QString(),
                                          ChatMessage::Type::Join)});
            auto view = showView(&model);
            QVERIFY(view);
            const QRect row = view->visualRect(view->model()->index(1, 0));
            const QImage image = view->viewport()->grab().toImage();
            // My row's tint, at its right edge where nothing is drawn.
            const QColor background = image.pixelColor(row.right() - 2, row.center().y());
            QVERIFY(background != palette.color(QPalette::Base)); // the row is tinted
            // The glyphs' cores are drawn in the text colour itself; antialiased edges are not.
            qreal best = 1;
            for (int y = row.top(); y <= row.bottom(); ++y) {
                for (int x = row.left(); x < row.left() + row.width() / 2; ++x)
                    best = std::max(best, ColorContrast::ratio(image.pixelColor(x, y), background));
            }
            // 5:1, not just AA's 4.5: the text is small and italic, and antialiased thin.
            QVERIFY2(best >= 5.0,
                     qPrintable(QStringLiteral("%1 on %2: %3")
                                    .arg(palette.color(QPalette::Base).name(), background.name())
                                    .arg(best)));
        }
    }

    void authorColorsAreReadableOnLightAndDarkThemes()
    {
        QRandomGenerator random(20261122);
        const QString letters = QStringLiteral("abcdefghijklmnopqrstuvwxyz0123456789_-");
        QSet<int> hues;
        for (const QPalette &palette : {lightPalette(), darkPalette()}) {
            const QColor base = palette.color(QPalette::Base);
            for (int i = 0; i < 200; ++i) {
                QString name;
                const int length = 3 + int(random.bounded(10));
                for (int c = 0; c < length; ++c)
                    name += letters.at(int(random.bounded(letters.size())));
                const QColor color = AuthorColors::colorFor(name, palette);
                const qreal ratio = ColorContrast::ratio(color, base);
                QVERIFY2(ratio >= 4.5,
                         qPrintable(QStringLiteral("%1: %2 on %3 is %4")
                                        .arg(name, color.name(), base.name())
                                        .arg(ratio)));
                hues.insert(color.hslHue() / 30);
            }
        }
        QCOMPARE(hues.size(), 12); // names spread over the whole colour wheel
    }

    // --- screenshots ---------------------------------------------------------------------

    void screenshots_data()
    {
        QTest::addColumn<QPalette>("palette");
        QTest::addColumn<QString>("file");
        QTest::newRow("light") << lightPalette() << QStringLiteral("messagelog-light.png");
        QTest::newRow("dark") << darkPalette() << QStringLiteral("messagelog-dark.png");
    }

    void screenshots()
    {
        QFETCH(QPalette, palette);
        QFETCH(QString, file);
        QApplication::setPalette(palette);

        MessageLogModel model(Channel);
        model.setMyName(QStringLiteral("carol"));
        const quint64 t = morning();
        const quint64 yesterday = t - 24 * 3600 * 1000;
        const quint64 minute = 60000;
        using Type = ChatMessage::Type;
        ChatMessage expired;
        expired.id = StreamId{yesterday + 600 * minute - 1, 0};
        expired.channel = Channel;
        expired.type = Type::Expired;
        ChatMessage malformed =
            message(t + 32 * minute, QString(), QStringLiteral("\xff\xfe garbled"));
        malformed.problem = QStringLiteral("missing field \"from\"");
        model.appendMessages({
            expired,
            message(yesterday + 808 * minute, QStringLiteral("dana"),
                    QStringLiteral("anyone still around?")),
            message(yesterday + 810 * minute, QStringLiteral("bob"),
                    QStringLiteral("yep, finishing the changelog")),
            message(yesterday + 811 * minute, QStringLiteral("bob"),
                    QStringLiteral("pushed: https://git.example.com/confab/commit/4f2a9c1")),
            message(yesterday + 813 * minute, QStringLiteral("dana"),
                    QStringLiteral("great, thanks (the TLS notes are in the wiki now)")),
            message(yesterday + 815 * minute, QStringLiteral("maximilian_the_release_manager"),
                    QStringLiteral("tagging tomorrow morning, please don't merge anything big")),
            message(yesterday + 820 * minute, QStringLiteral("dana"),
                    QStringLiteral("night all, the release branch is cut")),
            message(yesterday + 821 * minute, QStringLiteral("erin"),
                    QStringLiteral("waves goodnight"), Type::Action),
            message(t - 2 * minute, QStringLiteral("frank"), QString(), Type::Join),
            message(t + 2 * minute, QStringLiteral("alice"),
                    QStringLiteral("morning! did the nightly build go through?")),
            message(t + 2 * minute + 20000, QStringLiteral("alice"),
                    QStringLiteral("dashboard: https://ci.example.com/confab/builds?branch=main")),
            message(t + 3 * minute, QStringLiteral("bob"),
                    QStringLiteral("yes, all green except the flaky TLS test")),
            message(t + 5 * minute, QStringLiteral("carol"),
                    QStringLiteral("I'll look at it, probably the test cert expired again")),
            message(t + 6 * minute, QStringLiteral("alice"),
                    QStringLiteral("Release 0.1: checklist at https://wiki.example.com/release."),
                    Type::Topic),
            message(t + 9 * minute, QStringLiteral("bob"),
                    QStringLiteral("Long story short: the reconnect test kills the server while a "
                                   "page of history is in flight, the worker retries with the old "
                                   "cursor, and the model drops the stale answer as designed, so "
                                   "nothing is lost or duplicated; it just takes one more round "
                                   "trip than before, which is fine.")),
            message(t + 12 * minute, QStringLiteral("dana"),
                    QStringLiteral("@carol can you review the packaging change before lunch?")),
            message(t + 14 * minute, QStringLiteral("erin"),
                    QStringLiteral("<b>this is not bold</b> and <script>neither is this</script>")),
            message(t + 15 * minute, QStringLiteral("erin"), QStringLiteral("erin_away"),
                    Type::Nick),
            message(t + 20 * minute, QStringLiteral("frank"), QString(), Type::Leave),
            message(t + 31 * minute, QStringLiteral("bob"), QStringLiteral("grabs coffee"),
                    Type::Action),
            malformed,
            message(t + 33 * minute, QStringLiteral("carol"), QStringLiteral("sure, on it")),
        });

        MessageLogView view;
        view.setOpenLinks(false);
        view.resize(900, 600);
        view.setLogModel(&model);
        // Offscreen, the pointer sits on some row; a picture of the log has none hovered.
        view.viewport()->setAttribute(Qt::WA_Hover, false);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTRY_VERIFY(atBottom(view));
        // Text selected from the middle of bob's long message into the next, and one selected
        // row, to show what both kinds of selection look like.
        drag(view, textPoint(view, 14, 42), textPoint(view, 15, 27));
        QVERIFY(view.selectedText().startsWith(QStringLiteral("[")));
        view.selectionModel()->select(view.model()->index(6, 0), QItemSelectionModel::Select);
        const QImage image = view.grab().toImage();

        const QDir dir(qEnvironmentVariable("CONFAB_SCREENSHOT_DIR", QDir::currentPath()));
        QVERIFY(dir.exists() || QDir().mkpath(dir.absolutePath()));
        const QString path = dir.filePath(file);
        QVERIFY2(image.save(path), qPrintable(path));
        qInfo("saved %s", qPrintable(path));
        // The view was painted in the theme asked for: mostly its Base colour.
        int baseColored = 0;
        for (int y = 0; y < image.height(); y += 7) {
            for (int x = 0; x < image.width(); x += 7)
                baseColored += image.pixelColor(x, y) == palette.color(QPalette::Base);
        }
        QVERIFY(baseColored > (image.width() / 7) * (image.height() / 7) / 2);

        // Scrolled up while the conversation goes on: the "new messages" button.
        model.appendMessages({
            message(t + 34 * minute, QStringLiteral("alice"), QStringLiteral("thanks!")),
            message(t + 35 * minute, QStringLiteral("bob"), QStringLiteral("lunch?")),
            message(t + 35 * minute + 5000, QStringLiteral("dana"), QStringLiteral("yes")),
        });
        QTRY_VERIFY(atBottom(view));
        QVERIFY(view.verticalScrollBar()->maximum() > 0);
        scrollTo(view, 0);
        model.appendMessages({
            message(t + 36 * minute, QStringLiteral("erin"), QStringLiteral("back")),
            message(t + 37 * minute, QStringLiteral("erin"), QStringLiteral("count me in")),
            message(t + 38 * minute, QStringLiteral("frank"), QString(), Type::Join),
        });
        QVERIFY(view.newMessagesButton()->isVisible());
        const QString scrolledPath = dir.filePath(
            QString(file).replace(QStringLiteral(".png"), QStringLiteral("-scrolled.png")));
        QVERIFY(view.grab().toImage().save(scrolledPath));
    }
};

QTEST_MAIN(tst_MessageLogView)
#include "tst_MessageLogView.moc"
