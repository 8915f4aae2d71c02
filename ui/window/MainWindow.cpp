#include "window/MainWindow.h"

#include "async/Throttle.h"

#include "window/AppSettings.h"
#include "views/BoundaryView.h"
#include "views/ConfusionView.h"
#include "controls/ControlPanel.h"
#include "views/EfficiencyView.h"
#include "controls/HeadlineBar.h"
#include "window/HelpDialog.h"
#include "plot/PlotStyle.h"
#include "controls/Presets.h"
#include "window/SessionController.h"
#include "views/TradeoffView.h"
#include "views/TrainingView.h"
#include "views/WeightsView.h"

#include <qcustomplot.h>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QEventLoop>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontMetrics>
#include <QGridLayout>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>

namespace ss {

namespace {
// Views are redrawn at most this often (STYLE.md: throttle, don't flood).
constexpr int kApplyIntervalMs = 33;
// Presentation mode's text size against the desktop's.
constexpr double kPresentationFontScale = 1.3;
// Setting changes closer together than this (a drag) are undone as one; how many are kept.
constexpr int kUndoGroupMs = 800;
constexpr int kUndoDepth = 50;
// Windows shorter than this show the headline cards on one line each.
constexpr int kCompactHeadlineBelowHeight = 860;

} // namespace

MainWindow::MainWindow()
    : MainWindow(Options{})
{
}

MainWindow::MainWindow(const Options& options, QWidget* parent)
    : QMainWindow(parent)
    , m_options(options)
    , m_engine(new Engine(this))
{
    setWindowTitle(QStringLiteral("SparseScope \u2014 accuracy, sparsity and precision"));
    if (m_options.useSettings)
        m_settings = m_options.settingsFile.isEmpty() ? new AppSettings(this) : new AppSettings(m_options.settingsFile, this);

    m_applyThrottle = new Throttle(kApplyIntervalMs, Throttle::WhenDue::RunOnNextTurn, [this] { applySnapshot(); }, this);
    m_renderTimer = new QTimer(this);
    m_renderTimer->setSingleShot(true);
    m_renderTimer->setInterval(0);

    buildLayout();
    // Sessions and exports (File menu, close prompt) live in a class of their own.
    m_sessions = new SessionController(this, m_settings);
    buildActions();
    connectSignals();

    ControlState state;
    if (m_settings) {
        state = m_settings->controls();
        const QByteArray geometry = m_settings->windowGeometry();
        if (!geometry.isEmpty())
            restoreGeometry(geometry);
        else
            resize(1480, 940);
        // Saved on another (larger) screen, or before a projector was plugged in.
        fitToScreen();
        const QByteArray windowState = m_settings->windowState();
        if (!windowState.isEmpty())
            restoreState(windowState);
        showView(m_settings->currentView());
        if (m_settings->tiledViews())
            m_tiledAction->setChecked(true);
    } else {
        resize(1480, 940);
        fitToScreen();
    }
    m_startSize = size();
    m_controls->setState(state);
    clearUndo();
    m_activeDataset = state.dataset;
    postAll();
    updateRunActions();
}

MainWindow::~MainWindow()
{
    // The engine's destructor stops the worker; views may still hold snapshots, which
    // own everything they refer to.
    delete m_engine;
    m_engine = nullptr;
}

void MainWindow::buildLayout()
{
    m_views = {new TrainingView, new TradeoffView, new ConfusionView, new BoundaryView, new WeightsView, new EfficiencyView};

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->setSpacing(4);
    m_problemBanner = new MessageBanner(central);
    m_lessonBanner = new MessageBanner(central);
    m_headline = new HeadlineBar(central);
    layout->addWidget(m_problemBanner);
    layout->addWidget(m_lessonBanner);
    layout->addWidget(m_headline);

    m_viewStack = new QStackedWidget(central);
    m_tabs = new QTabWidget;
    m_tabs->setDocumentMode(true);
    for (View* view : m_views)
        m_tabs->addTab(view, view->title());
    m_tiles = new QWidget;
    new QGridLayout(m_tiles);
    // Tiles never shrink below a readable size: when the rows do not fit, they scroll.
    m_tilesScroll = new QScrollArea;
    m_tilesScroll->setWidget(m_tiles);
    m_tilesScroll->setWidgetResizable(true);
    m_tilesScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_tilesScroll->setFrameShape(QFrame::NoFrame);
    m_viewStack->addWidget(m_tabs);
    m_viewStack->addWidget(m_tilesScroll);
    layout->addWidget(m_viewStack, 1);
    setCentralWidget(central);
    // The tiles follow the room the views get.
    m_tilesScroll->installEventFilter(this);

    m_controls = new ControlPanel;
    auto* scroll = new QScrollArea;
    m_controlsScroll = scroll;
    scroll->setWidget(m_controls);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFrameShape(QFrame::NoFrame);
    updateControlsWidth();
    auto* dock = new QDockWidget(QStringLiteral("Controls"), this);
    dock->setObjectName(QStringLiteral("controlsDock"));
    dock->setWidget(scroll);
    // Closable, so that View > Controls can hide it for more room and bring it back.
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable | QDockWidget::DockWidgetClosable);
    addDockWidget(Qt::LeftDockWidgetArea, dock);

    m_statusEpoch = new QLabel;
    m_statusSpeed = new QLabel;
    m_statusMetrics = new QLabel;
    m_busy = new QProgressBar;
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->setMaximumHeight(14);
    m_busy->hide();
    statusBar()->addWidget(m_statusEpoch);
    statusBar()->addWidget(m_statusSpeed);
    statusBar()->addPermanentWidget(m_busy);
    statusBar()->addPermanentWidget(m_statusMetrics);
}

void MainWindow::updateControlsWidth()
{
    // Wide enough for the panel's widest row and the scroll bar: the panel never scrolls
    // sideways, so anything narrower would clip it.
    m_controlsScroll->setMinimumWidth(m_controls->minimumSizeHint().width()
                                      + m_controlsScroll->verticalScrollBar()->sizeHint().width() + 2);
}

void MainWindow::fitToScreen()
{
    const QScreen* screen = this->screen();
    if (!screen)
        return;
    const QRect available = screen->availableGeometry();
    const QSize frameExtra = frameGeometry().size() - size();
    const QSize wanted = size().boundedTo(available.size() - frameExtra).expandedTo(minimumSizeHint());
    if (wanted != size())
        resize(wanted);
    QRect frame = frameGeometry();
    frame.moveLeft(std::clamp(frame.left(), available.left(), std::max(available.left(), available.right() - frame.width() + 1)));
    frame.moveTop(std::clamp(frame.top(), available.top(), std::max(available.top(), available.bottom() - frame.height() + 1)));
    if (frame.topLeft() != frameGeometry().topLeft())
        move(frame.topLeft());
}

void MainWindow::setPresentationFont(bool on)
{
    // The whole window reads from the back row, not only the plots: menus, tabs, headline
    // numbers and controls all follow the window's font.
    if (on) {
        QFont large = QApplication::font();
        large.setPointSizeF(large.pointSizeF() * kPresentationFontScale);
        setFont(large);
    } else {
        setFont(QFont());
    }
    updateControlsWidth();
    // Larger text asks for larger tiles.
    if (m_tiledAction && m_tiledAction->isChecked())
        arrangeTiles();
    fitToScreen();
}

void MainWindow::buildActions()
{
    QStyle* style = QApplication::style();
    m_trainAction = new QAction(style->standardIcon(QStyle::SP_MediaPlay), QStringLiteral("&Train"), this);
    m_trainAction->setShortcut(QKeySequence(Qt::Key_Space));
    m_trainAction->setToolTip(QStringLiteral("Train / pause (Space). Training continues from the current weights."));
    m_stepAction = new QAction(style->standardIcon(QStyle::SP_MediaSkipForward), QStringLiteral("&Step"), this);
    m_stepAction->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Right), QKeySequence(Qt::Key_Period)});
    m_stepAction->setToolTip(QStringLiteral("One optimiser step on one mini-batch, then pause (Ctrl+Right)."));
    m_resetAction = new QAction(style->standardIcon(QStyle::SP_BrowserReload), QStringLiteral("&Reset"), this);
    m_resetAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_resetAction->setToolTip(QStringLiteral("Start again from fresh initial weights (Ctrl+R); the curves are cleared."));
    m_openAction = new QAction(style->standardIcon(QStyle::SP_DialogOpenButton), QStringLiteral("&Open CSV\u2026"), this);
    m_openAction->setShortcut(QKeySequence::Open);
    m_openAction->setToolTip(QStringLiteral("Load your own data from a CSV file (Ctrl+O)."));
    m_tiledAction = new QAction(QStringLiteral("All views &tiled"), this);
    m_tiledAction->setCheckable(true);
    m_tiledAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    m_tiledAction->setToolTip(QStringLiteral("Show every view at once, side by side (Ctrl+T), or one at a time in tabs."));
    m_helpAction = new QAction(style->standardIcon(QStyle::SP_DialogHelpButton), QStringLiteral("&Help"), this);
    m_helpAction->setShortcut(QKeySequence::HelpContents);
    m_helpAction->setToolTip(QStringLiteral("What sparsity, proximal L1, pruning, quantization and F1 are (F1)."));

    auto* quit = new QAction(QStringLiteral("&Quit"), this);
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu* file = menuBar()->addMenu(QStringLiteral("&File"));
    file->addAction(m_openAction);
    file->addSeparator();
    file->addAction(quit);
    m_sessions->addFileActions(file, quit);

    QMenu* training = menuBar()->addMenu(QStringLiteral("&Training"));
    training->addAction(m_trainAction);
    training->addAction(m_stepAction);
    training->addAction(m_resetAction);

    QMenu* edit = menuBar()->addMenu(QStringLiteral("&Edit"));
    m_undoAction = edit->addAction(QStringLiteral("&Undo Setting Change"));
    m_undoAction->setShortcut(QKeySequence::Undo);
    m_undoAction->setToolTip(QStringLiteral("Puts back the pruning, precision or training settings as they were before the "
                                            "last change (Ctrl+Z); a drag counts as one change."));
    m_undoAction->setEnabled(false);
    connect(m_undoAction, &QAction::triggered, this, &MainWindow::undoSettingChange);

    QMenu* presetMenu = menuBar()->addMenu(QStringLiteral("&Presets"));
    for (const Preset& preset : presets()) {
        QAction* action = presetMenu->addAction(preset.title);
        action->setToolTip(preset.lesson);
        const QString id = preset.id;
        connect(action, &QAction::triggered, this, [this, id] { applyPreset(id); });
    }
    presetMenu->setToolTipsVisible(true);

    QMenu* viewMenu = menuBar()->addMenu(QStringLiteral("&View"));
    for (int i = 0; i < m_views.size(); ++i) {
        QAction* action = viewMenu->addAction(m_views[i]->title());
        action->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
        const QString id = m_views[i]->id();
        connect(action, &QAction::triggered, this, [this, id] { showView(id); });
    }
    viewMenu->addSeparator();
    viewMenu->addAction(m_tiledAction);
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        viewMenu->addAction(dock->toggleViewAction());
    m_sessions->addViewActions(viewMenu);

    QMenu* help = menuBar()->addMenu(QStringLiteral("&Help"));
    help->addAction(m_helpAction);
    const QList<QPair<QString, QString>> sections = {
        {QStringLiteral("Sparsity"), QStringLiteral("sparsity")},
        {QStringLiteral("Proximal vs naive L1"), QStringLiteral("l1")},
        {QStringLiteral("Pruning"), QStringLiteral("pruning")},
        {QStringLiteral("Quantization"), QStringLiteral("quantization")},
        {QStringLiteral("Accuracy, precision, recall, F1"), QStringLiteral("metrics")},
        {QStringLiteral("Confusion matrix"), QStringLiteral("confusion")},
        {QStringLiteral("The article's worked example"), QStringLiteral("article")},
        {QStringLiteral("Efficiency estimate"), QStringLiteral("efficiency")},
    };
    for (const auto& [title, anchor] : sections) {
        QAction* action = help->addAction(title);
        const QString section = anchor;
        connect(action, &QAction::triggered, this, [this, section] { showHelp(section); });
    }
    help->addSeparator();
    QAction* about = help->addAction(QStringLiteral("About SparseScope"));
    connect(about, &QAction::triggered, this, [this] {
        QMessageBox::about(this, QStringLiteral("About SparseScope"),
                           QStringLiteral("<b>SparseScope %1</b><p>Explore how a model's accuracy trades against its sparsity "
                                          "and precision: train, then drag the regularisation, pruning and precision "
                                          "controls and watch the metrics follow.</p><p>Qt %2, QCustomPlot 2.1, Eigen 3.4.</p>")
                               .arg(QApplication::applicationVersion().isEmpty() ? QStringLiteral("0.1")
                                                                                  : QApplication::applicationVersion(),
                                    QString::fromLatin1(qVersion())));
    });

    QToolBar* toolbar = addToolBar(QStringLiteral("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolbar"));
    toolbar->setMovable(false);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addAction(m_trainAction);
    toolbar->addAction(m_stepAction);
    toolbar->addAction(m_resetAction);
    toolbar->addSeparator();
    auto* presetButton = new QToolButton(toolbar);
    presetButton->setText(QStringLiteral("Presets"));
    presetButton->setIcon(style->standardIcon(QStyle::SP_FileDialogContentsView));
    presetButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    presetButton->setPopupMode(QToolButton::InstantPopup);
    presetButton->setMenu(presetMenu);
    presetButton->setToolTip(QStringLiteral("Ready-made lessons: a dataset, model and settings that show one idea well."));
    toolbar->addWidget(presetButton);
    toolbar->addAction(m_openAction);
    toolbar->addSeparator();
    toolbar->addAction(m_tiledAction);
    toolbar->addAction(m_helpAction);

    connect(m_trainAction, &QAction::triggered, this, &MainWindow::toggleTraining);
    connect(m_stepAction, &QAction::triggered, this, &MainWindow::stepOnce);
    connect(m_resetAction, &QAction::triggered, this, &MainWindow::resetTraining);
    connect(m_openAction, &QAction::triggered, this, &MainWindow::openCsvDialog);
    connect(m_tiledAction, &QAction::toggled, this, &MainWindow::setTiled);
    connect(m_helpAction, &QAction::triggered, this, [this] { showHelp(); });
}

void MainWindow::connectSignals()
{
    connect(m_engine, &Engine::snapshotReady, this, &MainWindow::onSnapshot);
    connect(m_engine, &Engine::problem, this, &MainWindow::onProblem);
    connect(m_engine, &Engine::busy, this, &MainWindow::onBusy);
    connect(m_renderTimer, &QTimer::timeout, this, &MainWindow::renderNextView);

    connect(m_controls, &ControlPanel::datasetRequested, this, [this](const DatasetRequest& request) {
        m_problemBanner->hide();
        // A lesson is about its own data: other data ends it.
        m_lessonBanner->hide();
        clearUndo();
        m_engine->setDataset(resolvedRequest(request), m_controls->state().model);
    });
    connect(m_controls, &ControlPanel::modelChanged, this, [this](const ModelSpec& model) {
        clearUndo();
        m_engine->setModel(model);
    });
    connect(m_controls, &ControlPanel::trainingChanged, this, [this](const TrainingConfig& config) {
        noteUndoableChange();
        m_engine->setTraining(config);
    });
    connect(m_controls, &ControlPanel::compressionChanged, this, [this](const CompressionSetting& setting) {
        noteUndoableChange();
        m_engine->setCompression(setting);
    });
    connect(m_controls, &ControlPanel::comparisonChanged, this, [this](ComparisonKind kind) { m_engine->setComparison(kind); });
    connect(m_controls, &ControlPanel::positiveClassChanged, this, [this] {
        // Nothing to recompute: the same snapshot, its binary reports quoting the other class.
        if (m_received && !m_pending) {
            m_pending = m_received;
            applySnapshot();
        }
    });
    connect(m_controls, &ControlPanel::paceChanged, this, [this](double pace) { m_engine->setPace(pace); });
    connect(m_controls, &ControlPanel::epochLimitChanged, this, [this](int epochs) { m_engine->setEpochLimit(epochs); });
    connect(m_controls, &ControlPanel::applyPruningRequested, this, [this](const PruningSpec& spec) { m_engine->applyPruning(spec); });
    connect(m_controls, &ControlPanel::openCsvRequested, this, &MainWindow::openCsvDialog);

    for (View* view : m_views) {
        if (auto* weights = qobject_cast<WeightsView*>(view))
            connect(weights, &WeightsView::thresholdDragged, m_controls, &ControlPanel::setThresholdFromPlot);
        if (auto* tradeoff = qobject_cast<TradeoffView*>(view)) {
            connect(tradeoff, &TradeoffView::targetSparsityPicked, m_controls, &ControlPanel::setTargetSparsityFromPlot);
            connect(tradeoff, &TradeoffView::sweepRowChosen, this, &MainWindow::loadSweepRow);
        }
        if (auto* efficiency = qobject_cast<EfficiencyView*>(view))
            connect(efficiency, &EfficiencyView::energyTableChanged, this, [this](const EnergyTable& table) { m_engine->setEnergyTable(table); });
    }
}

void MainWindow::postAll()
{
    const ControlState state = m_controls->state();
    m_engine->setTraining(state.trainingConfig());
    m_engine->setCompression(state.compression());
    m_engine->setComparison(state.compare);
    m_engine->setPace(state.pace);
    m_engine->setEpochLimit(state.epochLimit);
    m_engine->setDataset(resolvedRequest(state.dataset), state.model);
}

QStringList MainWindow::viewIds() const
{
    QStringList ids;
    for (View* view : m_views)
        ids << view->id();
    return ids;
}

View* MainWindow::view(const QString& id) const
{
    for (View* view : m_views)
        if (view->id() == id)
            return view;
    return nullptr;
}

void MainWindow::showView(const QString& id)
{
    if (View* v = view(id)) {
        if (m_tiledAction && m_tiledAction->isChecked()) {
            m_tilesScroll->ensureWidgetVisible(v, 0, 0);
            return;
        }
        m_tabs->setCurrentWidget(v);
    }
}

QSize MainWindow::tileMinimumSize() const
{
    // Room for a plot title on two lines, a legend and axes whose labels do not collide, at
    // the window's font (Presentation mode asks for larger tiles).
    const QFontMetrics metrics(font());
    return {40 * metrics.averageCharWidth(), 19 * metrics.height()};
}

void MainWindow::setTiled(bool tiled)
{
    // Called directly (tests, the benchmark) or through the action: both stay in step.
    if (m_tiledAction && m_tiledAction->isChecked() != tiled) {
        m_tiledAction->setChecked(tiled); // re-enters through toggled
        return;
    }
    QWidget* current = m_tabs->currentWidget();
    if (tiled) {
        for (View* view : m_views) {
            m_tabs->removeTab(m_tabs->indexOf(view));
            view->setInTile(true);
        }
        m_tileGrid = {};
        arrangeTiles();
        m_viewStack->setCurrentWidget(m_tilesScroll);
    } else {
        auto* grid = static_cast<QGridLayout*>(m_tiles->layout());
        for (View* view : m_views) {
            grid->removeWidget(view);
            view->setInTile(false);
            m_tabs->addTab(view, view->title());
        }
        m_tileGrid = {};
        if (current)
            m_tabs->setCurrentWidget(current);
        m_viewStack->setCurrentWidget(m_tabs);
    }
    if (m_shown)
        for (View* view : m_views)
            view->setSnapshot(m_shown);
}

void MainWindow::arrangeTiles()
{
    const int count = static_cast<int>(m_views.size());
    const int spacing = 6;
    const QSize least = tileMinimumSize();
    // The width left beside a vertical scroll bar, shown or not, so that its coming and
    // going never changes the columns.
    const int room = m_tilesScroll->width() - m_tilesScroll->verticalScrollBar()->sizeHint().width();
    const int columns = std::clamp((room + spacing) / (least.width() + spacing), 1, 3);
    const int rows = (count + columns - 1) / columns;
    m_tiles->setMinimumHeight(rows * least.height() + (rows - 1) * spacing);
    const QSize tileGrid(columns, rows);
    if (tileGrid == m_tileGrid)
        return;
    m_tileGrid = tileGrid;

    auto* grid = static_cast<QGridLayout*>(m_tiles->layout());
    for (View* view : m_views)
        grid->removeWidget(view);
    for (int c = 0; c < grid->columnCount(); ++c)
        grid->setColumnStretch(c, 0);
    for (int r = 0; r < grid->rowCount(); ++r)
        grid->setRowStretch(r, 0);
    for (int i = 0; i < count; ++i) {
        grid->addWidget(m_views[i], i / columns, i % columns);
        m_views[i]->show();
    }
    // Equal shares, whatever each view would like.
    for (int c = 0; c < columns; ++c)
        grid->setColumnStretch(c, 1);
    for (int r = 0; r < rows; ++r)
        grid->setRowStretch(r, 1);
    grid->setSpacing(spacing);
    grid->setContentsMargins(0, 0, 0, 0);
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_tilesScroll && event->type() == QEvent::Resize && m_tiledAction && m_tiledAction->isChecked())
        arrangeTiles();
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::onSnapshot(const SnapshotPtr& snapshot)
{
    // Stale: something newer is already shown or waiting.
    if (!snapshot || snapshot->generation < m_newestGeneration)
        return;
    m_newestGeneration = snapshot->generation;
    m_pending = snapshot;
    m_applyThrottle->request();
}

void MainWindow::applySnapshot()
{
    if (!m_pending)
        return;
    m_received = std::move(m_pending);
    m_pending.reset();
    m_shown = withPositiveClass(m_received, m_controls->state().positiveClass);
    const Snapshot& s = *m_shown;
    m_activeDataset = s.datasetRequest;

    if (m_trainRequested && s.generation >= m_trainGeneration && !s.running) {
        // The engine stopped by itself: epoch limit reached or divergence.
        m_trainRequested = false;
        updateRunActions();
    }

    m_headline->showSnapshot(s);
    m_controls->showSnapshot(s);
    updateRunActions();
    m_statusEpoch->setText(QStringLiteral("Epoch %1 \u00b7 %2 steps").arg(s.epoch).arg(s.steps));
    if (s.heldForDrag)
        m_statusSpeed->setText(QStringLiteral("training holds while the slider moves"));
    else if (s.running)
        m_statusSpeed->setText(QStringLiteral("%1 steps/s").arg(formatCount(s.stepsPerSecond)));
    else
        m_statusSpeed->setText(s.status.empty() ? QStringLiteral("paused") : QString::fromStdString(s.status));
    m_statusMetrics->setText(QStringLiteral("accuracy %1 \u00b7 macro-F1 %2 \u00b7 sparsity %3")
                                 .arg(s.evaluation.report.accuracy, 0, 'f', 3)
                                 .arg(s.evaluation.report.macro.f1, 0, 'f', 3)
                                 .arg(formatPercent(s.evaluation.weights.sparsity)));

    // Views draw one per event-loop turn, so that input and timers get in between.
    m_renderQueue.clear();
    for (View* view : m_views) {
        if (view->isVisible())
            m_renderQueue.push_back(view);
        else
            view->setSnapshot(m_shown); // hidden: just remember it, drawn when shown
    }
    if (!m_renderQueue.isEmpty())
        m_renderTimer->start();
}

void MainWindow::renderNextView()
{
    while (!m_renderQueue.isEmpty()) {
        QPointer<View> view = m_renderQueue.takeFirst();
        if (view && m_shown) {
            view->setSnapshot(m_shown);
            break;
        }
    }
    if (!m_renderQueue.isEmpty())
        m_renderTimer->start();
}

void MainWindow::onProblem(Engine::ProblemKind kind, const QString& title, const QString& message)
{
    m_lastProblem = title + QStringLiteral(": ") + message;
    switch (kind) {
    case Engine::ProblemKind::Dataset:
        m_problemBanner->showMessage(MessageBanner::Kind::Error, title, message);
        m_controls->revertDataset(m_activeDataset);
        m_controls->showDatasetMessage(title + QStringLiteral(" \u2014 see the message above the plots."), true);
        break;
    case Engine::ProblemKind::Settings:
        m_problemBanner->showMessage(MessageBanner::Kind::Warning, title, message);
        break;
    case Engine::ProblemKind::Divergence:
        m_trainRequested = false;
        updateRunActions();
        m_problemBanner->showMessage(MessageBanner::Kind::Warning, title, message);
        break;
    case Engine::ProblemKind::Internal:
        m_trainRequested = false;
        updateRunActions();
        m_problemBanner->showMessage(MessageBanner::Kind::Error, title, message);
        break;
    }
    statusBar()->showMessage(title, 8000);
}

void MainWindow::onBusy(const QString& what)
{
    m_busy->setVisible(!what.isEmpty());
    if (!what.isEmpty())
        statusBar()->showMessage(what);
    else
        statusBar()->clearMessage();
}

void MainWindow::updateRunActions()
{
    QStyle* style = QApplication::style();
    if (m_trainRequested) {
        m_trainAction->setText(QStringLiteral("&Pause"));
        m_trainAction->setIcon(style->standardIcon(QStyle::SP_MediaPause));
    } else {
        m_trainAction->setText(QStringLiteral("&Train"));
        m_trainAction->setIcon(style->standardIcon(QStyle::SP_MediaPlay));
    }
    // Say what Train does next: up to the limit, as many epochs again after it, or on until paused.
    QString next = QStringLiteral("trains until you pause it");
    if (m_shown && m_shown->epochLimit > 0) {
        const int epoch = m_shown->epoch;
        const int limit = m_shown->epochLimit;
        next = epoch < limit ? QStringLiteral("trains to epoch %1 (%2 more)").arg(limit).arg(limit - epoch)
                             : QStringLiteral("trains %1 more epochs (to epoch %2)").arg(std::max(1, m_shown->epochsPerRun))
                                   .arg(epoch + std::max(1, m_shown->epochsPerRun));
    }
    const QString tip = m_trainRequested ? QStringLiteral("Pause (Space). Then Train %1.").arg(next)
                                         : QStringLiteral("Train (Space) %1, from the current weights.").arg(next);
    if (m_trainAction->toolTip() != tip)
        m_trainAction->setToolTip(tip);
    m_trainAction->setStatusTip(tip);
}

void MainWindow::startTraining()
{
    m_problemBanner->hide();
    m_controls->clearDatasetError();
    m_trainRequested = true;
    m_trainGeneration = m_engine->train();
    updateRunActions();
}

void MainWindow::pauseTraining()
{
    m_trainRequested = false;
    m_engine->pause();
    updateRunActions();
}

void MainWindow::toggleTraining()
{
    if (m_trainRequested)
        pauseTraining();
    else
        startTraining();
}

void MainWindow::stepOnce()
{
    m_trainRequested = false;
    m_engine->step();
    updateRunActions();
}

void MainWindow::resetTraining()
{
    m_engine->reset();
}

QStringList MainWindow::presetIds() const
{
    QStringList ids;
    for (const Preset& preset : presets())
        ids << preset.id;
    return ids;
}

bool MainWindow::applyPreset(const QString& id)
{
    const Preset* preset = findPreset(id);
    if (!preset) {
        m_lastProblem = QStringLiteral("Unknown preset '%1'").arg(id);
        m_problemBanner->showMessage(MessageBanner::Kind::Error, QStringLiteral("Unknown preset"),
                                     QStringLiteral("There is no preset '%1'. Known presets: %2.").arg(id, presetIds().join(QStringLiteral(", "))));
        return false;
    }
    if (preset->needsFashionMnist && !fashionMnistAvailable()) {
        m_lastProblem = fashionMnistMissingMessage();
        m_problemBanner->showMessage(MessageBanner::Kind::Error, QStringLiteral("%1: Fashion-MNIST is missing").arg(preset->title),
                                     fashionMnistMissingMessage());
        return false;
    }
    m_lessonBanner->showMessage(MessageBanner::Kind::Info, preset->title, preset->lesson);
    // A preset is a new experiment: Save must not overwrite the session opened before it.
    m_sessions->startUntitled();
    applyState(preset->state, preset->startTraining);
    return true;
}

void MainWindow::applyState(const ControlState& state, bool start)
{
    m_problemBanner->hide();
    pauseTraining();
    m_controls->setState(state);
    clearUndo();
    postAll();
    if (start)
        startTraining();
}

void MainWindow::loadSweepRow(const SweepRow& row, const SweepOptions& options)
{
    // Retrain that configuration from scratch for the sweep's epochs, then show it pruned
    // and rounded as the sweep measured it.
    ControlState state = m_controls->state();
    state.lambda = row.penalty == "none" ? 0.0 : row.lambda;
    state.alpha = row.penalty == "l2" ? 0.0 : 1.0;
    state.pruneBy = PruningSpec::Criterion::TargetSparsity;
    state.targetSparsity = std::min(row.targetSparsity, 0.999);
    state.pruneScope = options.scope;
    state.precisionIndex = precisionIndexOf(row.precision);
    state.granularity = row.precision.granularity;
    state.epochLimit = options.epochs;
    state.pace = 0.0;
    m_lessonBanner->showMessage(MessageBanner::Kind::Info, QStringLiteral("Loaded a sweep configuration"),
                                QStringLiteral("%1 λ = %2, pruned to %3, %4: retraining it for %5 epochs from the same seed. "
                                               "The sweep measured accuracy %6%7.")
                                    .arg(QString::fromStdString(row.penalty == "none" ? std::string("no penalty") : row.penalty),
                                         formatScientific(row.lambda), formatPercent(row.targetSparsity),
                                         QString::fromStdString(row.precision.label()))
                                    .arg(options.epochs)
                                    .arg(row.accuracy, 0, 'f', 3)
                                    .arg(options.fineTuneEpochs > 0 ? QStringLiteral(" (after %1 fine-tune epochs, not repeated here)").arg(options.fineTuneEpochs)
                                                                    : QString()));
    applyState(state, true);
}

void MainWindow::openCsv(const QString& path)
{
    ControlState state = m_controls->state();
    DatasetRequest request = state.dataset;
    request.nameOrPath = path.toStdString();
    request.samples = 0;
    request.noise = -1.0;
    request.labelColumn.clear();
    m_controls->addCsvChoice(path);
    m_controls->showDataset(request);
    m_lessonBanner->hide();
    m_controls->showDatasetMessage(QStringLiteral("Loading %1\u2026").arg(QFileInfo(path).fileName()), false);
    m_problemBanner->hide();
    m_engine->setDataset(request, state.model);
    if (m_settings)
        m_settings->setLastDirectory(QFileInfo(path).absolutePath());
}

void MainWindow::openCsvDialog()
{
    const QString directory = m_settings ? m_settings->lastDirectory() : QString();
    const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Open a CSV dataset"), directory,
                                                      QStringLiteral("CSV files (*.csv *.txt);;All files (*)"));
    if (!path.isEmpty())
        openCsv(path);
}

void MainWindow::showHelp(const QString& section)
{
    if (!m_help)
        m_help = new HelpDialog(this, shortcutList());
    m_help->show();
    m_help->raise();
    m_help->showSection(section);
}

void MainWindow::noteUndoableChange()
{
    // A drag sends many changes: those close together are one step to undo.
    if (m_undo.isEmpty() || !m_sinceUndoableChange.isValid() || m_sinceUndoableChange.elapsed() > kUndoGroupMs) {
        m_undo.push_back(m_committedControls);
        while (m_undo.size() > kUndoDepth)
            m_undo.removeFirst();
    }
    m_sinceUndoableChange.start();
    m_committedControls = m_controls->state();
    m_undoAction->setEnabled(true);
}

void MainWindow::clearUndo()
{
    m_undo.clear();
    m_committedControls = m_controls->state();
    m_sinceUndoableChange.invalidate();
    if (m_undoAction)
        m_undoAction->setEnabled(false);
}

void MainWindow::undoSettingChange()
{
    if (m_undo.isEmpty())
        return;
    // Only the settings that leave the model in place: the current data and model stay.
    ControlState previous = m_undo.takeLast();
    const ControlState now = m_controls->state();
    previous.dataset = now.dataset;
    previous.model = now.model;
    previous.pace = now.pace;
    previous.epochLimit = now.epochLimit;
    previous.compare = now.compare;
    m_controls->setState(previous);
    m_committedControls = previous;
    m_sinceUndoableChange.invalidate();
    m_engine->setTraining(previous.trainingConfig());
    m_engine->setCompression(previous.compression());
    m_undoAction->setEnabled(!m_undo.isEmpty());
    statusBar()->showMessage(QStringLiteral("Undone: the settings before the last change"), 3000);
}

QList<QPair<QString, QString>> MainWindow::shortcutList() const
{
    // Every shortcut the menus show, in menu order: the help can then never miss one.
    QList<QPair<QString, QString>> list;
    std::function<void(const QList<QAction*>&)> collect = [&](const QList<QAction*>& actions) {
        for (QAction* action : actions) {
            if (action->menu()) {
                collect(action->menu()->actions());
                continue;
            }
            if (action->shortcuts().isEmpty())
                continue;
            QStringList keys;
            for (const QKeySequence& key : action->shortcuts())
                keys << key.toString(QKeySequence::NativeText);
            QString what = action->text();
            what.remove(QLatin1Char('&')).remove(QStringLiteral("\u2026"));
            list.push_back({keys.join(QStringLiteral(" / ")), what});
        }
    };
    collect(menuBar()->actions());
    return list;
}

void MainWindow::saveSettings()
{
    if (!m_settings)
        return;
    m_settings->setWindowGeometry(saveGeometry());
    m_settings->setWindowState(saveState());
    m_settings->setTiledViews(m_tiledAction->isChecked());
    if (auto* current = qobject_cast<View*>(m_tabs->currentWidget()))
        m_settings->setCurrentView(current->id());
    ControlState state = m_controls->state();
    state.dataset = m_activeDataset; // what actually loaded, not a failed attempt
    m_settings->setControls(state);
    m_settings->sync();
}

void MainWindow::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    // Only now is the window frame known: fit the framed window into the screen.
    // A size the caller chose after construction is theirs (screenshots, tests).
    if (!m_fittedOnShow) {
        m_fittedOnShow = true;
        if (size() == m_startSize)
            fitToScreen();
    }
}

void MainWindow::resizeEvent(QResizeEvent* event)
{
    QMainWindow::resizeEvent(event);
    // On a short screen (a 720-line projector) the headline numbers take one line each.
    fitHeadlineTo(event->size().height());
}

void MainWindow::fitHeadlineTo(int height)
{
    m_headline->setCompact(height < kCompactHeadlineBelowHeight);
}

bool MainWindow::showsLatestPosted() const
{
    return !m_pending && !m_applyThrottle->isPending() && m_shown && m_shown->generation == m_engine->postedGeneration();
}

void MainWindow::drawQueuedViews()
{
    while (!m_renderQueue.isEmpty())
        renderNextView();
}

bool MainWindow::isTiled() const
{
    return m_tiledAction && m_tiledAction->isChecked();
}

QString MainWindow::currentViewId() const
{
    const auto* current = qobject_cast<const View*>(m_tabs->currentWidget());
    return current ? current->id() : QString();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!m_sessions->confirmClose()) {
        event->ignore();
        return;
    }
    saveSettings();
    m_engine->pause();
    QMainWindow::closeEvent(event);
}

} // namespace ss
