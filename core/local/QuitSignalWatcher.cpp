#include "QuitSignalWatcher.h"

#include <QSocketNotifier>
#include <QtGlobal>

#ifdef Q_OS_UNIX
#include <csignal>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace Confab {

#ifdef Q_OS_UNIX
namespace {

// The handler may only do async-signal-safe things: it writes the signal's number to a socket
// that the event loop watches.
int s_fds[2] = {-1, -1};
constexpr int Signals[] = {SIGTERM, SIGINT, SIGHUP};

void onSignal(int number)
{
    const unsigned char byte = static_cast<unsigned char>(number);
    [[maybe_unused]] const auto written = ::write(s_fds[0], &byte, 1);
}

} // namespace
#endif

QuitSignalWatcher::QuitSignalWatcher(QObject *parent)
    : QObject(parent)
{
#ifdef Q_OS_UNIX
    Q_ASSERT(s_fds[0] < 0);
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, s_fds) != 0) {
        qWarning("confab: socketpair failed; SIGTERM will end the process without cleaning up");
        s_fds[0] = s_fds[1] = -1;
        return;
    }
    for (int fd : s_fds) {
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    m_notifier = new QSocketNotifier(s_fds[1], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, [this] {
        unsigned char byte = 0;
        while (::read(s_fds[1], &byte, 1) == 1)
            Q_EMIT quitRequested(byte);
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (int number : Signals)
        ::sigaction(number, &action, nullptr);
#endif
}

QuitSignalWatcher::~QuitSignalWatcher()
{
#ifdef Q_OS_UNIX
    if (s_fds[0] < 0)
        return;
    struct sigaction action = {};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    for (int number : Signals)
        ::sigaction(number, &action, nullptr);
    ::close(s_fds[0]);
    ::close(s_fds[1]);
    s_fds[0] = s_fds[1] = -1;
#endif
}

} // namespace Confab
