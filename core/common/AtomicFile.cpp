#include "common/AtomicFile.h"

#include "common/Error.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <random>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ss {

namespace {

namespace fs = std::filesystem;

std::string systemReason(int code)
{
    return std::strerror(code);
}

// The writer's pid in a temporary's name ".<name>.sparsescope-tmp-<pid>-<random>", or 0 when
// the name is not one of ours.
pid_t writerOf(const std::string& name)
{
    if (name.empty() || name[0] != '.')
        return 0;
    const auto marker = name.rfind(kTemporaryMarker);
    if (marker == std::string::npos)
        return 0;
    const char* begin = name.data() + marker + kTemporaryMarker.size();
    const char* end = name.data() + name.size();
    long pid = 0;
    const auto [stop, error] = std::from_chars(begin, end, pid);
    if (error != std::errc() || stop == end || *stop != '-' || pid <= 0)
        return 0;
    return static_cast<pid_t>(pid);
}

bool processRuns(pid_t pid)
{
    // EPERM: it runs but belongs to someone else.
    return ::kill(pid, 0) == 0 || errno == EPERM;
}

class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : m_fd(fd) {}
    ~FileDescriptor()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return m_fd; }
    // close() reports deferred write errors (NFS, quotas): the caller must see them.
    int close()
    {
        const int result = ::close(m_fd);
        m_fd = -1;
        return result;
    }

private:
    int m_fd;
};

void syncFolder(const fs::path& folder)
{
    // Best effort: some file systems refuse fsync on folders (EINVAL), and the file itself is
    // already safe; only the name might be lost in a power cut.
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

} // namespace

int removeStaleTemporaries(const std::string& folder)
{
    int removed = 0;
    std::error_code error;
    fs::directory_iterator it(folder, error);
    for (; !error && it != fs::directory_iterator(); it.increment(error)) {
        const pid_t pid = writerOf(it->path().filename().string());
        if (pid == 0 || pid == ::getpid() || processRuns(pid))
            continue;
        std::error_code ignored;
        if (it->is_regular_file(ignored) && fs::remove(it->path(), ignored))
            ++removed;
    }
    return removed;
}

void writeFileAtomically(const std::string& path, std::string_view contents)
{
    const fs::path target(path);
    if (!target.has_filename())
        throw InputError(path, 0, 0, "not a file name");
    const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
    removeStaleTemporaries(folder.string());

    // The pid lets a later write tell a dead writer's temporary from a live one's; the random
    // part keeps two threads of one process apart.
    std::random_device entropy;
    char suffix[24];
    const auto written = std::to_chars(suffix, suffix + sizeof suffix,
                                       (std::uint64_t(entropy()) << 32) | entropy(), 16);
    const fs::path temporary = folder / ("." + target.filename().string() + std::string(kTemporaryMarker)
                                         + std::to_string(::getpid()) + "-" + std::string(suffix, written.ptr));

    // A replaced file keeps its permissions; a new one gets the usual 0666 less the umask.
    struct stat existing {};
    const bool replacing = ::stat(path.c_str(), &existing) == 0 && S_ISREG(existing.st_mode);
    FileDescriptor file(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
    if (file.get() < 0)
        throw InputError(path, 0, 0, "cannot write in " + folder.string() + ": " + systemReason(errno));
    const auto fail = [&](const std::string& what, int code) {
        if (file.get() >= 0)
            file.close();
        ::unlink(temporary.c_str());
        throw InputError(path, 0, 0, what + ": " + systemReason(code));
    };
    if (replacing)
        ::fchmod(file.get(), existing.st_mode & 07777);
    std::size_t done = 0;
    while (done < contents.size()) {
        const ssize_t n = ::write(file.get(), contents.data() + done, contents.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            fail("write failed after " + std::to_string(done) + " of " + std::to_string(contents.size()) + " bytes",
                 n < 0 ? errno : ENOSPC);
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(file.get()) != 0)
        fail("write failed (fsync)", errno);
    if (file.close() != 0)
        fail("write failed (close)", errno);
    if (::rename(temporary.c_str(), target.c_str()) != 0)
        fail("cannot replace the file", errno);
    syncFolder(folder);
}

} // namespace ss
