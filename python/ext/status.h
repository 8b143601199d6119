// Carrying an absl::Status out of the C++ side as a Python exception.
#ifndef DOTLOG_PYTHON_EXT_STATUS_H_
#define DOTLOG_PYTHON_EXT_STATUS_H_

#include <pybind11/pybind11.h>

#include <exception>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dotlog::python {

// A failed status on its way to Python. Thrown where the GIL may be
// released; the translator registered by RegisterStatusTranslator turns it
// into the dotlog.Error subclass that dotlog._errors.from_status picks.
class StatusException : public std::exception {
 public:
  explicit StatusException(absl::Status status) : status_(std::move(status)) {}
  const char* what() const noexcept override { return "dotlog status"; }
  const absl::Status& status() const { return status_; }

 private:
  absl::Status status_;
};

// Throws StatusException unless `status` is OK.
inline void ThrowIfError(const absl::Status& status) {
  if (!status.ok()) throw StatusException(status);
}

// The value of `result`, or throws StatusException with its status.
template <typename T>
T Unwrap(absl::StatusOr<T> result) {
  ThrowIfError(result.status());
  return *std::move(result);
}

// Registers the translation of StatusException for the whole module.
void RegisterStatusTranslator();

}  // namespace dotlog::python

#endif  // DOTLOG_PYTHON_EXT_STATUS_H_
