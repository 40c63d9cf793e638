#include "arrays.h"
#include "errors.h"

#include <memory>
#include <numeric>

namespace py = pybind11;

namespace aec::python {

namespace {

std::string shape_text(const py::array &a) {
  std::string out = "(";
  for (py::ssize_t i = 0; i < a.ndim(); ++i) out += (i ? ", " : "") + std::to_string(a.shape(i));
  return out + (a.ndim() == 1 ? ",)" : ")");
}

// Holds a Python object for as long as aec uses its memory; lets go of it with the GIL, whichever
// thread that happens on.
std::shared_ptr<const void> owner_of(py::object o) {
  return std::shared_ptr<const void>(o.release().ptr(), [](const void *p) {
    py::gil_scoped_acquire gil;
    Py_DECREF(static_cast<PyObject *>(const_cast<void *>(p)));
  });
}

// Unsigned bytes as aec's NPY and IDX readers read them: value / 255.
py::array_t<float> scaled_bytes(const py::array &a) {
  auto bytes = py::array_t<uint8_t, py::array::c_style>::ensure(a);
  py::array_t<float> out(bytes.size());
  const uint8_t *from = bytes.data();
  float *to = out.mutable_data();
  for (py::ssize_t i = 0; i < bytes.size(); ++i) to[i] = static_cast<float>(from[i]) / 255.0f;
  return out;
}

} // namespace

aec::Data data_from(const std::string &input, py::handle source) {
  if (py::isinstance<py::str>(source) || py::hasattr(source, "__fspath__")) {
    std::string spec = py::str(py::module_::import("os").attr("fspath")(source));
    std::shared_ptr<aec::Data> loaded;
    {
      py::gil_scoped_release nogil; // reading a file takes a while: other threads run
      loaded = std::make_shared<aec::Data>(aec::Data::load(spec));
    }
    // A view of it, so that handing it on copies no samples (its reader checked it is finite).
    return aec::Data{loaded->samples, loaded->width, {}, loaded->description, loaded->bytes_scaled, loaded->values.data(), loaded};
  }
  py::array a = py::array::ensure(source);
  if (!a)
    fail("input " + input +
         ": expected a NumPy array (or what numpy.asarray takes) or the name of a data source such as \"fashion-mnist\", got " +
         std::string(py::str(py::type::handle_of(source).attr("__name__"))));
  if (std::string("biuf").find(a.dtype().kind()) == std::string::npos) // strings, objects, dates, complex numbers
    fail("input " + input + ": an array of " + std::string(py::str(a.dtype())) + " (from " +
         std::string(py::str(py::type::handle_of(source).attr("__name__"))) + ") is not real numbers");
  if (a.ndim() == 0) fail("input " + input + ": a single number is not data: give an array with one sample per row");
  const int64_t samples = a.shape(0);
  int64_t width = 1;
  for (py::ssize_t i = 1; i < a.ndim(); ++i) width *= a.shape(i);
  if (samples == 0 || width == 0) fail("input " + input + ": the array of shape " + shape_text(a) + " holds no samples");

  const bool bytes = a.dtype().is(py::dtype::of<uint8_t>());
  const bool in_place =
      a.dtype().is(py::dtype::of<float>()) && (a.flags() & py::array::c_style) && (a.flags() & py::detail::npy_api::NPY_ARRAY_ALIGNED_);
  py::array_t<float> floats;
  if (in_place) floats = py::reinterpret_borrow<py::array_t<float>>(a);
  else if (bytes) floats = scaled_bytes(a);
  else {
    auto converted = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(a);
    if (!converted) fail("input " + input + ": an array of " + std::string(py::str(a.dtype())) + " does not convert to float32");
    floats = converted; // another array_t type: a new reference to the same array
  }
  const float *values = floats.data();
  try {
    aec::Data d = aec::Data::view(values, samples, width, owner_of(std::move(floats)));
    d.bytes_scaled = bytes;
    d.description = "an array of shape " + shape_text(a) + ", " + std::string(py::str(a.dtype())) +
                    (in_place ? ", used in place" : ", converted to float32");
    return d;
  } catch (const aec::Error &e) { // not finite: say which input rather than which function
    std::string text = e.what(), prefix = "Data::view: ";
    fail("input " + input + ": " + (text.rfind(prefix, 0) == 0 ? text.substr(prefix.size()) : text));
  }
}

py::array array_of(std::vector<float> values, int64_t rows, const std::vector<int64_t> &dims) {
  std::vector<py::ssize_t> shape, strides;
  const py::ssize_t f = sizeof(float);
  const int64_t numel = std::accumulate(dims.begin(), dims.end(), int64_t(1), std::multiplies<>());
  if (rows > 0) {
    shape.push_back(rows);
    strides.push_back(numel * f);
  }
  shape.insert(shape.end(), dims.begin(), dims.end());
  if (dims.size() == 2) { // column-major
    strides.push_back(f);
    strides.push_back(dims[0] * f);
  } else {
    std::vector<py::ssize_t> row_major(dims.size());
    py::ssize_t step = f;
    for (size_t i = dims.size(); i-- > 0;) {
      row_major[i] = step;
      step *= dims[i];
    }
    strides.insert(strides.end(), row_major.begin(), row_major.end());
  }
  auto *held = new std::vector<float>(std::move(values));
  py::capsule owner(held, [](void *p) { delete static_cast<std::vector<float> *>(p); });
  return py::array(py::dtype::of<float>(), shape, strides, held->data(), owner);
}

} // namespace aec::python
