#include "window/SessionController.h"

#include "window/AppSettings.h"
#include "controls/ControlPanel.h"
#include "controls/ControlState.h"
#include "engine/Engine.h"
#include "window/ExportDialog.h"
#include "controls/HeadlineBar.h"
#include "window/MainWindow.h"
#include "plot/PlotTheme.h"
#include "views/View.h"

#include "common/Error.h"
#include "eval/Reports.h"

#include <qcustomplot.h>

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QMenu>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTimer>

#include <cmath>

namespace ss {

namespace {

constexpr int kMaxRecent = 8;

// A refusal's message as the banner shows it: some of the core's messages quote a bad value
// whole (a name of ten million characters takes the banner a minute to lay out), so a long
// one keeps its start, which names the file and the field, and its end.
QString boundedMessage(const std::string& message)
{
    constexpr int kMaxLength = 600;
    const QString text = QString::fromStdString(message);
    if (text.size() <= kMaxLength)
        return text;
    return text.left(kMaxLength - 100) + QStringLiteral("\u2026 (%1 characters left out) \u2026").arg(text.size() - kMaxLength)
           + text.right(100);
}

// An unknown name is no comparison: the app object never refuses a session.
ComparisonKind comparisonFromId(const std::string& id)
{
    try {
        return enumFromString(kComparisonNames, id, "comparison");
    } catch (const ConfigError&) {
        return ComparisonKind::None;
    }
}

// Reads an optional value of the app object, keeping the fallback when it is absent or of
// another type: the app object is the app's own notes, never a reason to refuse a session.
template <typename T>
T appValue(const nlohmann::json& app, const char* key, T fallback)
{
    const auto found = app.find(key);
    if (found == app.end())
        return fallback;
    if constexpr (std::is_same_v<T, bool>) {
        return found->is_boolean() ? found->get<bool>() : fallback;
    } else if constexpr (std::is_arithmetic_v<T>) {
        return found->is_number() && std::isfinite(found->get<double>()) ? found->get<T>() : fallback;
    } else {
        return found->is_string() ? found->get<std::string>() : fallback;
    }
}

// Where the export dialogs start: the last export's folder, else the user's pictures.
QString exportStartFolder(const AppSettings* settings)
{
    const QString last = settings ? settings->exportDirectory() : QString();
    return last.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::PicturesLocation) : last;
}

} // namespace

ControlState controlStateFromSession(const Session& session, const DatasetRequest& resolved)
{
    const nlohmann::json& app = session.app;
    ControlState state;
    state.dataset = resolved;
    // The model's scaler goes to the engine with the restore; later dataset changes made
    // in the panel fit their own.
    state.dataset.scaler.reset();
    state.model = modelSpecOf(session);

    const TrainingConfig& training = session.training;
    state.optimizer = training.optimizer.kind;
    state.learningRate = training.optimizer.learningRate;
    state.batchSize = training.batchSize;
    const Regularization& r = training.regularization;
    state.lambda = r.l1 + r.l2;
    state.alpha = state.lambda > 0 ? r.l1 / state.lambda : std::clamp(appValue(app, "alpha", 1.0), 0.0, 1.0);
    state.l1Mode = r.l1Mode;
    state.dropout = r.dropout;
    state.compare = comparisonFromId(appValue<std::string>(app, "compare", "none"));
    // Sessions saved before the choice existed have none: automatic.
    state.positiveClass = appValue<std::string>(app, "positive_class", "");
    state.pace = std::max(0.0, appValue(app, "pace", state.pace));
    state.epochLimit = std::max(0, appValue(app, "epoch_limit", 0));

    const PruningSpec& pruning = session.compression.pruning;
    state.pruneBy = pruning.criterion;
    state.threshold = pruning.threshold;
    state.targetSparsity = pruning.targetSparsity;
    state.pruneScope = pruning.scope;
    state.precisionIndex = precisionIndexOf(session.compression.precision);
    state.granularity = session.compression.precision.granularity;
    return state;
}

SessionController::SessionController(MainWindow* window, AppSettings* settings)
    : QObject(window)
    , m_window(window)
    , m_settings(settings)
    , m_saveJob([this](bool) { onSaved(m_saveQueue.front()); },
                [this](const QString& message) { onSaveFailed(m_saveQueue.front(), message); }, [] {},
                JobPlacement{&m_fileThread, false})
    , m_readJob([this](ReadSession read) { onRead(m_reading, std::move(read)); },
                [this](const QString& message) { onReadFailed(m_reading, message); }, [] {},
                JobPlacement{&m_fileThread, false})
{
    // One file at a time, in the order asked for.
    m_fileThread.setMaxThreadCount(1);
    if (m_settings)
        m_recent = m_settings->recentSessions();
    connect(m_window->engine(), &Engine::snapshotReady, this, &SessionController::onSnapshot);
    connect(m_window->engine(), &Engine::restoreFinished, this, &SessionController::onRestoreFinished);
    m_askToSave = [this](const QString& question) {
        return QMessageBox::question(m_window, QStringLiteral("Unsaved session"), question,
                                     QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    };
    m_chooseSavePath = [this] {
        QString start = m_path;
        if (start.isEmpty()) {
            const QString folder = m_settings && !m_settings->lastDirectory().isEmpty()
                                       ? m_settings->lastDirectory()
                                       : QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
            start = QDir(folder).filePath(QStringLiteral("session.sparsescope.json"));
        }
        return QFileDialog::getSaveFileName(m_window, QStringLiteral("Save session"), start,
                                            QStringLiteral("SparseScope sessions (*.json);;All files (*)"));
    };
}

void SessionController::addFileActions(QMenu* file, QAction* before)
{
    auto* openAction = new QAction(QStringLiteral("Open &Session\u2026"), this);
    openAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    openAction->setToolTip(QStringLiteral("Reopen a saved experiment: data, model, weights, curves and settings (Ctrl+Shift+O)."));
    connect(openAction, &QAction::triggered, this, &SessionController::openDialog);

    m_recentMenu = new QMenu(QStringLiteral("Open &Recent"), file);
    rebuildRecentMenu();

    auto* saveAction = new QAction(QStringLiteral("&Save Session"), this);
    saveAction->setShortcut(QKeySequence::Save);
    saveAction->setToolTip(QStringLiteral("Save everything needed to reopen this experiment exactly (Ctrl+S)."));
    connect(saveAction, &QAction::triggered, this, &SessionController::save);
    auto* saveAsAction = new QAction(QStringLiteral("Save Session &As\u2026"), this);
    saveAsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    connect(saveAsAction, &QAction::triggered, this, &SessionController::saveAs);

    auto* exportMenu = new QMenu(QStringLiteral("&Export"), file);
    QAction* current = exportMenu->addAction(QStringLiteral("Current View\u2026"));
    current->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    current->setToolTip(QStringLiteral("The plots of the view in front as PNG, PDF, SVG or their data as CSV (Ctrl+E)."));
    connect(current, &QAction::triggered, this, &SessionController::exportCurrentViewDialog);
    QAction* all = exportMenu->addAction(QStringLiteral("All Views\u2026"));
    all->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    connect(all, &QAction::triggered, this, &SessionController::exportAllViewsDialog);
    exportMenu->addSeparator();
    QAction* copy = exportMenu->addAction(QStringLiteral("Copy Image"));
    copy->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    copy->setToolTip(QStringLiteral("The current view's plots as one picture on the clipboard (Ctrl+Shift+C)."));
    connect(copy, &QAction::triggered, this, &SessionController::copyCurrentViewImage);

    file->insertAction(before, openAction);
    file->insertMenu(before, m_recentMenu);
    file->insertSeparator(before);
    file->insertAction(before, saveAction);
    file->insertAction(before, saveAsAction);
    file->insertSeparator(before);
    file->insertMenu(before, exportMenu);
    file->insertSeparator(before);
}

void SessionController::addViewActions(QMenu* view)
{
    m_presentationAction = new QAction(QStringLiteral("&Presentation Mode"), this);
    m_presentationAction->setCheckable(true);
    m_presentationAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    m_presentationAction->setToolTip(QStringLiteral("Large fonts and thick lines in every plot, for a lecture hall (Ctrl+Shift+P)."));
    connect(m_presentationAction, &QAction::toggled, this, &SessionController::setPresentationMode);
    view->addSeparator();
    view->addAction(m_presentationAction);
}

QString SessionController::fingerprint(const Snapshot& snapshot) const
{
    // What a session records: the data and model (generation), the weights (version) and
    // the settings. Pace, view and other app notes alone do not make a session "modified".
    return QStringLiteral("%1/%2/%3/%4")
        .arg(snapshot.modelGeneration)
        .arg(snapshot.weightsVersion)
        .arg(QString::fromStdString(toJson(snapshot.training).dump()), QString::fromStdString(toJson(snapshot.compression).dump()));
}

bool SessionController::isModified() const
{
    const SnapshotPtr snapshot = m_latest ? m_latest : m_window->shownSnapshot();
    if (!snapshot)
        return false;
    if (m_cleanPending)
        return false;
    if (m_savedFingerprint.isEmpty())
        return snapshot->steps > 0;
    return fingerprint(*snapshot) != m_savedFingerprint;
}

void SessionController::onSnapshot(const SnapshotPtr& snapshot)
{
    if (!snapshot || (m_latest && snapshot->generation < m_latest->generation))
        return;
    m_latest = snapshot;
    if (m_cleanPending && snapshot->generation >= m_cleanAfterGeneration) {
        m_cleanPending = false;
        m_savedFingerprint = fingerprint(*snapshot);
        if (m_restoredSession)
            for (View* view : m_window->views())
                view->restoreSessionResults(*m_restoredSession, snapshot->modelGeneration);
        m_restoredSession.reset();
    }
    updateTitle();
}

void SessionController::startUntitled()
{
    // A save under way would make its file the current session when it ends.
    finishSaves();
    m_path.clear();
    m_savedFingerprint.clear();
    m_cleanPending = false;
    m_restoredSession.reset();
    updateTitle();
}

void SessionController::updateTitle()
{
    const QString base = QStringLiteral("SparseScope \u2014 accuracy, sparsity and precision");
    const QString name = m_path.isEmpty() ? QString() : QFileInfo(m_path).fileName();
    const QString title = name.isEmpty() ? base + QStringLiteral("[*]") : name + QStringLiteral("[*] \u2014 ") + base;
    // Called for every snapshot: touch the window only when something changed.
    if (m_window->windowTitle() != title)
        m_window->setWindowTitle(title);
    const bool modified = isModified();
    if (m_window->isWindowModified() != modified)
        m_window->setWindowModified(modified);
}

std::optional<SessionController::PendingSave> SessionController::capture(const QString& path, QString* error) const
{
    const SnapshotPtr shown = m_window->shownSnapshot();
    if (!shown || !shown->data || !shown->trained) {
        *error = QStringLiteral("there is nothing to save yet (no data or model loaded)");
        return std::nullopt;
    }
    const Snapshot& s = *shown;
    const Dataset& train = s.data->split.train;
    PendingSave save;
    save.path = QFileInfo(path).absoluteFilePath();
    save.shown = shown;
    save.dataset = s.datasetRequest;
    save.session = std::make_shared<Session>();
    Session& session = *save.session;
    session.architecture = s.trained->architecture();
    session.modelSeed = s.model.seed;
    session.training = s.training;
    session.compression = s.compression;
    TrainedModel model;
    model.network = *s.trained;
    model.scaler = s.data->scaler;
    model.classNames = train.classNames;
    model.featureNames = train.featureNames;
    model.imageShape = train.imageShape;
    model.datasetName = train.name;
    session.model = std::move(model);
    session.progress = {s.epoch, s.epochProgress, s.steps, s.trainingSeconds};
    if (s.history)
        session.history = reportsFromHistory(*s.history);
    if (s.markers)
        session.markers = *s.markers;

    const ControlState controls = m_window->controls()->state();
    session.app = {{"view", currentViewId().toStdString()},
                   {"pace", controls.pace},
                   {"epoch_limit", controls.epochLimit},
                   {"compare", nameOf(controls.compare)},
                   {"positive_class", controls.positiveClass},
                   {"alpha", controls.alpha},
                   {"presentation", presentationMode()}};
    // After the app object above: the views add their keys to it.
    for (const View* view : m_window->views())
        view->saveSessionState(session, s);
    return save;
}

bool SessionController::startSave(const QString& path, QString* error)
{
    std::optional<PendingSave> save = capture(path, error);
    if (!save)
        return false;
    save->serial = ++m_saveSerial;
    m_saveQueue.push_back(std::move(*save));
    if (!m_saveJob.isPending())
        startNextSave();
    return true;
}

void SessionController::startNextSave()
{
    if (m_saveQueue.empty())
        return;
    // The work holds its own copy: the window may close while it runs.
    const PendingSave& save = m_saveQueue.front();
    m_saveJob.start([session = save.session, dataset = save.dataset, path = save.path.toStdString()](std::atomic<bool>&,
                                                                                                    const auto&) {
        session->dataset = describeDataset(dataset);
        saveSession(path, *session);
        return true;
    });
}

void SessionController::finishSaves()
{
    while (m_saveJob.finishNow()) {
    }
}

bool SessionController::saveTo(const QString& path, QString* error)
{
    if (!startSave(path, error))
        return false;
    const std::uint64_t ours = m_saveQueue.back().serial;
    m_failedSaves.clear();
    finishSaves();
    const auto failed = m_failedSaves.find(ours);
    if (failed == m_failedSaves.end())
        return true;
    *error = failed->second;
    return false;
}

void SessionController::onSaved(const PendingSave& save)
{
    m_path = save.path;
    m_cleanPending = false;
    m_savedFingerprint = fingerprint(*save.shown);
    // A snapshot received since the save was asked for stays the one compared: it may hold
    // later weights or settings, which the file does not have.
    if (!m_latest || m_latest->generation <= save.shown->generation)
        m_latest = save.shown;
    addRecent(m_path);
    updateTitle();
    if (save.tell)
        m_window->statusBar()->showMessage(QStringLiteral("Saved %1").arg(QDir::toNativeSeparators(m_path)), 4000);
    const QString path = save.path;
    m_saveQueue.erase(m_saveQueue.begin());
    startNextSave();
    emit saved(path);
}

void SessionController::onSaveFailed(const PendingSave& save, const QString& message)
{
    m_failedSaves[save.serial] = message;
    if (save.tell)
        reportProblem(QStringLiteral("The session was not saved"), message);
    const QString path = save.path;
    m_saveQueue.erase(m_saveQueue.begin());
    startNextSave();
    emit saveFailed(path, message);
}

bool SessionController::save()
{
    const QString path = m_path.isEmpty() ? chooseSavePath() : m_path;
    return !path.isEmpty() && saveAndTell(path);
}

bool SessionController::saveAs()
{
    const QString path = chooseSavePath();
    return !path.isEmpty() && saveAndTell(path);
}

QString SessionController::chooseSavePath()
{
    const QString path = m_chooseSavePath ? m_chooseSavePath() : QString();
    if (!path.isEmpty() && m_settings)
        m_settings->setLastDirectory(QFileInfo(path).absolutePath());
    return path;
}

bool SessionController::saveAndTell(const QString& path)
{
    QString error;
    if (!startSave(path, &error)) {
        reportProblem(QStringLiteral("The session was not saved"), error);
        return false;
    }
    m_saveQueue.back().tell = true;
    m_window->statusBar()->showMessage(QStringLiteral("Saving %1\u2026").arg(QDir::toNativeSeparators(m_saveQueue.back().path)));
    return true;
}

bool SessionController::open(const QString& path, QString* error)
{
    if (path.isEmpty()) {
        *error = QStringLiteral("no session file was chosen");
        return false;
    }
    m_reading = QFileInfo(path).absoluteFilePath();
    m_window->statusBar()->showMessage(QStringLiteral("Opening %1\u2026").arg(QDir::toNativeSeparators(m_reading)));
    // A newer open replaces one still reading (its outcome is dropped).
    m_readJob.start([file = m_reading.toStdString()](std::atomic<bool>&, const auto&) {
        ReadSession read;
        Session session = loadSession(file);
        const ResolvedDataset resolved = resolveDataset(session, file);
        read.note = resolved.note;
        read.resolved = resolved.request;
        RestoreRequest& request = read.request;
        // The engine checks that the data fits the session (features, classes and their names)
        // once it has prepared it on its own thread, before anything changes.
        request.sessionFile = file;
        request.dataset = resolved.request;
        request.model = modelSpecOf(session);
        request.training = session.training;
        request.compression = session.compression;
        if (session.model)
            request.network = std::make_shared<const Network>(session.model->network);
        request.history = historyFromReports(session.history);
        request.markers = session.markers;
        // The completed epochs, as the window showed them when saved; a partial epoch is
        // run again from its start (the engine keeps the curves monotonic).
        request.epoch = session.progress.epoch;
        request.steps = session.progress.steps;
        request.seconds = session.progress.seconds;
        // The app object is the app's own, but a table it keeps must be a valid one.
        if (const auto energy = session.app.find("energy"); energy != session.app.end())
            request.energy = energyTableFromJson(*energy, JsonReader(file), "app.energy");
        read.session = std::make_shared<const Session>(std::move(session));
        request.session = read.session;
        return read;
    });
    return true;
}

void SessionController::onReadFailed(const QString& path, const QString& message)
{
    const QString text = boundedMessage(message.toStdString());
    // Every way of opening (dialog, recent files, the command line) says so the same way.
    reportProblem(QStringLiteral("Could not open the session"), text + QStringLiteral("\n\nNothing was changed."));
    emit openFailed(path, text);
}

void SessionController::onRead(const QString& path, ReadSession read)
{
    const Session& session = *read.session;
    const ControlState state = controlStateFromSession(session, read.resolved);
    RestoreRequest& request = read.request;
    request.comparison = state.compare;
    request.pace = state.pace;
    request.epochLimit = state.epochLimit;
    PendingOpen pending;
    pending.path = path;
    pending.session = read.session;
    pending.note = QString::fromStdString(read.note);
    pending.generation = m_window->engine()->restore(request);
    // The panel shows the session's settings at once: an edit made before the engine confirms
    // is then relative to them, as the engine applies it after the restore. A refusal puts
    // the previous settings back.
    pending.previousControls = m_window->controls()->state();
    m_window->controls()->setState(state);
    m_window->clearUndo();
    m_window->statusBar()->clearMessage();
    m_pending = std::move(pending);
}

void SessionController::onRestoreFinished(std::uint64_t generation, bool ok, const QString& message)
{
    if (!m_pending || generation != m_pending->generation)
        return;
    PendingOpen pending = std::move(*m_pending);
    m_pending.reset();
    if (!ok) {
        m_window->controls()->setState(pending.previousControls);
        const QString text = QStringLiteral("%1: %2\n\nNothing was changed.").arg(QDir::toNativeSeparators(pending.path), message);
        reportProblem(QStringLiteral("Could not open the session"), text);
        emit openFailed(pending.path, message);
        return;
    }
    const Session& session = *pending.session;
    for (View* view : m_window->views())
        view->restoreSessionState(session);
    const QString view = QString::fromStdString(appValue<std::string>(session.app, "view", ""));
    if (!view.isEmpty())
        m_window->showView(view);
    m_path = pending.path;
    m_restoredSession = pending.session;
    m_cleanPending = true;
    m_cleanAfterGeneration = generation;
    m_savedFingerprint.clear();
    addRecent(m_path);
    m_window->lessonBanner()->hide();
    m_window->problemBanner()->hide();
    if (!pending.note.isEmpty())
        m_window->problemBanner()->showMessage(MessageBanner::Kind::Info, QStringLiteral("Session opened"), pending.note);
    m_window->statusBar()->showMessage(QStringLiteral("Opened %1").arg(QDir::toNativeSeparators(m_path)), 4000);
    updateTitle();
    emit opened(m_path);
}

void SessionController::openDialog()
{
    if (!confirmClose())
        return;
    const QString folder = m_path.isEmpty() ? (m_settings ? m_settings->lastDirectory() : QString())
                                            : QFileInfo(m_path).absolutePath();
    const QString path = QFileDialog::getOpenFileName(m_window, QStringLiteral("Open session"), folder,
                                                      QStringLiteral("SparseScope sessions (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    if (m_settings)
        m_settings->setLastDirectory(QFileInfo(path).absolutePath());
    QString error;
    open(path, &error); // a failure is reported by open()
}

bool SessionController::confirmClose()
{
    // A save under way was asked for: its outcome must be known before the window closes or
    // another session replaces this one (the write takes well under a second).
    finishSaves();
    if (!isModified())
        return true;
    const QString name = m_path.isEmpty() ? QStringLiteral("This session") : QFileInfo(m_path).fileName();
    const QMessageBox::StandardButton answer =
        m_askToSave(QStringLiteral("%1 has changes that are not saved. Save them before closing?").arg(name));
    if (answer != QMessageBox::Save)
        return answer == QMessageBox::Discard;
    const QString path = m_path.isEmpty() ? chooseSavePath() : m_path;
    if (path.isEmpty())
        return false;
    QString error;
    if (!saveTo(path, &error)) {
        reportProblem(QStringLiteral("The session was not saved"), error);
        return false;
    }
    m_window->statusBar()->showMessage(QStringLiteral("Saved %1").arg(QDir::toNativeSeparators(m_path)), 4000);
    return true;
}

void SessionController::addRecent(const QString& path)
{
    m_recent.removeAll(path);
    m_recent.prepend(path);
    while (m_recent.size() > kMaxRecent)
        m_recent.removeLast();
    if (m_settings)
        m_settings->setRecentSessions(m_recent);
    rebuildRecentMenu();
}

void SessionController::rebuildRecentMenu()
{
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    for (int i = 0; i < m_recent.size(); ++i) {
        const QString path = m_recent[i];
        QAction* action = m_recentMenu->addAction(QStringLiteral("&%1 %2").arg(i + 1).arg(QFileInfo(path).fileName()));
        action->setToolTip(QDir::toNativeSeparators(path));
        action->setEnabled(QFileInfo::exists(path));
        connect(action, &QAction::triggered, this, [this, path] {
            if (!confirmClose())
                return;
            QString error;
            open(path, &error); // a failure is reported by open()
        });
    }
    if (m_recent.isEmpty()) {
        m_recentMenu->addAction(QStringLiteral("(none yet)"))->setEnabled(false);
    } else {
        m_recentMenu->addSeparator();
        connect(m_recentMenu->addAction(QStringLiteral("Clear List")), &QAction::triggered, this, [this] {
            m_recent.clear();
            if (m_settings)
                m_settings->setRecentSessions(m_recent);
            rebuildRecentMenu();
        });
    }
    m_recentMenu->setToolTipsVisible(true);
}

void SessionController::reportProblem(const QString& title, const QString& message)
{
    m_window->problemBanner()->showMessage(MessageBanner::Kind::Error, title, message);
    m_window->statusBar()->showMessage(title, 8000);
}

QString SessionController::currentViewId() const
{
    for (const QString& id : m_window->viewIds())
        if (View* view = m_window->view(id); view && view->isVisible())
            return id;
    return m_window->viewIds().value(0);
}

ExportReport SessionController::exportCurrentView(const QString& pathOrStem, const ExportOptions& options)
{
    View* view = m_window->view(currentViewId());
    ExportReport report;
    if (!view) {
        report.errors << QStringLiteral("there is no view to export");
        return report;
    }
    view->renderNow();
    const QList<NamedPlot> plots = exportablePlots(view);
    const QFileInfo target(pathOrStem);
    const QString extension = exportFormatId(options.format);
    for (const NamedPlot& plot : plots) {
        // One plot: exactly the chosen file. Several: the chosen name plus the plot's part.
        QString name = target.completeBaseName();
        if (plots.size() > 1)
            name += plot.stem.mid(view->id().size());
        const QString path = target.dir().absoluteFilePath(name + QLatin1Char('.') + extension);
        QString error;
        if (!QDir().mkpath(target.absolutePath()))
            report.errors << QStringLiteral("%1: cannot create the folder").arg(QDir::toNativeSeparators(target.absolutePath()));
        else if (exportPlot(plot.plot, path, options, &error))
            report.written << path;
        else
            report.errors << error;
    }
    return report;
}

ExportReport SessionController::exportAllViews(const QString& folder, const ExportOptions& options)
{
    QList<View*> views;
    for (const QString& id : m_window->viewIds())
        if (View* view = m_window->view(id)) {
            view->renderNow();
            views << view;
        }
    return exportViews(views, folder, options);
}

bool SessionController::copyCurrentViewImage()
{
    View* view = m_window->view(currentViewId());
    if (!view)
        return false;
    const QImage image = viewImage(view, QSize(1200, 800), m_window->devicePixelRatioF());
    if (image.isNull())
        return false;
    QApplication::clipboard()->setImage(image);
    m_window->statusBar()->showMessage(QStringLiteral("Copied the %1 view to the clipboard").arg(view->title()), 3000);
    return true;
}

void SessionController::exportCurrentViewDialog()
{
    View* view = m_window->view(currentViewId());
    if (!view)
        return;
    const QString folder = exportStartFolder(m_settings);
    const QString suggested = QDir(folder).filePath(view->id() + QLatin1Char('.') + exportFormatId(m_lastExport.format));
    ExportDialog dialog(ExportDialog::Target::File, suggested, m_lastExport, m_window);
    if (dialog.exec() != QDialog::Accepted || dialog.destination().isEmpty())
        return;
    m_lastExport = dialog.options();
    const ExportReport report = exportCurrentView(dialog.destination(), m_lastExport);
    if (m_settings)
        m_settings->setExportDirectory(QFileInfo(dialog.destination()).absolutePath());
    if (!report.ok())
        reportProblem(QStringLiteral("Export failed"), report.errors.join(QLatin1Char('\n')));
    else
        m_window->statusBar()->showMessage(QStringLiteral("Exported %1").arg(report.written.join(QStringLiteral(", "))), 6000);
}

void SessionController::exportAllViewsDialog()
{
    const QString folder = exportStartFolder(m_settings);
    ExportDialog dialog(ExportDialog::Target::Folder, folder, m_lastExport, m_window);
    if (dialog.exec() != QDialog::Accepted || dialog.destination().isEmpty())
        return;
    m_lastExport = dialog.options();
    const ExportReport report = exportAllViews(dialog.destination(), m_lastExport);
    if (m_settings)
        m_settings->setExportDirectory(dialog.destination());
    if (!report.ok())
        reportProblem(QStringLiteral("Export failed"), report.errors.join(QLatin1Char('\n')));
    else
        m_window->statusBar()->showMessage(
            QStringLiteral("Exported %1 files to %2").arg(report.written.size()).arg(QDir::toNativeSeparators(dialog.destination())), 6000);
}

void SessionController::setPresentationMode(bool on)
{
    if (m_presentationAction && m_presentationAction->isChecked() != on) {
        m_presentationAction->setChecked(on); // re-enters through toggled
        return;
    }
    setCurrentPlotTheme(on ? PlotTheme::Presentation : PlotTheme::Screen);
    m_window->setPresentationFont(on);
    restyleAllPlots();
}

bool SessionController::presentationMode() const
{
    return currentPlotTheme() == PlotTheme::Presentation;
}

void SessionController::restyleAllPlots()
{
    for (const QString& id : m_window->viewIds())
        if (View* view = m_window->view(id))
            for (QCustomPlot* plot : view->plots())
                if (plot) {
                    applyPlotTheme(plot, currentPlotTheme());
                    plot->replot(QCustomPlot::rpQueuedReplot);
                }
}

} // namespace ss
