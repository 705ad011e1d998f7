// Fuzz target: an INI config file (--config FILE, a run's config.ini, the config text inside a
// checkpoint) applied to options of every type. Promise: a UsageError naming the file and line,
// never a crash or another exception, in one printable line of bounded length. Oracle: a config that was accepted
// round-trips: its resolved values written back (to_ini, what config.ini records) read back to the same values.
#include <cstdio>
#include <cstdlib>

#include "core/options.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

struct Fields {
  int count = 3;
  int64_t steps = 1000;
  uint64_t seed = 1;
  double lr = 1e-3;
  float gamma = 0.99f;
  std::string env = "CartPole-v1";
  std::string widths = "64,64";
  bool quiet = false;
  std::string size;

  void bind(tp::OptionSet& set) {
    set.add("count", &count, "an int")
        .add("steps", &steps, "an int64")
        .add("seed", &seed, "a uint64")
        .add("lr", &lr, "a double")
        .add("gamma", &gamma, "a float")
        .add("env", &env, "a string")
        .add("widths", &widths, "a list")
        .add("quiet", &quiet, "a switch")
        .add_transient("size", &size, "not saved");
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  tp::fuzz::refused_or_read<tp::UsageError>([&] { tp::parse_ini(text, "fuzz.ini"); }, 1000);
  Fields first;
  tp::OptionSet set("fuzz");
  first.bind(set);
  if (!tp::fuzz::refused_or_read<tp::UsageError>([&] { set.parse_config_text(text, "fuzz.ini"); }, 1000)) return 0;
  tp::fuzz::refused_or_read<tp::UsageError>([&] { tp::parse_widths(first.widths, "widths"); });
  const std::string written = set.to_ini();
  Fields second;
  tp::OptionSet again("fuzz");
  second.bind(again);
  if (!tp::fuzz::refused_or_read<tp::UsageError>([&] { again.parse_config_text(written, "config.ini"); }) ||
      again.to_ini() != written) {
    std::fprintf(stderr, "finding: an accepted config does not round-trip:\n%s\n", written.c_str());
    std::abort();
  }
  return 0;
}
