#pragma once
// Errors that reach the user. Input errors name the file, line and column so that a
// message such as "iris.csv:12:3: not a number: 'abc'" tells exactly what to fix.

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

} // namespace ss
