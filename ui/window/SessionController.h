#pragma once
// Sessions and exports in the window: File > Save Session (Ctrl+S), Save Session As
// (Ctrl+Shift+S), Open Session (Ctrl+Shift+O), Open Recent, Export (current view, all views,
// copy image), View > Presentation mode, and the unsaved-changes question on close.
//
// Saving captures what the window shows: the dataset request, model, settings, trained
// weights and masks, curves and markers (core/session/Session.h), plus the app's own view
// state under "app". Opening checks the whole file first, finds the data (checksums,
// embedded copies), and hands everything to the Engine as one restore command: either all
// of it takes effect, or nothing changes and the banner says why.

#include "controls/ControlState.h"
#include "plot/PlotExport.h"
#include "engine/Snapshot.h"

#include "session/Session.h"

#include <QMessageBox>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

class QAction;
class QMenu;

namespace ss {

class AppSettings;
class MainWindow;

class SessionController : public QObject {
    Q_OBJECT
public:
    // settings may be null (no recent-files list then).
    SessionController(MainWindow* window, AppSettings* settings);

    // Adds the session and export actions to the File menu, before `before` (e.g. Quit).
    void addFileActions(QMenu* file, QAction* before);
    // Adds Presentation mode to the View menu.
    void addViewActions(QMenu* view);

    QString currentPath() const { return m_path; }
    // Forgets the current file (a preset starts a new experiment): Save then asks for a name.
    void startUntitled();
    // True when the shown state differs from the last save or open (or, for a session never
    // saved, once something was trained).
    bool isModified() const;

    // The session as the window shows it now. Empty with *error when there is nothing to
    // save yet or the data file cannot be read.
    std::optional<Session> capture(QString* error) const;
    // Atomic; on success the path becomes the current session and joins the recent files.
    bool saveTo(const QString& path, QString* error);
    // Checks the file and its data, then restores it through the engine. False (and
    // nothing changed) when the file is refused before that; the engine's verdict arrives
    // later (opened / openFailed).
    bool open(const QString& path, QString* error);

    // Asks whether to save unsaved changes; true when the window may close.
    bool confirmClose();
    // Replaces the question dialog (tests): gets the question, answers Save, Discard or Cancel.
    using AskToSave = std::function<QMessageBox::StandardButton(const QString& question)>;
    void setAskToSave(AskToSave ask) { m_askToSave = std::move(ask); }
    // Replaces the Save As file dialog (tests): returns the chosen path or empty.
    using ChoosePath = std::function<QString()>;
    void setChooseSavePath(ChoosePath choose) { m_chooseSavePath = std::move(choose); }

    QStringList recentFiles() const { return m_recent; }

    // Exports of the window's views (File > Export uses these after its dialog).
    ExportReport exportCurrentView(const QString& pathOrStem, const ExportOptions& options);
    ExportReport exportAllViews(const QString& folder, const ExportOptions& options);
    // Puts the current view's plots, as laid out on screen, on the clipboard.
    bool copyCurrentViewImage();
    QString currentViewId() const;

    void setPresentationMode(bool on);
    bool presentationMode() const;

public slots:
    bool save();
    bool saveAs();
    void openDialog();
    void exportCurrentViewDialog();
    void exportAllViewsDialog();

signals:
    void opened(const QString& path);
    void openFailed(const QString& path, const QString& message);
    void saved(const QString& path);

private:
    struct PendingOpen {
        std::uint64_t generation = 0;
        QString path;
        Session session;
        DatasetRequest resolved;               // what the engine loads (maybe the embedded copy)
        QString note;
        ControlState previousControls;         // put back when the engine refuses the session
    };

    void onSnapshot(const ss::SnapshotPtr& snapshot);
    void onRestoreFinished(std::uint64_t generation, bool ok, const QString& message);
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    void updateTitle();
    QString fingerprint(const Snapshot& snapshot) const;
    // saveTo, then the outcome in the status bar or a problem banner (Save and Save As).
    bool saveAndTell(const QString& path);
    void reportProblem(const QString& title, const QString& message);
    void restyleAllPlots();

    MainWindow* m_window;
    AppSettings* m_settings;
    QString m_path;
    QString m_savedFingerprint;                 // of the state last saved or opened
    std::uint64_t m_cleanAfterGeneration = 0;   // the first snapshot at or after it is "as opened"
    bool m_cleanPending = false;
    SnapshotPtr m_latest;                       // newest snapshot the engine sent
    std::optional<PendingOpen> m_pending;
    // The opened session, for the views' results once the restored model arrives.
    std::shared_ptr<const Session> m_restoredSession;
    QStringList m_recent;
    ExportOptions m_lastExport;                 // the export dialog starts from the last choices
    AskToSave m_askToSave;
    ChoosePath m_chooseSavePath;

    QMenu* m_recentMenu = nullptr;
    QAction* m_presentationAction = nullptr;
};

// Conversions between a session and the window's state, exposed for tests.
// The control panel's state for a session: settings from the session, the app-only ones
// (pace, epoch limit, comparison, alpha at lambda 0) from its "app" object.
ControlState controlStateFromSession(const Session& session, const DatasetRequest& resolved);

} // namespace ss
