#pragma once

#include <QObject>

class QSocketNotifier;

namespace Confab {

// Reads stdin line by line without blocking the event loop, so `producer | confab-cli send`
// sends each line as it comes while the replies to earlier ones are handled. (Where stdin
// cannot be watched, on Windows, it is read to the end at once instead.)
class StdinReader : public QObject
{
    Q_OBJECT
public:
    explicit StdinReader(QObject *parent = nullptr);

    void start();

Q_SIGNALS:
    // One line, without its line break (\n or \r\n), decoded as UTF-8.
    void lineRead(const QString &line);
    // stdin reached its end; every line was handed on.
    void finished();
    void failed(const QString &error);

private:
    void readAvailable();
    void takeLines(bool atEnd);

    QSocketNotifier *m_notifier = nullptr;
    QByteArray m_buffer;
    // How much of m_buffer is known to hold no line break (a long line arrives in many reads).
    qsizetype m_scanned = 0;
};

} // namespace Confab
