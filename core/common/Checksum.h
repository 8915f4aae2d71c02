#pragma once
// FNV-1a (64-bit) checksums of file contents: sessions use them to notice that a data file
// they refer to has changed since the session was saved. Not cryptographic; it catches
// edits and truncation, which is all a session needs.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ss {

class Fnv1a64 {
public:
    void add(std::string_view bytes);
    std::uint64_t value() const { return m_hash; }
    // "fnv1a64:" and 16 lower-case hex digits.
    std::string text() const;

private:
    std::uint64_t m_hash = 14695981039346656037ull;
};

std::uint64_t fnv1a64(std::string_view bytes);

struct FileChecksum {
    std::string text;          // as Fnv1a64::text()
    std::uint64_t bytes = 0;   // total size
};

// Checksum of the files' bytes taken one after another, read in blocks (Fashion-MNIST's
// 30 MB take ~30 ms). Throws InputError naming the file that cannot be read.
FileChecksum checksumFiles(const std::vector<std::string>& paths);

} // namespace ss
