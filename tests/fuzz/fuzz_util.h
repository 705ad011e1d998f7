#pragma once
// What every fuzz target checks: bad input is refused with a tp::Error (the one-line error the
// CLI prints, exit 1); any other exception escaping is a finding, as a crash or hang is.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.h"

namespace tp::fuzz {

// A finding unless `what` is one printable line of bounded length (messages that quote input).
inline void expect_printable_message(const std::string& what, size_t max_length) {
  bool ok = what.size() <= max_length;
  for (char c : what) ok = ok && c >= 0x20 && c < 0x7f;
  if (!ok) {
    std::fprintf(stderr, "finding: an error message is not one bounded printable line (%zu bytes)\n", what.size());
    std::abort();
  }
}

// Runs `parse`; a `Refusal` (tp::Error or a subclass the parser promises) is a refusal, whose
// message must be one printable line of at most `max_message` bytes (0: not checked); any
// other exception aborts the run (a finding). Returns whether `parse` went through.
// TP_FUZZ_VERBOSE=1 in the environment prints each refusal (to see what a seed exercises).
template <class Refusal = Error, class Parse>
bool refused_or_read(Parse&& parse, size_t max_message = 0) {
  try {
    parse();
    return true;
  } catch (const Refusal& e) {
    if (max_message) expect_printable_message(e.what(), max_message);
    if (std::getenv("TP_FUZZ_VERBOSE")) std::fprintf(stderr, "refused: %s\n", e.what());
    return false;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "finding: an exception other than the promised refusal escaped: %s\n", e.what());
    std::abort();
  }
}

// A file of this process for parsers that read a path; removed at exit.
class ScratchFile {
 public:
  explicit ScratchFile(const std::string& name)
      : path_((std::filesystem::temp_directory_path() / ("torchplay-fuzz-" + std::to_string(getpid()) + "-" + name))
                  .string()) {}
  ~ScratchFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  const std::string& write(const std::string& bytes) {
    std::ofstream(path_, std::ios::binary | std::ios::trunc)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path_;
  }

 private:
  std::string path_;
};

}  // namespace tp::fuzz
