// An application that embeds aec: compile a .ae program, train it with a progress callback
// (which could also cancel), evaluate a named output, save a checkpoint and load it into a
// fresh program. Usage: aec_embed_example PROGRAM.ae [DATA] [CHECKPOINT]
#include <aec/aec.h>

#include <cstdio>
#include <iostream>

int main(int argc, char **argv) {
  if (argc < 2) {
    std::cerr << "usage: aec_embed_example PROGRAM.ae [DATA] [CHECKPOINT]\n";
    return 2;
  }
  std::string program = argv[1], source = argc > 2 ? argv[2] : "fashion-mnist", ckpt = argc > 3 ? argv[3] : "embed.ckpt";
  try {
    aec::Data data = aec::Data::load(source); // or aec::Data::from_rows(pointer, samples, width)
    aec::Program prog = aec::Program::from_file(program, data.width, {{"k", "8"}});
    aec::TrainSettings settings = prog.defaults(); // the program's `train` line
    settings.epochs = 3;
    aec::TrainReport r = prog.train(data, settings, [](const aec::Progress &p) {
      if (p.epoch_end) std::printf("epoch %lld/%lld: loss %.6g\n", (long long)p.epoch, (long long)p.epochs, p.loss);
      return true; // false would stop training after this step
    });
    std::printf("final loss %.6g, %.0f samples/s\n", r.final_loss, r.samples_per_second);
    for (const aec::PcaCheck &c : r.pca) std::printf("check pca(%s): largest angle %.3f deg\n", c.param.c_str(), c.max_angle_deg);

    aec::Output code = prog.evaluate("code", data);
    std::printf("code: %lld samples of %lld values\n", (long long)code.samples, (long long)(code.rows * code.cols));
    prog.save(ckpt);
    aec::Program again = aec::Program::from_file(program, data.width, {{"k", "8"}});
    again.load(ckpt);
    aec::Output same = again.evaluate("code", data);
    std::printf("reloaded from %s: %s\n", ckpt.c_str(), same.values == code.values ? "same codes" : "DIFFERENT codes");
    return same.values == code.values ? 0 : 1;
  } catch (const aec::Error &e) {
    std::cerr << e.what() << "\n"; // file:line:col, the source line and a caret for a .ae error
    return 1;
  }
}
