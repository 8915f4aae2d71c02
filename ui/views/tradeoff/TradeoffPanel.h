#pragma once
// One of the tradeoff view's three panels (views/TradeoffView.h): a plot with the controls it
// puts in the view's bar and, while it computes, a background job the bar reports on.

#include "engine/Snapshot.h"

#include <QList>
#include <QWidget>

class QCPItemText;
class QCPTextElement;
class QCustomPlot;

namespace ss {

class TradeoffPanel : public QWidget {
    Q_OBJECT
public:
    explicit TradeoffPanel(const QString& plotName, QWidget* parent = nullptr);

    QCustomPlot* plot() const { return m_plot; }
    // The panel's buttons and switches, for the view's bar.
    virtual QList<QWidget*> barWidgets() const = 0;
    // The latest snapshot, drawn as the panel needs (a view's render calls this).
    void showSnapshot(const SnapshotPtr& snapshot);
    // False while the plot shows only a notice (exports leave it out).
    virtual bool hasContent() const = 0;
    // While a job runs: what it does, for the bar ("sweep"); empty otherwise.
    virtual QString runningJob() const = 0;
    // The running job's progress in [0, 1000].
    virtual int jobProgress() const = 0;
    virtual void cancelJob() = 0;
    // The last job's failure, until the next one starts; empty when none failed.
    const QString& problem() const { return m_problem; }

signals:
    // A job started, moved on or ended: the bar reads the panels again.
    void jobChanged();
    // Something the panel shows changed outside a render: the view draws again.
    void redrawWanted();

protected:
    virtual void render(const Snapshot& snapshot) = 0;
    const SnapshotPtr& snapshot() const { return m_snapshot; }
    // A title row above the plot, wrapped to its width.
    QCPTextElement* addTitle(const QString& text);
    // A centred notice over the plot ("No sweep yet", a failure).
    QCPItemText* addNotice();

    QString m_problem;

private:
    QCustomPlot* m_plot;
    SnapshotPtr m_snapshot;
};

} // namespace ss
