// For tests that run an outside program (jq, python3): a check that cannot
// run fails, rather than passes or skips. Header-only: nothing to register
// in meson.
#ifndef DOTLOG_TESTS_SUPPORT_REQUIRED_TOOL_H_
#define DOTLOG_TESTS_SUPPORT_REQUIRED_TOOL_H_

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

namespace dotlog::testing {

// Fails the test unless the program `name` is installed (on $PATH).
inline void RequireTool(const std::string& name) {
  INFO(name << " must be installed: this test fails rather than skips "
               "without it");
  REQUIRE(std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) ==
          0);
}

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_SUPPORT_REQUIRED_TOOL_H_
