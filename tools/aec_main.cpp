#include "parse.h"
#include "sema/model.h"
#include <fstream>
#include <iostream>
#include <sstream>
int main(int argc, char **argv) {
  std::ifstream in(argv[2]);
  std::stringstream ss; ss << in.rdbuf();
  auto src = std::make_shared<aec::SourceFile>(aec::SourceFile{argv[2], ss.str()});
  try {
    auto prog = aec::parse_program(src);
    aec::ElaborateOptions o;
    auto m = aec::elaborate(prog, o);
    std::cout << "ok " << m.graph.size() << " nodes\n";
  } catch (aec::CompileError &e) {
    for (auto &d : e.diagnostics()) std::cerr << aec::render(*src, d);
    return 1;
  }
}
