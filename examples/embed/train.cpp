// The README's embedding example: compile a .ae program, train it, read the trained params.
// Usage: aec_embed_example [PROGRAM.ae [DATA]]
#include <aec/aec.h>
#include <iostream>

int main(int argc, char **argv) {
  std::string program = argc > 1 ? argv[1] : "examples/relu_ae.ae";
  std::string source = argc > 2 ? argv[2] : "fashion-mnist";
  try {
    aec::Dataset data = aec::load_data(source);              // or fill data.n, data.width, data.values
    aec::Program prog = aec::Program::from_file(program, data.width, {{"k", "32"}});
    aec::TrainConfig config = prog.train_defaults();          // the program's `train` line
    config.epochs = 3;
    aec::TrainResult r = aec::train(prog, data, config, std::cout);
    std::cout << "final loss " << r.final_loss << ", " << r.samples_per_second << " samples/s\n";
    for (const auto &[name, values] : r.params)                // trained params, row-major
      std::cout << name << ": " << values.size() << " floats\n";
  } catch (const aec::CompileError &e) {
    std::cerr << e.render();                                  // file:line:col, source line, caret
    return 1;
  } catch (const aec::InputError &e) {
    std::cerr << e.what() << "\n";                            // names the file and what is wrong
    return 1;
  }
}
