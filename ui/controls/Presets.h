#pragma once
// Ready-made lessons: a dataset, a model and settings that show one idea well, and what
// to look at or try once it runs.

#include "controls/ControlState.h"

#include <QList>
#include <QString>

namespace ss {

struct Preset {
    QString id;          // for the command line: article, l1-vs-l2, fashion-95, bits, ...
    QString title;       // for the menu
    QString lesson;      // shown above the views when the preset is chosen
    ControlState state;
    bool startTraining = true;
    bool needsFashionMnist = false;
};

QList<Preset> presets();
// Null when no preset has that id.
const Preset* findPreset(const QString& id);

} // namespace ss
