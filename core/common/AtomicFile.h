#pragma once

#include <string>
#include <string_view>

namespace ss {

// Writes `contents` to `path` atomically, so that readers (and the file after a crash, a
// kill -9 or a full disk) see either the old file whole or the new one whole:
//   1. the bytes go to a temporary in the same folder, ".<name>.sparsescope-tmp-<pid>-<random>";
//   2. the temporary is fsynced, so the rename cannot reach the disk before its data;
//   3. it is renamed over `path` (an existing file's permissions are kept);
//   4. the folder is fsynced, so the rename itself survives a power cut.
// A writer killed before step 3 leaves its temporary behind: every write removes the
// temporaries of ours in its folder whose process is gone. Throws InputError naming `path`
// and the system's reason ("No space left on device") on failure, leaving any old file intact.
void writeFileAtomically(const std::string& path, std::string_view contents);

// The marker in our temporaries' names, for tests and for cleaning up.
inline constexpr std::string_view kTemporaryMarker = ".sparsescope-tmp-";

// Removes temporaries of ours in `folder` whose writing process no longer runs; returns how
// many. Errors are ignored: cleaning up is a courtesy, not part of the write.
int removeStaleTemporaries(const std::string& folder);

} // namespace ss
