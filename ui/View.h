#pragma once
// Base of the plot views. A view keeps the latest snapshot it was given and draws it only
// while it is visible: hidden tabs cost nothing during training, and a tab shown later
// catches up at once (showEvent).

#include "Snapshot.h"

#include <QList>
#include <QWidget>

class QCustomPlot;

namespace ss {

class View : public QWidget {
    Q_OBJECT
public:
    explicit View(QWidget* parent = nullptr);

    // A short stable name ("training", "confusion", ...) used on the command line.
    virtual QString id() const = 0;
    virtual QString title() const = 0;
    // The plots in this view, for export.
    virtual QList<QCustomPlot*> plots() const = 0;

    void setSnapshot(const SnapshotPtr& snapshot);
    const SnapshotPtr& snapshot() const { return m_snapshot; }
    // Draws the latest snapshot now, visible or not (screenshots, tests).
    void renderNow();
    // How many times the view has drawn a snapshot (tests, the stall benchmark).
    long renderCount() const { return m_renders; }

protected:
    virtual void render(const Snapshot& snapshot) = 0;
    void showEvent(QShowEvent* event) override;

private:
    SnapshotPtr m_snapshot;
    bool m_dirty = false;
    long m_renders = 0;
};

} // namespace ss
