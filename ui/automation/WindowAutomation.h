#pragma once
// Drives the main window to a known state and pictures it, for the tests, the benchmark and
// the headless commands (`sparsescope screenshot`, `export`). Each spins a local event loop
// until done or timed out: none is part of the window's own flow, which never waits.

#include <QImage>
#include <QSize>
#include <QString>

namespace ss {

class MainWindow;

// Spins the event loop for about `ms` milliseconds.
void spin(int ms);
// Until the engine is idle and the window shows (and has drawn) what was last posted.
bool waitUntilSettled(MainWindow& window, int timeoutMs);
// Trains `epochs` more at full speed, then pauses and settles; false when it stopped short.
bool trainAndWait(MainWindow& window, int epochs, int timeoutMs);
// The window ("window") or one view at `size`, after the tradeoff's background jobs.
QImage renderView(MainWindow& window, const QString& viewId, QSize size);
bool renderViewToPng(MainWindow& window, const QString& viewId, const QString& path, QSize size);
// Opens a session and waits until the restored state is shown and the tradeoff's jobs end.
bool openSessionAndWait(MainWindow& window, const QString& path, int timeoutMs, QString* error);

} // namespace ss
