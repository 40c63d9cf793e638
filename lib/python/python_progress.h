// Training with Python's interpreter let go: the progress callback aec calls after every step
// takes the GIL only to run the application's Python callable (and to look for Ctrl-C), so that
// other Python threads run meanwhile. An exception there (KeyboardInterrupt from Ctrl-C, or one
// the callable raised) stops training after that step, as returning False does, and leaves the
// checkpoint that stop writes good; raise_if_stopped() then raises it in the caller.
#pragma once
#include <pybind11/pybind11.h>

#include <aec/aec.h>

#include <chrono>
#include <optional>

namespace aec::python {

class PythonProgress {
public:
  // `callable` may be None.
  explicit PythonProgress(pybind11::object callable) : callable_(callable.is_none() ? pybind11::object() : std::move(callable)) {}
  ~PythonProgress();
  PythonProgress(const PythonProgress &) = delete;
  PythonProgress &operator=(const PythonProgress &) = delete;

  // Called by aec without the GIL; false stops training after this step.
  bool operator()(const aec::Progress &p);
  // With the GIL, after training: raises what stopped it, if Python did.
  void raise_if_stopped();

  // Without a callable, Ctrl-C is looked for at most this often (taking the GIL costs little, but
  // waits when another thread holds it).
  static constexpr std::chrono::milliseconds kSignalLookEvery{50};

private:
  pybind11::object callable_;
  std::optional<pybind11::error_already_set> raised_;
  std::chrono::steady_clock::time_point last_look_{};
};

} // namespace aec::python
