#include "MessageInput.h"

#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>
#include <QVBoxLayout>

using namespace Confab;

// The line the user types into, driven by key presses as a user drives it.
class tst_MessageInput : public QObject
{
    Q_OBJECT

    struct Form
    {
        QWidget window;
        MessageInput *input = nullptr;
        QLineEdit *next = nullptr;
        // As the main window does: a line that was acted on is committed; a refused one stays.
        bool accepting = true;

        Form()
        {
            auto *layout = new QVBoxLayout(&window);
            input = new MessageInput(&window);
            next = new QLineEdit(&window);
            layout->addWidget(input);
            layout->addWidget(next);
            input->setCompletionSources(
                [] {
                    return QStringList{QStringLiteral("alice"), QStringLiteral("albert"),
                                       QStringLiteral("bob")};
                },
                [] {
                    return QStringList{QStringLiteral("dev"), QStringLiteral("design")};
                });
            QObject::connect(input, &MessageInput::submitted, input, [this](const QString &text) {
                if (accepting)
                    input->commit(text);
            });
            window.show();
            input->setFocus();
        }
    };

    static void type(MessageInput *input, const QString &text) { QTest::keyClicks(input, text); }

private Q_SLOTS:
    void enterSendsAndClears()
    {
        Form form;
        QVERIFY(QTest::qWaitForWindowExposed(&form.window));
        QSignalSpy submitted(form.input, &MessageInput::submitted);
        type(form.input, QStringLiteral("hello"));
        QTest::keyClick(form.input, Qt::Key_Return);
        QCOMPARE(submitted.size(), 1);
        QCOMPARE(submitted.first().first().toString(), QStringLiteral("hello"));
        QVERIFY(form.input->toPlainText().isEmpty());
        // Nothing to send: nothing sent.
        QTest::keyClick(form.input, Qt::Key_Return);
        QCOMPARE(submitted.size(), 1);
    }

    // A refused line (an unknown command, a bad channel name) stays to be corrected.
    void aRefusedLineStays()
    {
        Form form;
        form.accepting = false;
        QSignalSpy submitted(form.input, &MessageInput::submitted);
        type(form.input, QStringLiteral("/jion dev"));
        QTest::keyClick(form.input, Qt::Key_Return);
        QCOMPARE(submitted.size(), 1);
        QCOMPARE(form.input->toPlainText(), QStringLiteral("/jion dev"));
        QVERIFY(form.input->history().isEmpty());
    }

    // One draft per conversation: text and cursor come back as they were left.
    void draftsKeepTextAndCursor()
    {
        Form form;
        type(form.input, QStringLiteral("half a thought"));
        QTest::keyClick(form.input, Qt::Key_Left);
        const MessageInput::Draft draft = form.input->draft();
        QCOMPARE(draft.text, QStringLiteral("half a thought"));
        QCOMPARE(draft.cursor, 13);
        form.input->setDraft({});
        QVERIFY(form.input->toPlainText().isEmpty());
        form.input->setDraft(draft);
        type(form.input, QStringLiteral("!"));
        QCOMPARE(form.input->toPlainText(), QStringLiteral("half a though!t"));
    }

    void shiftEnterStartsANewLine()
    {
        Form form;
        QSignalSpy submitted(form.input, &MessageInput::submitted);
        type(form.input, QStringLiteral("one"));
        QTest::keyClick(form.input, Qt::Key_Return, Qt::ShiftModifier);
        type(form.input, QStringLiteral("two"));
        QVERIFY(submitted.isEmpty());
        QCOMPARE(form.input->toPlainText(), QStringLiteral("one\ntwo"));
        QTest::keyClick(form.input, Qt::Key_Return);
        QCOMPARE(submitted.first().first().toString(), QStringLiteral("one\ntwo"));
    }

    void upAndDownWalkThroughWhatWasSent()
    {
        Form form;
        for (const QString &line : {QStringLiteral("first"), QStringLiteral("second")}) {
            type(form.input, line);
            QTest::keyClick(form.input, Qt::Key_Return);
        }
        type(form.input, QStringLiteral("draft"));
        QTest::keyClick(form.input, Qt::Key_Up);
        QCOMPARE(form.input->toPlainText(), QStringLiteral("second"));
        QTest::keyClick(form.input, Qt::Key_Up);
        QCOMPARE(form.input->toPlainText(), QStringLiteral("first"));
        QTest::keyClick(form.input, Qt::Key_Up);
        QCOMPARE(form.input->toPlainText(), QStringLiteral("first"));
        QTest::keyClick(form.input, Qt::Key_Down);
        QTest::keyClick(form.input, Qt::Key_Down);
        // Back past the newest: what was being typed comes back.
        QCOMPARE(form.input->toPlainText(), QStringLiteral("draft"));
    }

    void upOnALaterLineMovesTheCursorInstead()
    {
        Form form;
        type(form.input, QStringLiteral("sent"));
        QTest::keyClick(form.input, Qt::Key_Return);
        type(form.input, QStringLiteral("line one"));
        QTest::keyClick(form.input, Qt::Key_Return, Qt::ShiftModifier);
        type(form.input, QStringLiteral("line two"));
        QTest::keyClick(form.input, Qt::Key_Up);
        QCOMPARE(form.input->toPlainText(), QStringLiteral("line one\nline two"));
        QCOMPARE(form.input->textCursor().blockNumber(), 0);
        // Now on the first line, Up browses.
        QTest::keyClick(form.input, Qt::Key_Up);
        QCOMPARE(form.input->toPlainText(), QStringLiteral("sent"));
    }

    void tabCompletesNamesAndCycles()
    {
        Form form;
        type(form.input, QStringLiteral("al"));
        QTest::keyClick(form.input, Qt::Key_Tab);
        // At the start of the line a name addresses someone; matches come in order.
        QCOMPARE(form.input->toPlainText(), QStringLiteral("albert: "));
        QTest::keyClick(form.input, Qt::Key_Tab);
        QCOMPARE(form.input->toPlainText(), QStringLiteral("alice: "));
        QTest::keyClick(form.input, Qt::Key_Tab);
        QCOMPARE(form.input->toPlainText(), QStringLiteral("albert: "));
    }

    void tabCompletesChannels()
    {
        Form form;
        type(form.input, QStringLiteral("see #dev"));
        QTest::keyClick(form.input, Qt::Key_Tab);
        QCOMPARE(form.input->toPlainText(), QStringLiteral("see #dev "));
        form.input->clear();
        type(form.input, QStringLiteral("in #des"));
        QTest::keyClick(form.input, Qt::Key_Tab);
        QCOMPARE(form.input->toPlainText(), QStringLiteral("in #design "));
    }

    void tabInAnEmptyInputMovesFocusOn()
    {
        Form form;
        QVERIFY(QTest::qWaitForWindowActive(&form.window));
        form.input->setFocus();
        QTRY_VERIFY(form.input->hasFocus());
        QTest::keyClick(form.input, Qt::Key_Tab);
        QTRY_VERIFY(form.next->hasFocus());
    }

    void tabWithTextAndNothingToCompleteKeepsTheTyping()
    {
        Form form;
        QVERIFY(QTest::qWaitForWindowActive(&form.window));
        form.input->setFocus();
        QTRY_VERIFY(form.input->hasFocus());
        type(form.input, QStringLiteral("zzz"));
        QTest::keyClick(form.input, Qt::Key_Tab);
        type(form.input, QStringLiteral(" more"));
        QCOMPARE(form.input->toPlainText(), QStringLiteral("zzz more"));
        QVERIFY(form.input->hasFocus());
        // Shift+Tab leaves whatever is typed.
        QTest::keyClick(form.input, Qt::Key_Backtab, Qt::ShiftModifier);
        QTRY_VERIFY(!form.input->hasFocus());
        QCOMPARE(form.input->toPlainText(), QStringLiteral("zzz more"));
    }
};

QTEST_MAIN(tst_MessageInput)
#include "tst_MessageInput.moc"
