#include "async/Throttle.h"

#include <QTimer>

namespace ss {

Throttle::Throttle(int intervalMs, WhenDue whenDue, std::function<void()> action, QObject* parent)
    : QObject(parent)
    , m_intervalMs(intervalMs)
    , m_whenDue(whenDue)
    , m_action(std::move(action))
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &Throttle::runNow);
}

void Throttle::request()
{
    if (m_timer->isActive())
        return; // merges into the run already put off
    const qint64 since = m_sinceRun.isValid() ? m_sinceRun.elapsed() : m_intervalMs;
    if (since >= m_intervalMs) {
        if (m_whenDue == WhenDue::RunAtOnce)
            runNow();
        else
            m_timer->start(0);
        return;
    }
    m_timer->start(static_cast<int>(m_intervalMs - since));
}

void Throttle::runNow()
{
    m_timer->stop();
    m_action();
    // Counted from the end of the run: a slow action still leaves the interval free.
    m_sinceRun.start();
}

void Throttle::cancel()
{
    m_timer->stop();
}

bool Throttle::isPending() const
{
    return m_timer->isActive();
}

} // namespace ss
