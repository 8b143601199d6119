// How many forks made this process: a cheap way for an object to notice
// that it now runs in a forked child, without a getpid() system call on
// every use.
#ifndef DOTLOG_UTIL_FORK_COUNT_H_
#define DOTLOG_UTIL_FORK_COUNT_H_

#include <cstdint>

namespace dotlog {

// The number of forks, counted from the first call in the process family,
// that led to the calling process: a child forked after that first call
// sees one more than its parent saw at the fork. An object that records
// the count when made and finds a different one later is in a forked
// child. Thread-safe.
uint64_t ForkCount();

// getpid(), with the system call made once per process and thread: again
// only when ForkCount() says the caller now runs in a forked child.
uint64_t ProcessId();

}  // namespace dotlog

#endif  // DOTLOG_UTIL_FORK_COUNT_H_
