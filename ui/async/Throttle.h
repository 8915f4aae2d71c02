#pragma once
// At most one run of an action per interval, the newest request never lost: a request
// inside the interval after the last run (counted from its end) is put off to the interval's end, and the
// requests meanwhile merge into that one run. The views' redraws, the window's snapshot
// updates and the confusion view's sample list use it while a run streams snapshots.

#include <QElapsedTimer>
#include <QObject>

#include <functional>

class QTimer;

namespace ss {

class Throttle : public QObject {
    Q_OBJECT
public:
    // When a request finds the interval already over: run inside request(), or on the
    // event loop's next turn (requests of the same turn then merge as well).
    enum class WhenDue { RunAtOnce, RunOnNextTurn };

    Throttle(int intervalMs, WhenDue whenDue, std::function<void()> action, QObject* parent);

    void setIntervalMs(int intervalMs) { m_intervalMs = intervalMs; }
    int intervalMs() const { return m_intervalMs; }

    // Runs the action now if the interval since the last run is over, otherwise once at its end.
    void request();
    // Runs the action now whatever the interval, and drops a put-off run.
    void runNow();
    // Drops a put-off run; the next request still counts the interval from the last run.
    void cancel();
    // A run is put off and will come.
    bool isPending() const;

private:
    int m_intervalMs;
    WhenDue m_whenDue;
    std::function<void()> m_action;
    QTimer* m_timer;
    QElapsedTimer m_sinceRun;
};

} // namespace ss
