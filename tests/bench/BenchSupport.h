#pragma once

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <vector>

// What the benchmarks that run Confab against a server of their own share: a failure that ends
// the run (exit 1: something functionally broken, never a low figure), waiting on the event
// loop, and medians printed with every run's figure.
namespace Confab::Bench {

struct Failure : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

[[noreturn]] inline void fail(const QString &what)
{
    throw Failure(what.toStdString());
}

// Runs the event loop until `done` or `timeout`; false on timeout.
inline bool waitFor(const std::function<bool()> &done,
                    std::chrono::milliseconds timeout = std::chrono::seconds(120))
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > timeout.count())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return true;
}

inline double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const size_t mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

// "12.50 13.01 …": every run's figure, with `decimals` places below 100 and none above.
inline QString runs(const std::vector<double> &values, int decimals = 1)
{
    QStringList parts;
    for (double v : values)
        parts << QString::number(v, 'f', v >= 100 ? 0 : decimals);
    return parts.join(u' ');
}

} // namespace Confab::Bench
