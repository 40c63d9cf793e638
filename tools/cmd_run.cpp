// aec run FILE.ae --load CKPT [--data D] --output NAME [--out FILE] [--grid PNG] [--fit-steps N]
//   [--fit-lr X] [--noise] [--max-memory SIZE] [--seed N] [--set name=value]...: a named output on every sample,
//   written as .npy or .csv by the extension of --out, or as CSV on standard output; --grid draws
//   inputs beside their reconstructions, or a scatter plot of two-dimensional codes. Every scalar
//   output (an accuracy, a score) is summarized by its mean, minimum and maximum; --json prints
//   them as one JSON object on the last line instead of the values.
#include "commands.h"
#include "runtime/memory_plan.h"
#include "runtime/pictures.h"

#include <algorithm>
#include <sstream>

namespace aec::cli {

namespace {

constexpr int64_t kGridSamples = 32;

// What --grid can draw of an output of `numel` values per sample: square images of the input's
// width, or points in the plane. Checked before any work.
void check_drawable(const std::string &grid, const LoadedProgram &prog, const std::string &output, int64_t width) {
  ir::NodeId node = prog.model().graph.output("out." + output);
  if (node < 0) return; // run() reports the unknown name
  const ir::Shape &shape = prog.model().graph.shape(node);
  if (shape.numel() == 2) return;
  if (shape.numel() == width && runtime::square_side(width)) return;
  throw InputError("--grid " + grid + ": output " + output + " is " + prog.model().graph.shape_text(shape) +
                   " per sample; a grid needs square images of the input's width (such as 784 = 28 x 28), a scatter plot a width of 2");
}

// Draws the grid; says what was drawn and, for images, on which gray scale.
std::string draw(const std::string &grid, const std::string &output, const OutputValues &v, std::vector<float> inputs,
                 const std::vector<float> &mean, int64_t width) {
  if (v.shape.numel() == 2) {
    runtime::scatter_plot(grid, v.values.data(), v.n, output + " of " + std::to_string(v.n) + " samples");
    return "drew " + grid;
  }
  // Reconstructions of centered data live around 0: the training mean puts them back in place.
  const int64_t shown = int64_t(inputs.size()) / width;
  std::vector<float> recon(v.values.begin(), v.values.begin() + shown * width);
  if (!mean.empty())
    for (int64_t i = 0; i < shown * width; ++i) recon[size_t(i)] += mean[size_t(i % width)];
  runtime::GrayScale g = runtime::image_grid(grid, inputs.data(), recon.data(), shown, width);
  std::ostringstream os;
  os << "drew " << grid << " on one gray scale for every image: " << g.black << " black, " << g.white << " white";
  if (g.data_range) os << " (the inputs' range)";
  if (g.clamped) os << "; " << g.clamped << " reconstructed values outside it drawn as the nearer end";
  return os.str();
}

} // namespace

// One line of JSON: the output, its samples and every scalar summary.
static std::string run_json(const std::string &output, const OutputValues &v) {
  std::ostringstream os;
  os.precision(9);
  os << "{\"output\": \"" << output << "\", \"samples\": " << v.n << ", \"scalars\": {";
  for (size_t i = 0; i < v.scalars.size(); ++i) {
    const runtime::ScalarSummary &s = v.scalars[i];
    os << (i ? ", " : "") << "\"" << s.name << "\": {\"mean\": " << s.mean << ", \"min\": " << s.min << ", \"max\": " << s.max << "}";
  }
  os << "}}";
  return os.str();
}

int cmd_run(const std::vector<std::string> &argv) {
  Args a(argv, {"load", "data", "limit", "output", "out", "fit-steps", "fit-lr", "seed", "grid", "max-memory"}, {"noise", "json"});
  SourcePtr program = read_program(a, "run");
  auto load = a.get("load");
  if (!load) throw InputError("aec run needs --load CKPT, the checkpoint that aec train --save wrote");
  auto output = a.get("output");
  if (!output) throw InputError("aec run needs --output NAME, one of the program's `output` statements");
  // No default data: evaluating a model on data it was not meant for (Fashion-MNIST for a model
  // of other data) would be silently wrong.
  if (!a.has("data")) throw InputError("aec run needs --data D, the samples to evaluate the output on (the training data, or new data)");
  RunConfig c;
  c.fit_steps = a.get_int("fit-steps", 0).value_or(c.fit_steps);
  c.fit_lr = a.get_double("fit-lr", 0.0).value_or(0.0);
  c.seed = static_cast<uint64_t>(a.get_int("seed", 0).value_or(0));
  c.noise = a.has("noise");
  if (auto m = a.get("max-memory")) c.max_memory = runtime::parse_memory_size(*m, "--max-memory");
  auto out = a.get("out");
  check_output_path(out, "--out");
  check_output_path(a.get("grid"), "--grid");
  // Progress goes to stderr when the values go to stdout.
  std::ostream &log = out ? std::cout : std::cerr;
  Checkpoint ckpt = runtime::load_checkpoint(*load); // a bad checkpoint is reported before the data is read
  runtime::LoadedSources sources = load_sources_for(a, log);
  LoadedProgram prog = load_program(program, sources, a);
  // Only the inputs the output reads (and, where per-sample rows are fitted, the objective) need data.
  std::vector<std::string> outputs = {"out." + *output};
  for (const ParamInfo &p : prog.model().params)
    if (p.per_sample) outputs.push_back("loss");
  Dataset data = bind_data_for(prog, std::move(sources), a, runtime::inputs_read(prog.model(), outputs));
  // The grid draws the first input's samples.
  const InputInfo &drawn = prog.model().first_input();
  const int64_t width = drawn.width;
  auto grid = a.get("grid");
  if (grid) check_drawable(*grid, prog, *output, width);
  std::vector<float> first;
  if (auto cols = data.columns(drawn.name, true))
    for (int64_t s = 0; s < std::min(kGridSamples, data.n); ++s) {
      first.resize(first.size() + size_t(cols->width));
      data.read(s, cols->offset, cols->width, first.data() + first.size() - size_t(cols->width));
    }
  OutputValues v = run(prog, data, ckpt, *load, *output, c, log);
  if (grid) {
    log << draw(*grid, *output, v, std::move(first), ckpt.mean, width) << "\n";
  }
  if (out) {
    write_output(*out, v);
    std::cout << "wrote " << *out << ": " << v.n << " samples of " << prog.model().graph.shape_text(v.shape) << "\n";
  } else if (!grid && !a.has("json")) {
    runtime::write_csv(std::cout, v);
  }
  if (a.has("json")) std::cout << run_json(*output, v) << "\n";
  else
    for (const runtime::ScalarSummary &s : v.scalars)
      log << s.name << ": mean " << s.mean << ", min " << s.min << ", max " << s.max << " over " << v.n << " samples\n";
  return 0;
}

} // namespace aec::cli
