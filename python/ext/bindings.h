// The parts of the dotlog._dotlog extension module, one per source file.
#ifndef DOTLOG_PYTHON_EXT_BINDINGS_H_
#define DOTLOG_PYTHON_EXT_BINDINGS_H_

#include <pybind11/pybind11.h>

namespace dotlog::python {

void BindStore(pybind11::module_& m);  // store_binding.cc
void BindFeed(pybind11::module_& m);   // feed_binding.cc: Feed, verify
void BindState(pybind11::module_& m);  // state_binding.cc: StateManager

}  // namespace dotlog::python

#endif  // DOTLOG_PYTHON_EXT_BINDINGS_H_
