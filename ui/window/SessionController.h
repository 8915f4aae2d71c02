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
//
// Files are read and written on a thread of their own (a session is megabytes of JSON, and
// its data's checksums read up to 30 MB): the window stays live while they run. What is
// saved is captured on the GUI thread when the save is asked for; saves run one after the
// other in the order asked; a newer open replaces one still reading.

#include "controls/ControlState.h"
#include "plot/PlotExport.h"
#include "engine/Snapshot.h"

#include "async/BackgroundJob.h"

#include "session/LiveExperiment.h"
#include "session/Session.h"

#include <QMessageBox>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QThreadPool>

#include <cstdint>
#include <functional>
#include <map>
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

    // Saves what the window shows now to `path` and returns once the file is written (for
    // scripts, tests and the window's close): atomic; on success the path becomes the current
    // session and joins the recent files. Saves asked for before it are written first.
    bool saveTo(const QString& path, QString* error);
    // The same in the background: returns at once (false, with *error, only when there is
    // nothing to save); `saved` or `saveFailed` follow.
    bool startSave(const QString& path, QString* error);
    // Waits for the saves under way (before the window closes).
    void finishSaves();
    bool isSaving() const { return m_saveJob.isPending(); }
    // Reads the file and checks it and its data in the background, then restores it through
    // the engine. False only when the path is empty; a refusal of the file arrives as
    // openFailed (nothing changed), the engine's verdict as opened / openFailed.
    bool open(const QString& path, QString* error);
    // The thread that reads and writes session files (tests hold it to see the window live).
    QThreadPool* fileThread() { return &m_fileThread; }

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
    void saveFailed(const QString& path, const QString& message);

private:
    // A session file as read and checked off the GUI thread, ready for the engine.
    struct ReadSession {
        std::shared_ptr<const Session> session;
        RestoreRequest request;                // without the app-only settings
        DatasetRequest resolved;               // what the engine loads (maybe the embedded copy)
        std::string note;
    };
    struct PendingOpen {
        std::uint64_t generation = 0;
        QString path;
        std::shared_ptr<const Session> session;
        QString note;
        ControlState previousControls;         // put back when the engine refuses the session
    };
    // A save as asked for: what the window showed then, written by the file thread.
    struct PendingSave {
        QString path;
        // All but the dataset's description; the file thread adds that and writes it, and the
        // GUI thread does not touch it after queueing.
        std::shared_ptr<Session> session;
        DatasetRequest dataset;                // described (checksums) on the file thread
        SnapshotPtr shown;
        bool tell = false;                     // status bar or banner (Save, Save As)
        std::uint64_t serial = 0;              // in the order asked for
    };

    // The session as the window shows it now. Empty with *error when there is nothing to
    // save yet.
    std::optional<PendingSave> capture(const QString& path, QString* error) const;
    void startNextSave();
    void onSaved(const PendingSave& save);
    void onSaveFailed(const PendingSave& save, const QString& message);
    void onRead(const QString& path, ReadSession read);
    void onReadFailed(const QString& path, const QString& message);

    void onSnapshot(const ss::SnapshotPtr& snapshot);
    void onRestoreFinished(std::uint64_t generation, bool ok, const QString& message);
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    void updateTitle();
    QString fingerprint(const Snapshot& snapshot) const;
    // The Save As dialog's answer (or the test's), remembering its folder; empty: cancelled.
    QString chooseSavePath();
    // A background save whose outcome shows in the status bar or a problem banner (Save
    // and Save As).
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
    QThreadPool m_fileThread;
    std::vector<PendingSave> m_saveQueue;       // front: the one being written
    std::uint64_t m_saveSerial = 0;
    std::map<std::uint64_t, QString> m_failedSaves; // serial -> why, for saveTo
    QString m_reading;                          // the file being read for open(), if any
    BackgroundJob<bool> m_saveJob;
    BackgroundJob<ReadSession> m_readJob;
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
