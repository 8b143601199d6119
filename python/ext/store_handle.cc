#include "store_handle.h"

#include <pybind11/pybind11.h>

#include "status.h"
#include "util/fork_count.h"

namespace py = pybind11;

namespace dotlog::python {

StoreHandle::StoreHandle(std::string dir, Options options)
    : dir_(std::move(dir)), options_(std::move(options)) {
  Open();
}

StoreHandle::~StoreHandle() {
  if (forks_ != ForkCount() && !closed_) {
    Abandon();
    return;
  }
  py::gil_scoped_release release;  // closing syncs: let other threads run
  store_.reset();
}

void StoreHandle::Open() {
  absl::StatusOr<std::unique_ptr<Store>> store;
  {
    py::gil_scoped_release release;  // reads segments, may wait on files
    store = Store::Open(dir_, options_);
  }
  store_ = Unwrap(std::move(store));
  forks_ = ForkCount();
}

void StoreHandle::Abandon() {
  // The inherited lock descriptor shares the parent's open file
  // description, and closing the store would release the parent's lock
  // with it: the child leaves that store open and never destroys it.
  new std::shared_ptr<Store>(std::move(store_));
}

std::shared_ptr<Store> StoreHandle::Get() {
  if (forks_ != ForkCount() && !closed_) {
    Abandon();
    Open();
  }
  return store_;
}

void StoreHandle::Close() {
  std::shared_ptr<Store> store = Get();
  closed_ = true;
  absl::Status status;
  {
    py::gil_scoped_release release;
    status = store->Close();
  }
  ThrowIfError(status);
}

}  // namespace dotlog::python
