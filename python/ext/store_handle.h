// The store handle behind dotlog.Store: opens the store, and opens it again
// in a child process after fork.
#ifndef DOTLOG_PYTHON_EXT_STORE_HANDLE_H_
#define DOTLOG_PYTHON_EXT_STORE_HANDLE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "dotlog/options.h"
#include "dotlog/store.h"

namespace dotlog::python {

// Owns one Store. Not thread-safe by itself: every method is called with
// the GIL held, which also keeps os.fork() out of them; the Store it hands
// out is used with the GIL released, from any number of threads.
class StoreHandle {
 public:
  // Opens the store in `dir`; throws StatusException on failure.
  StoreHandle(std::string dir, Options options);
  ~StoreHandle();
  StoreHandle(const StoreHandle&) = delete;
  StoreHandle& operator=(const StoreHandle&) = delete;

  // The store to call. In a process forked since the last call, a fresh
  // handle of the child's own: the parent's file lock is shared with the
  // child through the inherited descriptor, so using it would let both
  // processes believe they hold the write lock.
  std::shared_ptr<Store> Get();

  // Closes the store (syncing it, with the GIL released); later calls fail
  // with FailedPrecondition. Throws StatusException if the final sync
  // failed.
  void Close();

  const std::string& dir() const { return dir_; }

 private:
  void Open();
  // Leaves the parent's store, inherited through fork, open for good.
  void Abandon();

  const std::string dir_;
  const Options options_;
  // ForkCount() when the store was opened: another count means a forked
  // child, which must not use its parent's store.
  uint64_t forks_ = 0;
  bool closed_ = false;
  std::shared_ptr<Store> store_;
};

}  // namespace dotlog::python

#endif  // DOTLOG_PYTHON_EXT_STORE_HANDLE_H_
