// Helpers for tests that use a whole store: opening one or failing the
// test, and reading its live keys and values.
#ifndef DOTLOG_TESTS_SUPPORT_STORE_HELPERS_H_
#define DOTLOG_TESTS_SUPPORT_STORE_HELPERS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "dotlog/store.h"

namespace dotlog::testing {

// Opens the store in `dir`; fails the test, printing the status, if that
// fails.
std::unique_ptr<Store> OpenOrDie(const std::string& dir,
                                 const Options& options = {});

// Options for tests of what a store holds, not of durability or of when
// compaction runs: SyncMode::kNone (fast), no automatic compaction.
Options NoAutoCompaction();

// Options for tests that want many segments and compact only when they say
// so: `sync`, 4096-byte segments, no automatic compaction.
Options SmallSegments(SyncMode sync);

// The live keys and values of `store`; fails the test, printing the status,
// if the listing fails.
std::map<std::string, std::string> Contents(Store& store);

// The jsonl dump of `store` (dump.h); fails the test if dumping fails.
std::string JsonlDump(Store& store);

// The bytes of segment 1 holding one put of `value` (JSON text) under
// `key` with sequence number `seq`, as a writer would have written it.
std::string OnePutSegment(uint64_t seq, const std::string& key,
                          const std::string& value);

}  // namespace dotlog::testing

#endif  // DOTLOG_TESTS_SUPPORT_STORE_HELPERS_H_
