#pragma once
// Typed access to the settings file (NotepadNext's pattern): every key lives here once,
// with its type, instead of string keys scattered through the code; the controls' defaults
// are ControlState's (and through it the core's), enums are stored by name.
// QApplication's organisation and application names must be set before the first use.

#include "controls/ControlState.h"

#include <QByteArray>
#include <QObject>
#include <QSettings>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace ss {

// One key with its default. Reads convert and fall back to the default when the stored
// value is missing or of the wrong type.
template <typename T>
class Setting {
public:
    explicit Setting(QString key, T fallback = {}) : m_key(std::move(key)), m_default(std::move(fallback)) {}
    T get(const QSettings& settings) const { return get(settings, m_default); }
    // With the default given by the caller (the controls' keys take ControlState's).
    T get(const QSettings& settings, const T& fallback) const
    {
        const QVariant value = settings.value(m_key);
        if (!value.isValid() || !value.canConvert<T>())
            return fallback;
        return value.value<T>();
    }
    void set(QSettings& settings, const T& value) const { settings.setValue(m_key, QVariant::fromValue(value)); }
    const QString& key() const { return m_key; }

private:
    QString m_key;
    T m_default;
};

class AppSettings : public QObject {
    Q_OBJECT
public:
    explicit AppSettings(QObject* parent = nullptr);
    // A settings file of one's own (tests, headless runs), instead of the user's.
    AppSettings(const QString& fileName, QObject* parent);

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray& geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray& state);
    QString currentView() const;
    void setCurrentView(const QString& id);
    bool tiledViews() const;
    void setTiledViews(bool tiled);
    QString lastDirectory() const;
    void setLastDirectory(const QString& directory);
    // Session files, most recent first (File > Open Recent).
    QStringList recentSessions() const;
    void setRecentSessions(const QStringList& paths);
    // Where File > Export last wrote.
    QString exportDirectory() const;
    void setExportDirectory(const QString& directory);

    // The last dataset, model and parameters. A CSV that no longer exists falls back to
    // the default dataset.
    ControlState controls() const;
    void setControls(const ControlState& state);

    void sync() { m_settings.sync(); }

signals:
    void controlsChanged();

private:
    QSettings m_settings;
};

} // namespace ss
