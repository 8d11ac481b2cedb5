#include "model/TextArena.h"

#include <QTest>

using namespace Confab;

// The message log's text storage: what goes in comes out exactly, and memory is given back
// once the texts of a block are all released.
class tst_TextArena : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void textsComeBackExactly()
    {
        TextArena arena;
        const QStringList texts{
            QStringLiteral("hello"),
            QString(),
            QStringLiteral("ünïcödé \u202e and 😀"),
            QString(TextArena::BlockSize, u'x'), // larger than a block: a block of its own
            QStringLiteral("line\nbreak"),
        };
        QList<TextArena::Ref> refs;
        for (const QString &text : texts)
            refs << arena.add(text);
        for (qsizetype i = 0; i < texts.size(); ++i)
            QCOMPARE(arena.text(refs.at(i)), texts.at(i));
        QCOMPARE(refs.at(1).size, 0u); // an empty text takes no room
    }

    void blocksAreFreedWhenTheirTextsGo()
    {
        TextArena arena;
        QList<TextArena::Ref> refs;
        const QString text(100, u'a');
        for (int i = 0; i < 5000; ++i)
            refs << arena.add(text);
        const qsizetype full = arena.capacity();
        QVERIFY(full >= 5000 * 100);
        QVERIFY(full <= 5000 * 100 + 2 * TextArena::BlockSize);
        // The oldest go first, as rows are trimmed: whole blocks come back.
        for (int i = 0; i < 4000; ++i)
            arena.release(refs.at(i));
        QVERIFY2(arena.capacity() <= 1000 * 100 + 2 * TextArena::BlockSize,
                 qPrintable(QString::number(arena.capacity())));
        for (int i = 4000; i < 5000; ++i)
            QCOMPARE(arena.text(refs.at(i)), text);
        // Freed slots are used again, and what is added reads back.
        QList<TextArena::Ref> more;
        for (int i = 0; i < 3000; ++i)
            more << arena.add(QString::number(i));
        for (int i = 0; i < 3000; ++i)
            QCOMPARE(arena.text(more.at(i)), QString::number(i));
        for (int i = 4000; i < 5000; ++i)
            arena.release(refs.at(i));
        for (const TextArena::Ref &ref : std::as_const(more))
            arena.release(ref);
        QVERIFY(arena.capacity() <= TextArena::BlockSize);
    }
};

QTEST_GUILESS_MAIN(tst_TextArena)
#include "tst_TextArena.moc"
