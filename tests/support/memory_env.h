// What a store runs on in tests that need no real files: an in-memory file
// system, a fake clock, and options that use both. A fixture derives from
// MemoryEnv and declares its stores after it, so they close first.
#ifndef DOTLOG_TESTS_SUPPORT_MEMORY_ENV_H_
#define DOTLOG_TESTS_SUPPORT_MEMORY_ENV_H_

#include "dotlog/options.h"
#include "support/fake_clock.h"
#include "support/fault_file_system.h"

namespace dotlog::testing {

struct MemoryEnv {
  MemoryEnv() {
    options.file_system = &fs;
    options.clock = &clock;
  }
  // `options` points into the object.
  MemoryEnv(const MemoryEnv&) = delete;
  MemoryEnv& operator=(const MemoryEnv&) = delete;

  FaultFileSystem fs;
  FakeClock clock;  // 2026-01-01
  // On `fs` and `clock`; the rest as Options has it until a test changes it.
  Options options;
};

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_SUPPORT_MEMORY_ENV_H_
