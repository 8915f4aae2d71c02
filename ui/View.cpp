#include "View.h"

#include <QShowEvent>

namespace ss {

View::View(QWidget* parent)
    : QWidget(parent)
{
}

void View::setSnapshot(const SnapshotPtr& snapshot)
{
    m_snapshot = snapshot;
    m_dirty = true;
    if (isVisible())
        renderNow();
}

void View::renderNow()
{
    if (!m_snapshot)
        return;
    m_dirty = false;
    ++m_renders;
    render(*m_snapshot);
}

void View::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_dirty)
        renderNow();
}

} // namespace ss
