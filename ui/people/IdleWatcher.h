#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <chrono>

namespace Confab {

// Says when the user has not touched Confab for a while, and when they are back: every key
// press, click, wheel turn, touch or mouse move in any of its windows counts. What happens in
// other applications is not seen (that would need the windowing system's idle time), so the
// limit is "no input to Confab", which is what "away on idle" means in most chat clients that
// run on every platform.
class IdleWatcher : public QObject
{
    Q_OBJECT
public:
    explicit IdleWatcher(QObject *parent = nullptr);
    ~IdleWatcher() override;

    // 0 turns it off (and ends an idle period).
    void setLimit(std::chrono::milliseconds limit);
    bool isIdle() const { return m_idle; }

Q_SIGNALS:
    void idleChanged(bool idle);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void check();
    void setIdle(bool idle);

    std::chrono::milliseconds m_limit{0};
    QElapsedTimer m_sinceInput;
    QTimer m_timer;
    bool m_idle = false;
};

} // namespace Confab
