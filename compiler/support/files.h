// Which paths are read as files: a regular file or a pipe (`aec check <(generate)`), never a
// directory or a device (`--load /dev/zero` would read until memory runs out).
#pragma once
#include <string>

namespace aec {

// Why `path` cannot be read as a file, as a phrase to follow the path ("no such file", "is a
// directory, not a file", ...), or "" when it can.
std::string unreadable_file_reason(const std::string &path);

// The whole contents of `path`; throws InputError "PATH: REASON" when it cannot be read.
std::string read_whole_file(const std::string &path);

} // namespace aec
