#include "window/ExportDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace ss {

ExportDialog::ExportDialog(Target target, const QString& destination, const ExportOptions& options, QWidget* parent)
    : QDialog(parent)
    , m_target(target)
    , m_format(new QComboBox(this))
    , m_width(new QSpinBox(this))
    , m_height(new QSpinBox(this))
    , m_scale(new QDoubleSpinBox(this))
    , m_style(new QComboBox(this))
    , m_destination(new QLineEdit(destination, this))
    , m_pixels(new QLabel(this))
{
    setWindowTitle(target == Target::File ? QStringLiteral("Export the current view") : QStringLiteral("Export all views"));
    m_format->addItem(QStringLiteral("PNG image"), QStringLiteral("png"));
    m_format->addItem(QStringLiteral("PDF (vector)"), QStringLiteral("pdf"));
    m_format->addItem(QStringLiteral("SVG (vector)"), QStringLiteral("svg"));
    m_format->addItem(QStringLiteral("CSV (the plotted data)"), QStringLiteral("csv"));
    m_format->setCurrentIndex(std::max(0, m_format->findData(exportFormatId(options.format))));
    m_format->setToolTip(QStringLiteral("PNG for slides and the web; PDF and SVG stay sharp at any size (papers); "
                                        "CSV holds every plotted point, to plot again elsewhere."));
    for (QSpinBox* box : {m_width, m_height}) {
        box->setRange(16, 20000);
        box->setSuffix(QStringLiteral(" px"));
    }
    m_width->setValue(options.width);
    m_height->setValue(options.height);
    m_width->setToolTip(QStringLiteral("Width of the figure: pixels for PNG and SVG, points (1/72 inch) for PDF."));
    m_scale->setRange(0.25, 8.0);
    m_scale->setSingleStep(0.5);
    m_scale->setValue(options.scale);
    m_scale->setToolTip(QStringLiteral("PNG only: pixels per unit of size; 2 gives a sharp image on high-density screens "
                                       "and in print at the same layout."));
    for (PlotTheme theme : {PlotTheme::Screen, PlotTheme::Publication, PlotTheme::Presentation})
        m_style->addItem(plotThemeTitle(theme), plotThemeId(theme));
    m_style->setCurrentIndex(m_style->findData(plotThemeId(options.theme.value_or(PlotTheme::Screen))));
    m_style->setToolTip(QStringLiteral("Publication: white background, black text, larger fonts. Presentation: large "
                                       "fonts and thick lines for a lecture hall."));

    auto* browse = new QPushButton(QStringLiteral("Browse\u2026"), this);
    auto* where = new QHBoxLayout;
    where->addWidget(m_destination, 1);
    where->addWidget(browse);

    auto* size = new QHBoxLayout;
    size->addWidget(m_width);
    size->addWidget(new QLabel(QStringLiteral("\u00d7"), this));
    size->addWidget(m_height);

    auto* form = new QFormLayout(this);
    form->addRow(QStringLiteral("Format:"), m_format);
    form->addRow(QStringLiteral("Size:"), size);
    form->addRow(QStringLiteral("Scale:"), m_scale);
    form->addRow(QString(), m_pixels);
    form->addRow(QStringLiteral("Style:"), m_style);
    form->addRow(target == Target::File ? QStringLiteral("File:") : QStringLiteral("Folder:"), where);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(QStringLiteral("Export"));
    form->addRow(buttons);

    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browse, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::updateEnabled);
    connect(m_width, &QSpinBox::valueChanged, this, &ExportDialog::updateEnabled);
    connect(m_height, &QSpinBox::valueChanged, this, &ExportDialog::updateEnabled);
    connect(m_scale, &QDoubleSpinBox::valueChanged, this, &ExportDialog::updateEnabled);
    updateEnabled();
}

ExportOptions ExportDialog::options() const
{
    ExportOptions options;
    exportFormatFromId(m_format->currentData().toString(), &options.format);
    options.width = m_width->value();
    options.height = m_height->value();
    options.scale = m_scale->value();
    PlotTheme theme = PlotTheme::Screen;
    plotThemeFromId(m_style->currentData().toString(), &theme);
    options.theme = theme;
    return options;
}

QString ExportDialog::destination() const
{
    QString path = m_destination->text().trimmed();
    if (m_target == Target::File && !path.isEmpty()) {
        // The extension follows the format.
        const QString extension = QLatin1Char('.') + m_format->currentData().toString();
        const QFileInfo info(path);
        if (info.suffix().compare(extension.mid(1), Qt::CaseInsensitive) != 0)
            path = QFileInfo(info.dir(), info.completeBaseName() + extension).filePath();
    }
    return path;
}

void ExportDialog::browse()
{
    QString chosen;
    if (m_target == Target::Folder) {
        chosen = QFileDialog::getExistingDirectory(this, QStringLiteral("Export into folder"), m_destination->text());
    } else {
        const QString format = m_format->currentData().toString();
        chosen = QFileDialog::getSaveFileName(this, QStringLiteral("Export to"), destination(),
                                              QStringLiteral("%1 (*.%2)").arg(format.toUpper(), format));
    }
    if (!chosen.isEmpty())
        m_destination->setText(chosen);
}

void ExportDialog::updateEnabled()
{
    const QString format = m_format->currentData().toString();
    const bool picture = format != QLatin1String("csv");
    m_width->setEnabled(picture);
    m_height->setEnabled(picture);
    m_style->setEnabled(picture);
    m_scale->setEnabled(format == QLatin1String("png"));
    m_pixels->setText(format == QLatin1String("png")
                          ? QStringLiteral("%1 \u00d7 %2 pixels")
                                .arg(qRound(m_width->value() * m_scale->value()))
                                .arg(qRound(m_height->value() * m_scale->value()))
                          : QString());
    if (m_target == Target::File && !m_destination->text().isEmpty())
        m_destination->setText(destination());
}

} // namespace ss
