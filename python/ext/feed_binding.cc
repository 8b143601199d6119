// dotlog._dotlog.Feed and verify: following a store's log, and checking
// its files, as the watch iterator and dotlog.verify use them.
#include <pybind11/pybind11.h>

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "bindings.h"
#include "convert.h"
#include "dotlog/change_feed.h"
#include "dotlog/verify.h"
#include "status.h"

namespace py = pybind11;

namespace dotlog::python {
namespace {

// A ChangeFeed with its position, filtered to keys starting with a prefix.
class Feed {
 public:
  // Starts watching `dir` and reads the starting point: after the log's end,
  // or (`initial`) after a snapshot of the live keys that Start returns.
  Feed(std::string dir, std::string prefix, bool initial)
      : feed_(std::move(dir)), prefix_(std::move(prefix)), initial_(initial) {
    py::gil_scoped_release release;
    // Watch before reading the starting point: a change committed after it
    // wakes Wait even if it lands before the first call.
    ThrowIfError(feed_.Watch());
    if (initial_) {
      initial_changes_ = Unwrap(feed_.Snapshot(
          prefix_, std::chrono::system_clock::now(), &position_));
    } else {
      position_ = Unwrap(feed_.End());
    }
  }

  // The changes committed since the previous call (the live keys first,
  // when the feed started with them).
  py::list Read() {
    std::vector<Change> changes;
    {
      py::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(mu_);
      changes.swap(initial_changes_);
      ThrowIfError(feed_.ReadAfter(&position_, [&](const Change& c) {
        if (c.key.starts_with(prefix_)) changes.push_back(c);
        return absl::OkStatus();
      }));
    }
    py::list list;
    for (const Change& c : changes) list.append(ChangeTuple(c));
    return list;
  }

  // Waits up to `timeout_ms` for the directory to change.
  void Wait(int64_t timeout_ms) {
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(mu_);
    ThrowIfError(feed_.Wait(std::chrono::milliseconds(timeout_ms)));
  }

 private:
  std::mutex mu_;  // ChangeFeed is not thread-safe
  ChangeFeed feed_;
  const std::string prefix_;
  const bool initial_;
  FeedPosition position_;
  std::vector<Change> initial_changes_;
};

py::tuple Verify(const std::string& dir) {
  VerifyReport report;
  {
    py::gil_scoped_release release;
    report = Unwrap(VerifyStore(dir));
  }
  return ReportTuple(report);
}

}  // namespace

void BindFeed(py::module_& m) {
  py::class_<Feed>(m, "Feed")
      .def(py::init<std::string, std::string, bool>(), py::arg("dir"),
           py::arg("prefix"), py::arg("initial"))
      .def("read", &Feed::Read)
      .def("wait", &Feed::Wait, py::arg("timeout_ms"));
  m.def("verify", &Verify, py::arg("dir"));
}

}  // namespace dotlog::python
