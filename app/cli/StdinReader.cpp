#include "StdinReader.h"

#include <QFile>
#include <QSocketNotifier>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace Confab {

StdinReader::StdinReader(QObject *parent)
    : QObject(parent)
{ }

void StdinReader::start()
{
#ifdef Q_OS_UNIX
    m_notifier = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &StdinReader::readAvailable);
#else
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly)) {
        Q_EMIT failed(QStringLiteral("cannot read stdin: %1").arg(in.errorString()));
        return;
    }
    m_buffer = in.readAll();
    takeLines(true);
    Q_EMIT finished();
#endif
}

void StdinReader::readAvailable()
{
#ifdef Q_OS_UNIX
    char chunk[64 * 1024];
    const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (n < 0) {
        if (errno == EINTR || errno == EAGAIN)
            return;
        m_notifier->setEnabled(false);
        Q_EMIT failed(QStringLiteral("cannot read stdin: %1").arg(qt_error_string(errno)));
        return;
    }
    if (n == 0) {
        m_notifier->setEnabled(false);
        takeLines(true);
        Q_EMIT finished();
        return;
    }
    m_buffer.append(chunk, n);
    takeLines(false);
#endif
}

void StdinReader::takeLines(bool atEnd)
{
    qsizetype start = 0;
    for (;;) {
        const qsizetype newline = m_buffer.indexOf('\n', std::max(start, m_scanned));
        if (newline < 0)
            break;
        QByteArray line = m_buffer.mid(start, newline - start);
        if (line.endsWith('\r'))
            line.chop(1);
        start = newline + 1;
        Q_EMIT lineRead(QString::fromUtf8(line));
    }
    m_buffer.remove(0, start);
    m_scanned = m_buffer.size();
    if (atEnd && !m_buffer.isEmpty()) {
        // The last line has no line break.
        if (m_buffer.endsWith('\r'))
            m_buffer.chop(1);
        Q_EMIT lineRead(QString::fromUtf8(m_buffer));
        m_buffer.clear();
        m_scanned = 0;
    }
}

} // namespace Confab
