#pragma once
// Errors that reach the user. Input errors name the file, line and column so that a
// message such as "iris.csv:12:3: not a number: 'abc'" tells exactly what to fix.

#include <atomic>
#include <stdexcept>
#include <string>

namespace ss {

class InputError : public std::runtime_error {
public:
    // line and column are 1-based; 0 means "not applicable".
    InputError(std::string file, int line, int column, const std::string& problem);

    const std::string& file() const { return m_file; }
    int line() const { return m_line; }
    int column() const { return m_column; }
    const std::string& problem() const { return m_problem; }

private:
    std::string m_file;
    int m_line;
    int m_column;
    std::string m_problem;
};

// A request the core cannot carry out as asked: mismatched shapes, a learning rate <= 0,
// an unknown name. The message names the class or parameter and the values involved.
class ConfigError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// A long load stopped because its caller set the cancel flag: nothing failed, the result is
// not wanted (the window closes, another dataset was chosen).
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

// The core's long loads take `const std::atomic<bool>* cancel` (null = never cancelled) and
// call this between pieces of work small enough that a set flag stops them within milliseconds.
inline void throwIfCancelled(const std::atomic<bool>* cancel)
{
    if (cancel && cancel->load(std::memory_order_relaxed))
        throw Cancelled();
}

} // namespace ss
