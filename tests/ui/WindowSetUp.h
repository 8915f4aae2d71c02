// Set-up shared by the suites that drive a whole window: the settings most tests start
// from, a window without a settings file, and the steps before most checks.
#pragma once

#include "automation/WindowAutomation.h"
#include "controls/ControlState.h"
#include "views/View.h"
#include "window/MainWindow.h"

#include <QSize>
#include <QString>

namespace ss::testing {

// A quick, deterministic starting point: the default dataset at full speed, no epoch limit.
inline ControlState fastDefault()
{
    ControlState state;
    state.pace = 0.0;
    state.epochLimit = 0;
    return state;
}

// fastDefault() on a bundled data set, taken as it is (no generator's size or noise).
inline ControlState fastDefaultOnBundled(const char* name)
{
    ControlState state = fastDefault();
    state.dataset.nameOrPath = name;
    state.dataset.samples = 0;
    state.dataset.noise = -1.0;
    return state;
}

// Nothing read from or written to the user's settings file.
inline MainWindow::Options noSettings()
{
    return MainWindow::Options{.useSettings = false, .settingsFile = {}};
}

// Shows the window (at `size`, when one is given) and applies fastDefault() without training.
inline void showFastDefault(MainWindow& window, QSize size = {})
{
    if (size.isValid())
        window.resize(size);
    window.show();
    window.applyState(fastDefault(), false);
}

// Brings view `id` to the front and draws it now (a view draws only while visible).
template <typename ViewType = View>
ViewType* showDrawn(MainWindow& window, const QString& id)
{
    window.showView(id);
    auto* view = qobject_cast<ViewType*>(window.view(id));
    view->renderNow();
    return view;
}

} // namespace ss::testing
