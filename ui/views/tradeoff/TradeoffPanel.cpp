#include "views/tradeoff/TradeoffPanel.h"

#include "plot/PlotStyle.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

namespace ss {

TradeoffPanel::TradeoffPanel(const QString& plotName, QWidget* parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
{
    // Exported files are named after the plots: tradeoff-scan.png, tradeoff-sweep.png, tradeoff-path.png.
    m_plot->setObjectName(plotName);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    stylePlot(m_plot);
}

void TradeoffPanel::showSnapshot(const SnapshotPtr& snapshot)
{
    m_snapshot = snapshot;
    if (m_snapshot)
        render(*m_snapshot);
}

QCPTextElement* TradeoffPanel::addTitle(const QString& text)
{
    m_plot->plotLayout()->insertRow(0);
    auto* title = new WrappingTitle(m_plot, text, plotFont(0, true));
    title->setTextColor(plotcolors::text());
    m_plot->plotLayout()->addElement(0, 0, title);
    return title;
}

QCPItemText* TradeoffPanel::addNotice()
{
    auto* notice = new QCPItemText(m_plot);
    notice->setClipToAxisRect(false);
    notice->position->setType(QCPItemPosition::ptAxisRectRatio);
    notice->position->setCoords(0.5, 0.5);
    notice->setFont(plotFont(0));
    notice->setColor(plotcolors::mutedText());
    notice->setTextAlignment(Qt::AlignCenter);
    notice->setBrush(QBrush(QColor(255, 255, 255, 220)));
    notice->setPadding(QMargins(8, 6, 8, 6));
    return notice;
}

} // namespace ss
