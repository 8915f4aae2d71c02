#pragma once
// How to start the desktop app (app/main.cpp):
//
//     QApplication app(argc, argv);
//     QApplication::setOrganizationName("SparseScope");   // before any QSettings use
//     QApplication::setApplicationName("SparseScope");
//     ss::MainWindow window;          // restores the last dataset, model and parameters
//     window.show();                  // (first run: two moons and a 2-8-8-1 MLP, ready to train)
//     if (!preset.isEmpty()) window.applyPreset(preset);
//     return app.exec();
//
// Headless screenshots (issue 4 "Screenshots"; works with QT_QPA_PLATFORM=offscreen and
// does not touch the user's settings):
//
//     ss::MainWindow window(ss::MainWindow::Options{.useSettings = false});
//     window.applyPreset("article");           // or window.controls()->setState(...)
//     window.trainAndWait(60, 120000);         // epochs, timeout in ms; false on timeout
//     window.renderViewToPng("confusion", "confusion.png", QSize(1200, 760));
//     window.renderViewToPng("window", "window.png", QSize(1500, 950));
//
// View ids: training, tradeoff, confusion, boundary, weights, efficiency, and "window".
// All of this runs a local event loop while waiting; the GUI thread itself never blocks
// on the worker.

#include "controls/ControlState.h"
#include "engine/Engine.h"
#include "engine/Snapshot.h"

#include "eval/Sweep.h"

#include <QElapsedTimer>
#include <QMainWindow>
#include <QPointer>

class QAction;
class QCloseEvent;
class QLabel;
class QProgressBar;
class QScrollArea;
class QStackedWidget;
class QTabWidget;
class QTimer;
class QToolButton;

namespace ss {

class Throttle;

class AppSettings;
class ControlPanel;
class HeadlineBar;
class HelpDialog;
class MessageBanner;
class SessionController;
class View;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    struct Options {
        bool useSettings = true;      // restore at start, save on close
        QString settingsFile;         // a settings file of its own instead of the user's
    };

    MainWindow();
    explicit MainWindow(const Options& options, QWidget* parent = nullptr);
    ~MainWindow() override;

    QStringList viewIds() const;
    const QList<View*>& views() const { return m_views; }
    View* view(const QString& id) const;
    void showView(const QString& id);
    ControlPanel* controls() const { return m_controls; }
    Engine* engine() const { return m_engine; }
    HeadlineBar* headline() const { return m_headline; }
    SessionController* sessions() const { return m_sessions; }
    MessageBanner* problemBanner() const { return m_problemBanner; }
    MessageBanner* lessonBanner() const { return m_lessonBanner; }
    // The snapshot the window shows now.
    SnapshotPtr shownSnapshot() const { return m_shown; }
    QString lastProblem() const { return m_lastProblem; }

    QStringList presetIds() const;
    // Applies a preset's settings (and starts training if it says so). False for an
    // unknown id or a preset whose data is not installed (the banner says why).
    bool applyPreset(const QString& id);
    // Sends a complete control state (as a preset does) to the panel and the engine.
    void applyState(const ControlState& state, bool startTraining);
    // Loads a CSV file; failures show in the banner and keep the current dataset.
    void openCsv(const QString& path);

    // What the helpers that wait on the window read (automation/WindowAutomation.h): the
    // newest posted state is shown, none is pending; the views still queued drawn now.
    bool showsLatestPosted() const;
    void drawQueuedViews();

    bool isTrainingRequested() const { return m_trainRequested; }
    // The generation of the last train command.
    std::uint64_t trainGeneration() const { return m_trainGeneration; }
    bool isTiled() const;
    // The view shown in the tabs (empty when tiled).
    QString currentViewId() const;
    // The headline's compact form below a height (a 720-line projector).
    void fitHeadlineTo(int height);
    // The smallest tile a view is given when tiled (grows with the window's font), and the
    // tiles' columns and rows now.
    QSize tileMinimumSize() const;
    QSize tileGrid() const { return m_tileGrid; }

    // Presentation mode's larger text for the whole window (SessionController toggles it).
    void setPresentationFont(bool on);
    // Shrinks and moves the window into its screen's available area (never below its
    // minimum size).
    void fitToScreen();

public slots:
    void startTraining();
    void pauseTraining();
    void toggleTraining();
    void stepOnce();
    void resetTraining();
    void openCsvDialog();
    void showHelp(const QString& section = QString());
    // All views at once, each tile at least tileMinimumSize(): as many columns as the
    // width holds, and the rows scroll when the height does not hold them all.
    void setTiled(bool tiled);
    // A sweep point was clicked: load its settings and retrain it.
    void loadSweepRow(const ss::SweepRow& row, const ss::SweepOptions& options);
    // Ctrl+Z: the pruning, precision and training settings before the last change.
    void undoSettingChange();
    // Forgets the undo steps (new data, model or session: they belonged to the old one).
    void clearUndo();

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void buildActions();
    void buildLayout();
    void connectSignals();
    void postAll();
    void onSnapshot(const ss::SnapshotPtr& snapshot);
    void applySnapshot();
    void renderNextView();
    void onProblem(ss::Engine::ProblemKind kind, const QString& title, const QString& message);
    void onBusy(const QString& what);
    void updateRunActions();
    void saveSettings();
    void updateControlsWidth();
    void arrangeTiles();
    bool eventFilter(QObject* watched, QEvent* event) override;
    QList<QPair<QString, QString>> shortcutList() const;
    void noteUndoableChange();

    Options m_options;
    Engine* m_engine = nullptr;
    AppSettings* m_settings = nullptr;
    SessionController* m_sessions = nullptr;
    ControlPanel* m_controls = nullptr;
    QScrollArea* m_controlsScroll = nullptr;
    HeadlineBar* m_headline = nullptr;
    MessageBanner* m_problemBanner = nullptr;
    MessageBanner* m_lessonBanner = nullptr;
    QStackedWidget* m_viewStack = nullptr;
    QTabWidget* m_tabs = nullptr;
    QWidget* m_tiles = nullptr;
    QScrollArea* m_tilesScroll = nullptr;
    QSize m_tileGrid;                   // columns x rows of the tiles now
    QList<View*> m_views;
    QPointer<HelpDialog> m_help;

    QAction* m_trainAction = nullptr;
    QAction* m_stepAction = nullptr;
    QAction* m_resetAction = nullptr;
    QAction* m_openAction = nullptr;
    QAction* m_tiledAction = nullptr;
    QAction* m_helpAction = nullptr;
    QAction* m_undoAction = nullptr;
    QList<ControlState> m_undo;        // settings before each change (or drag), newest last
    ControlState m_committedControls;  // the settings after the last change
    QElapsedTimer m_sinceUndoableChange;
    QLabel* m_statusEpoch = nullptr;
    QLabel* m_statusSpeed = nullptr;
    QLabel* m_statusMetrics = nullptr;
    QProgressBar* m_busy = nullptr;

    SnapshotPtr m_pending;        // newest received, not yet shown
    SnapshotPtr m_shown;          // m_received with the positive class chosen in the panel
    SnapshotPtr m_received;       // as the engine sent it
    std::uint64_t m_newestGeneration = 0;
    Throttle* m_applyThrottle = nullptr; // caps view updates at ~30 per second
    QList<QPointer<View>> m_renderQueue; // views still to draw the shown snapshot
    QTimer* m_renderTimer = nullptr;

    bool m_fittedOnShow = false;
    QSize m_startSize;            // the size the constructor chose (restored or default)
    bool m_trainRequested = false;
    std::uint64_t m_trainGeneration = 0;
    DatasetRequest m_activeDataset;
    QString m_lastProblem;
};

} // namespace ss
