// The test binaries' main: doctest's, and a run filtered to test cases (`--test-case=NAME`, as
// each CTest test runs one) fails when the filter matches none. A name CTest cannot pass through
// whole (it splits names at ';') would otherwise run nothing and pass.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstring>
#include <iostream>

namespace {

int test_cases_run = 0;

struct RunCounter : doctest::IReporter {
  explicit RunCounter(const doctest::ContextOptions &) {}
  void report_query(const doctest::QueryData &) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats &) override {}
  void test_case_start(const doctest::TestCaseData &) override { ++test_cases_run; }
  void test_case_reenter(const doctest::TestCaseData &) override {}
  void test_case_end(const doctest::CurrentTestCaseStats &) override {}
  void test_case_exception(const doctest::TestCaseException &) override {}
  void subcase_start(const doctest::SubcaseSignature &) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData &) override {}
  void log_message(const doctest::MessageData &) override {}
  void test_case_skipped(const doctest::TestCaseData &) override {}
};
REGISTER_LISTENER("run_counter", 1, RunCounter);

bool filters_test_cases(int argc, char **argv) {
  for (int i = 1; i < argc; ++i)
    if (!std::strncmp(argv[i], "--test-case=", 12) || !std::strncmp(argv[i], "-tc=", 4)) return true;
  return false;
}

} // namespace

int main(int argc, char **argv) {
  doctest::Context context(argc, argv);
  int status = context.run();
  if (context.shouldExit()) return status; // --help, --list-test-cases, ...
  if (status == 0 && filters_test_cases(argc, argv) && test_cases_run == 0) {
    std::cerr << "no test case matches the --test-case filter (a name with ';' is split by CTest)\n";
    return 1;
  }
  return status;
}
