#pragma once

#include <string>

namespace ss {

// Writes text to path atomically: a temporary file in the same folder, then a rename, so a
// failed write leaves any old file intact. Throws InputError naming the path on failure.
void writeFileAtomically(const std::string& path, const std::string& contents);

} // namespace ss
