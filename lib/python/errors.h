// aec.Error: every aec::Error as a Python exception (a subclass of Exception) whose str() is the
// message as the command line prints it (for a .ae program: file:line:col, the source line and a
// caret), with .messages, a list of (file, line, column, text), and .in_program.
#pragma once
#include <pybind11/pybind11.h>

#include <string>

namespace aec::python {

void register_error(pybind11::module_ &m);

// An aec::Error about the binding's own arguments (an array, a keyword): no place in a program.
[[noreturn]] void fail(const std::string &text);

} // namespace aec::python
