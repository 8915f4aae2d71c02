#pragma once
// The live experiment's snapshots (session/LiveSnapshot.h) as a Qt metatype, so that they
// travel in queued signals from the engine's thread to the GUI.

#include "session/LiveSnapshot.h"

#include <QMetaType>

Q_DECLARE_METATYPE(ss::SnapshotPtr)
