// The extension module aec._aec: the public C++ API (aec/aec.h) for Python. The package's
// __init__.py builds the Python-facing aec.Program (keyword arguments, widths from the data) on
// the class _Program here; training and evaluating let go of the GIL.
#include "arrays.h"
#include "errors.h"
#include "python_progress.h"

#include <pybind11/stl.h>

#include <aec/aec.h>

namespace py = pybind11;
using namespace pybind11::literals;

namespace aec::python {
namespace {

aec::TrainReport train(aec::Program &program, const aec::Inputs &inputs, const aec::TrainSettings &settings, py::object callable) {
  PythonProgress progress(std::move(callable));
  aec::TrainReport report;
  {
    py::gil_scoped_release nogil;
    report = program.train(inputs, settings, std::ref(progress));
  }
  progress.raise_if_stopped();
  return report;
}

py::array evaluate(const aec::Program &program, const std::string &output, const aec::Inputs &inputs) {
  aec::Output out;
  {
    py::gil_scoped_release nogil;
    out = program.evaluate(output, inputs);
  }
  return array_of(std::move(out.values), out.samples, out.shape);
}

py::array param(const aec::Program &program, const std::string &name) {
  aec::ParamShape shape = program.param_shape(name);
  return array_of(program.param(name), shape.samples, shape.dims);
}

std::string report_text(const aec::TrainReport &r) {
  return "TrainReport(epochs=" + std::to_string(r.epochs) + ", initial_loss=" + std::to_string(r.initial_loss) +
         ", final_loss=" + std::to_string(r.final_loss) + ", seconds=" + std::to_string(r.seconds) +
         ", samples_per_second=" + std::to_string(r.samples_per_second) + (r.cancelled ? ", cancelled=True" : "") +
         (r.stopped_early ? ", stopped_early=True" : "") + ")";
}

void bind_results(py::module_ &m) {
  py::class_<aec::Progress>(m, "Progress", "Where training stands: what the progress callback receives after every step.")
      .def_readonly("epoch", &aec::Progress::epoch, "the epoch, from 1")
      .def_readonly("epochs", &aec::Progress::epochs, "the epochs of the run")
      .def_readonly("samples_done", &aec::Progress::samples_done, "samples of this epoch trained on so far")
      .def_readonly("epoch_samples", &aec::Progress::epoch_samples, "samples in an epoch")
      .def_readonly("loss", &aec::Progress::loss, "the running mean of the epoch's loss")
      .def_readonly("lr", &aec::Progress::lr, "the learning rate of the step")
      .def_readonly("epoch_end", &aec::Progress::epoch_end, "True for the call that ends an epoch (val_loss is set)")
      .def_readonly("val_loss", &aec::Progress::val_loss, "the validation loss at an epoch's end (nan without val=)")
      .def("__repr__", [](const aec::Progress &p) {
        return "Progress(epoch=" + std::to_string(p.epoch) + "/" + std::to_string(p.epochs) +
               ", samples_done=" + std::to_string(p.samples_done) + ", loss=" + std::to_string(p.loss) +
               (p.epoch_end ? ", epoch_end=True" : "") + ")";
      });
  py::class_<aec::PcaCheck>(m, "PcaCheck", "A `check pca(B)` after training: B's span against the data's principal subspace.")
      .def_readonly("param", &aec::PcaCheck::param)
      .def_readonly("max_angle_deg", &aec::PcaCheck::max_angle_deg, "the largest principal angle, in degrees")
      .def_readonly("recon_error", &aec::PcaCheck::recon_error, "the model's mean reconstruction error")
      .def_readonly("optimal_error", &aec::PcaCheck::optimal_error, "PCA's (the best any rank-k linear model reaches)");
  py::class_<aec::TrainReport>(m, "TrainReport", "What a training run did.")
      .def_readonly("initial_loss", &aec::TrainReport::initial_loss)
      .def_readonly("final_loss", &aec::TrainReport::final_loss)
      .def_readonly("samples_per_second", &aec::TrainReport::samples_per_second)
      .def_readonly("seconds", &aec::TrainReport::seconds)
      .def_readonly("compile_ms", &aec::TrainReport::compile_ms, "JIT-compiling the kernels, in milliseconds")
      .def_readonly("epochs", &aec::TrainReport::epochs, "epochs completed")
      .def_readonly("epoch_losses", &aec::TrainReport::epoch_losses)
      .def_readonly("val_losses", &aec::TrainReport::val_losses)
      .def_readonly("cancelled", &aec::TrainReport::cancelled, "the progress callback returned False")
      .def_readonly("stopped_early", &aec::TrainReport::stopped_early, "patience ran out")
      .def_readonly("best_epoch", &aec::TrainReport::best_epoch)
      .def_readonly("pca", &aec::TrainReport::pca, "one PcaCheck per `check pca(...)` of the program")
      .def("__repr__", &report_text);
}

void bind_data(py::module_ &m) {
  py::class_<aec::Data>(m, "_Data")
      .def_readonly("samples", &aec::Data::samples)
      .def_readonly("width", &aec::Data::width)
      .def_readonly("description", &aec::Data::description)
      .def_property_readonly("address", [](const aec::Data &d) { return reinterpret_cast<uintptr_t>(d.rows()); });
  m.def("_data", &data_from, "input"_a, "source"_a);
}

void bind_settings(py::module_ &m) {
  py::class_<aec::TrainSettings>(m, "_TrainSettings")
      .def_readwrite("epochs", &aec::TrainSettings::epochs)
      .def_readwrite("batch", &aec::TrainSettings::batch)
      .def_readwrite("lr", &aec::TrainSettings::lr)
      .def_readwrite("optimizer", &aec::TrainSettings::optimizer)
      .def_readwrite("seed", &aec::TrainSettings::seed)
      .def_readwrite("schedule", &aec::TrainSettings::schedule)
      .def_readwrite("clip", &aec::TrainSettings::clip)
      .def_readwrite("center", &aec::TrainSettings::center)
      .def_readwrite("val", &aec::TrainSettings::val)
      .def_readwrite("patience", &aec::TrainSettings::patience)
      .def_readwrite("freeze", &aec::TrainSettings::freeze)
      .def_readwrite("precision", &aec::TrainSettings::precision)
      .def_readwrite("threads", &aec::TrainSettings::threads)
      .def_readwrite("save", &aec::TrainSettings::save_path)
      .def_readwrite("save_every", &aec::TrainSettings::save_every)
      .def_readwrite("resume", &aec::TrainSettings::resume_path);
}

void bind_program(py::module_ &m) {
  using Set = std::map<std::string, std::string>;
  py::class_<aec::Program>(m, "_Program")
      .def_static(
          "from_file", [](const std::string &path, const Set &set) { return aec::Program::from_file(path, std::nullopt, set); }, "path"_a,
          "set"_a)
      .def_static(
          "from_string",
          [](const std::string &name, const std::string &text, const Set &set) {
            return aec::Program::from_string(name, text, std::nullopt, set);
          },
          "name"_a, "text"_a, "set"_a)
      .def("for_inputs", &aec::Program::for_inputs)
      .def("with_checkpoint", &aec::Program::with_checkpoint)
      .def("defaults", &aec::Program::defaults)
      .def("outputs", &aec::Program::outputs)
      .def("params", &aec::Program::params)
      .def("inputs",
           [](const aec::Program &p) {
             py::list out;
             for (const aec::InputWidth &in : p.inputs()) out.append(py::make_tuple(in.name, in.width));
             return out;
           })
      .def("param", &param)
      .def("train", &train)
      .def("evaluate", &evaluate)
      .def("save", &aec::Program::save)
      .def("load", &aec::Program::load);
}

} // namespace
} // namespace aec::python

PYBIND11_MODULE(_aec, m) {
  m.doc() = "aec's runtime (the public C++ API); use the package aec.";
  m.attr("__version__") = AEC_VERSION;
  aec::python::register_error(m);
  aec::python::bind_results(m);
  aec::python::bind_data(m);
  aec::python::bind_settings(m);
  aec::python::bind_program(m);
}
