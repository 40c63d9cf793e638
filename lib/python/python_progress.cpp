#include "python_progress.h"

namespace py = pybind11;

namespace aec::python {

PythonProgress::~PythonProgress() {
  py::gil_scoped_acquire gil; // the callable and an exception are Python objects
  raised_.reset();
  callable_ = py::object();
}

bool PythonProgress::operator()(const aec::Progress &p) {
  const auto now = std::chrono::steady_clock::now();
  if (!callable_ && now - last_look_ < kSignalLookEvery) return true;
  last_look_ = now;
  py::gil_scoped_acquire gil;
  try {
    if (callable_) {
      py::object answer = callable_(p);
      if (!answer.is_none() && !py::bool_(answer)) return false; // False (or 0) stops; None goes on
    }
    if (PyErr_CheckSignals() != 0) throw py::error_already_set(); // Ctrl-C: KeyboardInterrupt
    return true;
  } catch (py::error_already_set &e) {
    raised_.emplace(std::move(e));
    return false;
  }
}

void PythonProgress::raise_if_stopped() {
  if (!raised_) return;
  py::error_already_set e = std::move(*raised_);
  raised_.reset();
  throw e;
}

} // namespace aec::python
