#pragma once
// Command options on top of Boost.Program_options, bound 1:1 to fields of an options
// struct. Values come from the command line first, then from `--config FILE.ini`
// (the command line wins), then the field's own default. The resolved set can be written
// back as a loadable INI file (`to_ini`), which is how run directories record their config.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tp {

class OptionSet {
 public:
  // `usage` is the first help line, e.g. "torchplay train dqn [options]".
  explicit OptionSet(std::string usage);
  ~OptionSet();
  OptionSet(const OptionSet&) = delete;
  OptionSet& operator=(const OptionSet&) = delete;

  // Bind an option to a field; the field's current value is the default.
  OptionSet& add(const std::string& name, int* field, const std::string& help);
  OptionSet& add(const std::string& name, int64_t* field, const std::string& help);
  OptionSet& add(const std::string& name, uint64_t* field, const std::string& help);
  OptionSet& add(const std::string& name, double* field, const std::string& help);
  OptionSet& add(const std::string& name, float* field, const std::string& help);
  OptionSet& add(const std::string& name, std::string* field, const std::string& help);
  // A switch: `--name` sets true, `--name=false` (or `name = false` in INI) sets false.
  OptionSet& add(const std::string& name, bool* field, const std::string& help);
  // An option that is not saved into config.ini (e.g. --resume, --config itself).
  OptionSet& add_transient(const std::string& name, std::string* field, const std::string& help);

  // Parses `args` (the words after the command). Returns false when --help was printed.
  // Throws UsageError naming the offending option, value, file or line.
  bool parse(const std::vector<std::string>& args);
  // Loads a config file as if it were given with --config (lower priority than the command
  // line already parsed). Use before parse(): e.g. --resume RUN reads RUN/config.ini.
  void set_default_config_file(const std::string& path);

  // True when the option was given on the command line or in the config file.
  bool given(const std::string& name) const;
  std::string help() const;
  // The resolved values as an INI file (one `key = value` per persistent option).
  std::string to_ini() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The options every command shares (DESIGN.md, CLI conventions).
struct CommonOptions {
  uint64_t seed = 1;
  int threads = 0;             // 0: LibTorch's default (one per core)
  std::string device = "cpu";  // cpu | cuda
  std::string run_dir;         // empty: runs/<algo>-<env>-<timestamp>
  bool quiet = false;
  bool json = false;

  void add_to(OptionSet& set);
};

// Splits "a,b,c" into its parts (empty parts rejected with a UsageError naming `what`).
std::vector<std::string> split_list(const std::string& text, const std::string& what);

}  // namespace tp
