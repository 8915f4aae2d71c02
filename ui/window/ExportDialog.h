#pragma once
// The options of File > Export: format, size, scale (PNG), style, and where to write.
// For the current view the destination is a file (a view with several plots writes one file
// per plot next to it, named after it); for all views it is a folder.

#include "plot/PlotExport.h"

#include <QDialog>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace ss {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    enum class Target { File, Folder };

    ExportDialog(Target target, const QString& destination, const ExportOptions& options, QWidget* parent = nullptr);

    ExportOptions options() const;
    QString destination() const;

private:
    void browse();
    void updateEnabled();

    Target m_target;
    QComboBox* m_format;
    QSpinBox* m_width;
    QSpinBox* m_height;
    QDoubleSpinBox* m_scale;
    QComboBox* m_style;
    QLineEdit* m_destination;
    QLabel* m_pixels;
};

} // namespace ss
