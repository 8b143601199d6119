// Reporting how far a long operation (backup, restore, import) has come.
#ifndef DOTLOG_PROGRESS_H_
#define DOTLOG_PROGRESS_H_

#include <cstdint>
#include <functional>
#include <string_view>

namespace dotlog {

// Called, from the thread doing the work, each time `done` more units of
// `what` ("keys written", "rows read") are finished, `done` rising; `total`
// is the expected number of units, or 0 when it is not known beforehand.
// The last call of a phase that completes has done == total (when total is
// known). Must be cheap (it may be called once per key) and must not call
// back into the store. May be empty.
using ProgressFn =
    std::function<void(std::string_view what, uint64_t done, uint64_t total)>;

}  // namespace dotlog

#endif  // DOTLOG_PROGRESS_H_
