#include "AllocatorTuning.h"

// Any C library header defines __GLIBC__ where it is glibc.
#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace Confab {

void AllocatorTuning::apply()
{
#if defined(__GLIBC__)
    // Blocks from 256 KiB up are mapped on their own and given back when freed; setting it
    // also stops glibc from raising it.
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
}

} // namespace Confab
