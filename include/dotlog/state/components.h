// An installed component of the dotfiles system, as StateManager records it.
#ifndef DOTLOG_STATE_COMPONENTS_H_
#define DOTLOG_STATE_COMPONENTS_H_

#include <chrono>
#include <string>

namespace dotlog {

struct Component {
  std::string name;
  std::string version;  // as given; may be empty
  std::string config;   // config overrides: a JSON object (minified text)
  // When the component was first recorded; kept across later changes.
  std::chrono::system_clock::time_point installed_at;
  // When it was last recorded (equal to installed_at at first).
  std::chrono::system_clock::time_point updated_at;
};

}  // namespace dotlog

#endif  // DOTLOG_STATE_COMPONENTS_H_
