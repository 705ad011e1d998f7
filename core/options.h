#pragma once
// Command options on top of Boost.Program_options, bound 1:1 to fields of an options
// struct. Values come from the command line first, then from `--config FILE.ini`, then
// (with enable_resume) from the resumed run's config.ini, then the field's own default.
// The resolved set can be written back as a loadable INI file (`to_ini`), which is how run
// directories record their config. The convention every algorithm family follows
// (docs/architecture.md, "Options"): peek the key that picks a preset, build the preset,
// bind its fields, parse, validate.
#include <cstdint>
#include <memory>
#include <optional>
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
  // An option that is not saved into config.ini (e.g. --size shorthands).
  OptionSet& add_transient(const std::string& name, std::string* field, const std::string& help);
  OptionSet& add_transient(const std::string& name, bool* field, const std::string& help);
  // Adds `--resume RUN_DIR`: the run's config.ini becomes the lowest-priority config source
  // (below the command line and --config); resume_dir() names the run after parse().
  OptionSet& enable_resume();

  // The value `name` will get from the command line, else the --config file, else (with
  // enable_resume) the resumed run's config.ini; nullopt when none sets it. Works before the
  // option is bound, so a family can pick its preset (the game, the env) before binding the
  // preset's fields. Throws UsageError for an unreadable or malformed config file.
  std::optional<std::string> peek(const std::vector<std::string>& args, const std::string& name) const;

  // Parses `args` (the words after the command). Returns false when --help was printed.
  // Throws UsageError naming the offending option, value, file or line.
  bool parse(const std::vector<std::string>& args);
  // Sets the options from INI text alone (a config recorded in a checkpoint), as parse({})
  // with that text as the config file would. Throws UsageError naming `origin`.
  void parse_config_text(const std::string& ini_text, const std::string& origin);

  // True when the option was given on the command line or in a config file. Throws
  // std::logic_error for a name that was never bound (a misspelt key is a bug, not a no-op).
  bool given(const std::string& name) const;
  // The run directory given with --resume ("" when not resuming); valid after parse().
  const std::string& resume_dir() const;
  std::string help() const;
  // The resolved values as an INI file (one `key = value` per persistent option).
  std::string to_ini() const;

 private:
  OptionSet& add_switch(const std::string& name, bool* field, const std::string& help, bool saved);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The options every command shares (docs/architecture.md, "CLI conventions").
struct CommonOptions {
  uint64_t seed = 1;
  int threads = 0;             // LibTorch intra-op threads; 0: the default layout (one)
  std::string device = "cpu";  // cpu | cuda
  std::string run_dir;         // empty: runs/<algo>-<env>-<timestamp>
  bool quiet = false;
  bool json = false;

  // with_device = false leaves --device out: commands that run no network (bench, match)
  // refuse it as an unknown option instead of accepting a choice they would ignore.
  void bind(OptionSet& set, bool with_device = true);
};

// One `key = value` line of an INI config file.
struct IniLine {
  std::string key, value;
  int line = 0;
};
// The one INI reader: `key = value` lines, `#`/`;` comments, `[section]` headers (keys stay
// flat). Throws UsageError naming file:line for a malformed line or an unreadable file.
std::vector<IniLine> read_ini(const std::string& path);
// The same for INI text (`origin` names it in errors: a file, a checkpoint).
std::vector<IniLine> parse_ini(const std::string& text, const std::string& origin);

// Splits "a,b,c" into its parts (empty parts rejected with a UsageError naming `what`).
std::vector<std::string> split_list(const std::string& text, const std::string& what);
// Parses "64,64" into positive integers (layer widths); UsageError naming `what` otherwise.
std::vector<int64_t> parse_widths(const std::string& text, const std::string& what);

}  // namespace tp
