#include "support/files.h"
#include "source/diagnostics.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace aec {

std::string unreadable_file_reason(const std::string &path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return errno == ENOENT ? "no such file" : std::string("cannot open the file (") + std::strerror(errno) + ")";
  if (S_ISDIR(st.st_mode)) return "is a directory, not a file";
  if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) return "is a device or a socket, not a file";
  return "";
}

std::string read_whole_file(const std::string &path) {
  if (std::string why = unreadable_file_reason(path); !why.empty()) throw InputError(path + ": " + why);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open the file");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw InputError(path + ": cannot read the file");
  return ss.str();
}

} // namespace aec
