#pragma once
// Background work that must not make the GUI wait for a core.

namespace ss {

// Makes the calling thread (and threads it starts later) yield to the GUI thread: for the
// engine's worker and background jobs. Does nothing where threads have no own priority.
void lowerThisThreadsPriority();

} // namespace ss
