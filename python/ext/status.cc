#include "status.h"

namespace py = pybind11;

namespace dotlog::python {

void RegisterStatusTranslator() {
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusException& e) {
      // The one mapping from status codes to exception classes lives in
      // dotlog/_errors.py, next to the classes it names.
      py::object error =
          py::module_::import("dotlog._errors")
              .attr("from_status")(static_cast<int>(e.status().code()),
                                   std::string(e.status().message()));
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())),
                      error.ptr());
    }
  });
}

}  // namespace dotlog::python
