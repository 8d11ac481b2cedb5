#pragma once

namespace Confab {

// How the C library's allocator is set up for Confab's processes, before anything allocates
// much. glibc's malloc raises its threshold for mmap-ing a block each time such a block is
// freed; a message log that pages in history replaces its row list (hundreds of KiB) page
// after page, so those lists end up on the heap, between small blocks that outlive them, and
// the process keeps pages it no longer uses (bench_gui memory: RSS 75 to 81 MB from run to
// run; 67 MB with the threshold fixed). Elsewhere this does nothing.
class AllocatorTuning
{
public:
    static void apply();
};

} // namespace Confab
