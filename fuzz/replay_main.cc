// Runs a fuzz target on committed inputs, so that every build exercises its
// corpus as an ordinary test. Linked into each
// target in place of libFuzzer when meson's `fuzzing` option is off.
//
// Usage: <target> PATH...
//   A file runs as one input. A directory runs every regular file below it,
//   in path order. Arguments that start with '-' (libFuzzer flags) are
//   ignored, so a target can be called the same way in either build.
// Prints how many inputs ran. Exits 1 if a path cannot be read or if no
// input ran at all (an empty or missing corpus must not pass silently).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc,
                                                          char*** argv);

namespace {

namespace fs = std::filesystem;

// Appends `path` (a file) or the regular files below it (a directory) to
// `inputs`. False, with a message, if it is neither or cannot be listed.
bool Collect(const fs::path& path, std::vector<fs::path>* inputs) {
  std::error_code error;
  if (fs::is_regular_file(path, error)) {
    inputs->push_back(path);
    return true;
  }
  if (!fs::is_directory(path, error)) {
    std::fprintf(stderr, "replay: %s: not a file or directory\n", path.c_str());
    return false;
  }
  std::vector<fs::path> found;
  for (auto it = fs::recursive_directory_iterator(path, error);
       !error && it != fs::recursive_directory_iterator();
       it.increment(error)) {
    if (it->is_regular_file(error)) found.push_back(it->path());
  }
  if (error) {
    std::fprintf(stderr, "replay: %s: %s\n", path.c_str(),
                 error.message().c_str());
    return false;
  }
  std::sort(found.begin(), found.end());
  inputs->insert(inputs->end(), found.begin(), found.end());
  return true;
}

// Reads the whole file at `path` into `out`.
bool ReadFile(const fs::path& path, std::vector<uint8_t>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in),
              std::istreambuf_iterator<char>());
  return !in.bad();
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  std::vector<fs::path> inputs;
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.empty() || arg[0] == '-') continue;
    ok = Collect(arg, &inputs) && ok;
  }
  size_t ran = 0;
  for (const fs::path& path : inputs) {
    std::vector<uint8_t> bytes;
    if (!ReadFile(path, &bytes)) {
      std::fprintf(stderr, "replay: %s: cannot read\n", path.c_str());
      ok = false;
      continue;
    }
    // Named first, so a crash in the target shows which input caused it.
    std::fprintf(stderr, "replay: %s (%zu bytes)\n", path.c_str(),
                 bytes.size());
    std::fflush(stderr);
    // A copy of exactly the input's size: AddressSanitizer then catches a
    // read past its end, as under libFuzzer.
    std::unique_ptr<uint8_t[]> copy(new uint8_t[bytes.size()]);
    std::copy(bytes.begin(), bytes.end(), copy.get());
    LLVMFuzzerTestOneInput(copy.get(), bytes.size());
    ++ran;
  }
  std::printf("replay: %zu input%s ran\n", ran, ran == 1 ? "" : "s");
  if (ran == 0) {
    std::fprintf(stderr,
                 "replay: no inputs ran; give corpus directories or "
                 "files as arguments\n");
    return 1;
  }
  return ok ? 0 : 1;
}
