#include "views/TradeoffView.h"

#include "session/Session.h"

#include <qcustomplot.h>

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>

namespace ss {

TradeoffView::TradeoffView(QWidget* parent)
    : View(parent)
    , m_status(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_cancelButton(new QPushButton(QStringLiteral("Cancel"), this))
    , m_scan(new ScanPanel(this))
    , m_sweep(new SweepPanel(this))
    , m_path(new PathPanel(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(8, 4, 8, 4);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_progress->setRange(0, BackgroundJob<int>::kProgressSteps);
    m_progress->setMaximumWidth(120);
    m_progress->setMaximumHeight(16);
    m_progress->setTextVisible(false);
    m_progress->hide();
    m_cancelButton->hide();
    bar->addWidget(m_status, 1);
    bar->addWidget(m_progress);
    bar->addWidget(m_cancelButton);
    bar->addSpacing(12);
    for (TradeoffPanel* panel : panels())
        for (QWidget* widget : panel->barWidgets())
            bar->addWidget(widget);
    layout->addLayout(bar);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(m_scan);
    auto* right = new QSplitter(Qt::Vertical);
    m_sweepAndPath = right;
    right->setChildrenCollapsible(false);
    right->addWidget(m_sweep);
    right->addWidget(m_path);
    splitter->addWidget(right);
    splitter->setSizes({1100, 900});
    layout->addWidget(splitter, 1);

    for (TradeoffPanel* panel : panels()) {
        connect(panel, &TradeoffPanel::jobChanged, this, &TradeoffView::updateStatus);
        connect(panel, &TradeoffPanel::redrawWanted, this, [this] {
            if (snapshot())
                renderNow();
        });
    }
    connect(m_scan, &ScanPanel::targetSparsityPicked, this, &TradeoffView::targetSparsityPicked);
    connect(m_sweep, &SweepPanel::rowChosen, this, &TradeoffView::sweepRowChosen);
    connect(m_cancelButton, &QPushButton::clicked, this, [this] {
        for (TradeoffPanel* panel : panels())
            panel->cancelJob();
    });
}

void TradeoffView::fitPanelsToWidth()
{
    // Three plots in a narrow tile are three unreadable ones: the scan alone then.
    const bool shown = !inTile() || width() >= 40 * fontMetrics().height();
    if (m_sweepAndPath->isVisibleTo(this) == shown)
        return;
    m_sweepAndPath->setVisible(shown);
    // The scan takes the whole width then, and gives it back after.
    auto* splitter = static_cast<QSplitter*>(m_sweepAndPath->parentWidget());
    splitter->setSizes(shown ? QList<int>{1100, 900} : QList<int>{1, 0});
}

bool TradeoffView::plotHasContent(const QCustomPlot* plot) const
{
    for (const TradeoffPanel* panel : panels())
        if (panel->plot() == plot)
            return panel->hasContent();
    return false;
}

bool TradeoffView::isBusy() const
{
    const QList<TradeoffPanel*> all = panels();
    return std::any_of(all.begin(), all.end(), [](const TradeoffPanel* panel) { return !panel->runningJob().isEmpty(); });
}

void TradeoffView::updateStatus()
{
    QStringList jobs;
    QStringList problems;
    int progress = BackgroundJob<int>::kProgressSteps;
    for (const TradeoffPanel* panel : panels()) {
        if (!panel->runningJob().isEmpty()) {
            jobs << panel->runningJob();
            progress = std::min(progress, panel->jobProgress());
        }
        if (!panel->problem().isEmpty())
            problems << panel->problem();
    }
    m_progress->setVisible(!jobs.isEmpty());
    m_cancelButton->setVisible(!jobs.isEmpty());
    m_progress->setValue(progress);
    if (!jobs.isEmpty()) {
        m_status->setText(QStringLiteral("Working: %1\u2026").arg(jobs.join(QStringLiteral(", "))));
        return;
    }
    const SnapshotPtr& s = snapshot();
    if (!problems.isEmpty())
        m_status->setText(problems.join(QStringLiteral("; ")));
    else if (s && s->running)
        m_status->setText(QStringLiteral("Training: the scan is redone when training pauses."));
    else if (m_scan->result())
        m_status->setText(QStringLiteral("Drag along the scan to prune the shown model; the red circle is where it is now."));
    else
        m_status->setText(QString());
}

void TradeoffView::render(const Snapshot&)
{
    for (TradeoffPanel* panel : panels())
        panel->showSnapshot(snapshot());
    updateStatus();
}

void TradeoffView::saveSessionState(Session& session, const Snapshot& shown) const
{
    // A scan is redone whenever training pauses: while it runs, the one shown is of older weights.
    if (scanResult() && !shown.running && !isBusy())
        session.pruneScan = *scanResult();
    if (sweepResult())
        session.sweep = SessionSweep{sweepGrid(), sweepOptions(), *sweepResult()};
    session.app["per_layer_sensitivity"] = perLayerSensitivity();
}

void TradeoffView::restoreSessionState(const Session& session)
{
    // The app object is carried verbatim: anything but a boolean means off.
    const auto perLayer = session.app.find("per_layer_sensitivity");
    setPerLayerSensitivity(perLayer != session.app.end() && perLayer->is_boolean() && perLayer->get<bool>());
}

void TradeoffView::restoreSessionResults(const Session& session, std::uint64_t modelGeneration)
{
    // The sweep belongs to the restored model: it comes with that model's generation.
    if (session.sweep)
        setSweep(session.sweep->result, session.sweep->grid, session.sweep->options, modelGeneration);
}

} // namespace ss
