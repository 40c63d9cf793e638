// aec params CKPT [--out DIR]: the params a checkpoint holds (name, shape, per sample or not),
// and with --out each written as DIR/NAME.npy (float32, C order; a per-sample param as
// [samples, ...], one row per training sample).
#include "commands.h"

#include <filesystem>

namespace aec::cli {

int cmd_params(const std::vector<std::string> &argv) {
  Args a(argv, {"out"}, {});
  if (a.positional().size() != 1) throw InputError("aec params takes one checkpoint (aec params CKPT [--out DIR])");
  const std::string path = a.positional()[0];
  const Checkpoint c = runtime::load_checkpoint(path);
  auto dir = a.get("out");
  if (dir) {
    std::error_code ec;
    std::filesystem::create_directories(*dir, ec);
    if (!std::filesystem::is_directory(*dir))
      throw InputError("--out " + *dir + ": cannot make the folder" + (ec ? " (" + ec.message() + ")" : ""));
  }
  std::cout << path << ": " << c.params.size() << " params of " << c.program_name << ", trained on " << c.samples << " samples of width "
            << c.width << "\n";
  for (const auto &[name, p] : c.params) {
    const ir::Shape shape = p.shape.value_or(ir::Shape::vector(p.numel));
    std::cout << "  " << name << " : " << ir::shape_text(shape)
              << (p.per_sample ? " per sample (" + std::to_string(p.rows) + " rows)" : "");
    if (dir) {
      const std::string file = (std::filesystem::path(*dir) / (name + ".npy")).string();
      runtime::write_output(file, {p.rows, shape, p.values, p.per_sample});
      std::cout << " -> " << file;
    }
    std::cout << "\n";
  }
  return 0;
}

} // namespace aec::cli
