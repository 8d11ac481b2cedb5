#pragma once

#include <QObject>

class QSocketNotifier;

namespace Confab {

// Turns SIGTERM, SIGINT and SIGHUP into a signal in the event loop, so that a session logout,
// `kill` or Ctrl+C quits the way the Quit action does: the outbox saved, the private server
// released. Unix only; elsewhere it never fires. At most one may exist at a time.
class QuitSignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit QuitSignalWatcher(QObject *parent = nullptr);
    ~QuitSignalWatcher() override;

Q_SIGNALS:
    void quitRequested(int signalNumber);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace Confab
