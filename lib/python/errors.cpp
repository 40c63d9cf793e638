#include "errors.h"

#include <aec/aec.h>

namespace py = pybind11;

namespace aec::python {

namespace {
// Lives as long as the interpreter: never destroyed (its destructor would run after Python's).
PyObject *error_type = nullptr;

const char *kErrorDoc = R"(An error in a .ae program, in data, in an argument or in a checkpoint.

str(e) is the message as the command line prints it: for a program, file:line:col, the
source line and a caret under the place. e.messages lists the same as values:
(file, line, column, text) tuples, line and column 0 where there is no place in a program
(the text then names the file or argument and what is wrong). e.in_program is True for a
diagnostic of the .ae program itself.)";
} // namespace

void register_error(py::module_ &m) {
  error_type = PyErr_NewExceptionWithDoc("aec.Error", kErrorDoc, PyExc_Exception, nullptr);
  if (!error_type) throw py::error_already_set();
  m.add_object("Error", py::handle(error_type));
  // pybind11 takes a translator of void(std::exception_ptr), by value.
  py::register_exception_translator([](std::exception_ptr p) { // NOLINT(performance-unnecessary-value-param)
    try {
      if (p) std::rethrow_exception(p);
    } catch (const aec::Error &e) {
      py::list messages;
      for (const Message &msg : e.messages()) messages.append(py::make_tuple(msg.file, msg.line, msg.column, msg.text));
      py::object error = py::reinterpret_borrow<py::object>(error_type)(e.what());
      error.attr("messages") = messages;
      error.attr("in_program") = e.in_program();
      PyErr_SetObject(error_type, error.ptr());
    }
  });
}

void fail(const std::string &text) { throw aec::Error(text, {Message{"", 0, 0, 0, text, ""}}, false); }

} // namespace aec::python
