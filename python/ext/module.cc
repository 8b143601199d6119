// dotlog._dotlog: the C++ library as seen by the dotlog Python package.
// Values cross as JSON text and times as microseconds since the epoch; the
// package turns them into Python objects, datetimes and exceptions.
#include <pybind11/pybind11.h>

#include "bindings.h"
#include "dotlog/limits.h"
#include "status.h"

PYBIND11_MODULE(_dotlog, m) {
  m.doc() = "dotlog's C++ store; use the dotlog package instead.";
  m.attr("MAX_KEY_BYTES") = dotlog::kMaxKeyBytes;
  m.attr("MAX_VALUE_BYTES") = dotlog::kMaxValueBytes;
  dotlog::python::RegisterStatusTranslator();
  dotlog::python::BindStore(m);
  dotlog::python::BindFeed(m);
  dotlog::python::BindState(m);
}
