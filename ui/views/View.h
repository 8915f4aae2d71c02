#pragma once
// Base of the plot views. A view keeps the latest snapshot it was given and draws it only
// while it is visible: hidden tabs cost nothing during training, and a tab shown later
// catches up at once (showEvent).

#include "engine/Snapshot.h"

#include <QList>
#include <QWidget>

class QCustomPlot;

namespace ss {

struct Session;
class Throttle;

class View : public QWidget {
    Q_OBJECT
public:
    explicit View(QWidget* parent = nullptr);

    // A short stable name ("training", "confusion", ...) used on the command line.
    virtual QString id() const = 0;
    virtual QString title() const = 0;
    // The plots in this view, for export.
    virtual QList<QCustomPlot*> plots() const = 0;
    // False for a plot that shows only a notice such as "No sweep yet" (exports leave it out).
    virtual bool plotHasContent(const QCustomPlot* plot) const { return plot != nullptr; }

    void setSnapshot(const SnapshotPtr& snapshot);
    const SnapshotPtr& snapshot() const { return m_snapshot; }
    // Draws the latest snapshot now, visible or not (screenshots, tests).
    void renderNow();
    // How many times the view has drawn a snapshot, and the slowest draw (tests, the
    // stall benchmark).
    long renderCount() const { return m_renders; }
    double slowestRenderMs() const { return m_slowestMs; }
    // One tile among the tiled views (MainWindow says so): a narrow view may then leave out
    // its side panels and keep its main plot readable.
    void setInTile(bool inTile);
    bool inTile() const { return m_inTile; }

    // A view keeps its own part of a saved session (SessionController hands the session to
    // every view), so the controller needs to know no view by name.
    // Saving: the view adds its results and its keys of session.app; `shown` is the snapshot
    // the session records.
    virtual void saveSessionState(Session& session, const Snapshot& shown) const {}
    // Opening, once the engine has accepted the session: the view takes back its settings.
    virtual void restoreSessionState(const Session& session) {}
    // Opening, when the first snapshot of the restored model arrives: results computed from
    // that model (generation `modelGeneration`).
    virtual void restoreSessionResults(const Session& session, std::uint64_t modelGeneration) {}

protected:
    virtual void render(const Snapshot& snapshot) = 0;
    // A view that is costly to draw (large heatmaps) redraws, while a run streams snapshots,
    // at most once per twice its last draw's cost (render and replot): it then takes at most a
    // third of the GUI thread, and the newest snapshot shows within that interval (a fixed
    // 250 ms made the weights view trail the others by 200 ms after a drag).
    virtual bool costlyToDraw() const { return false; }
    // The view's layout for one plot: a bar of switches on the right above it.
    void layOutPlotWithSwitches(QCustomPlot* plot, const QList<QWidget*>& switches);
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    // Shows or hides side panels for the view's width and tile state; called on resize and
    // when the tile state changes.
    virtual void fitPanelsToWidth() {}

private:
    void draw();
    int redrawIntervalMs() const;

    SnapshotPtr m_snapshot;
    bool m_dirty = false;
    bool m_inTile = false;
    long m_renders = 0;
    double m_slowestMs = 0;
    double m_lastRenderMs = 0;
    Throttle* m_redraw;
};

} // namespace ss
