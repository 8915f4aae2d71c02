#include "common/ThreadPriority.h"

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace ss {

void lowerThisThreadsPriority()
{
#ifdef __linux__
    // On Linux the nice value is per thread and inherited by the threads it starts (the
    // OpenMP team of the training kernels): work in the background yields the CPU to
    // the GUI thread, which then never waits long for a core on a busy machine.
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 5);
#endif
}

} // namespace ss
