#include "core/options.h"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <type_traits>
#include <stdexcept>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include "core/error.h"
#include "core/text.h"

namespace po = boost::program_options;

namespace tp {

namespace {

std::string format_value(double v) {
  char buf[40];
  for (int prec = 6; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}
std::string format_value(float v) {
  char buf[40];
  for (int prec = 6; prec <= 9; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*g", prec, static_cast<double>(v));
    if (std::strtof(buf, nullptr) == v) break;
  }
  return buf;
}
std::string format_value(int v) { return std::to_string(v); }
std::string format_value(int64_t v) { return std::to_string(v); }
std::string format_value(uint64_t v) { return std::to_string(v); }
std::string format_value(bool v) { return v ? "true" : "false"; }
std::string format_value(const std::string& v) { return v; }

// Boost builds an error message by replacing each placeholder ("%value%", "%option%", ...) with
// its text until none is left, so a value or option name that holds its own placeholder loops
// forever (found by fuzz_ini: `steps = %value%'`). The message is built from a copy whose
// substituted texts are made inert ('%' -> '?') first.
class InertMessageError : public po::error_with_option_name {
 public:
  explicit InertMessageError(const po::error_with_option_name& e) : po::error_with_option_name(e) {
    for (auto& entry : m_substitutions) std::replace(entry.second.begin(), entry.second.end(), '%', '?');
  }
};

// A Boost error as one printable line of bounded length.
std::string message_of(const po::error& e) {
  if (const auto* named = dynamic_cast<const po::error_with_option_name*>(&e))
    return printable(InertMessageError(*named).what(), 300);
  return printable(e.what(), 300);
}

}  // namespace

struct OptionSet::Impl {
  std::string usage;
  po::options_description desc{"Options"};
  struct Entry {
    std::string name;
    bool persistent;
    std::function<std::string()> value;
  };
  std::vector<Entry> entries;
  po::variables_map vm;
  std::string config_file;

  template <class T>
  void add(const std::string& name, T* field, const std::string& help, bool persistent = true) {
    auto* value = po::value<T>(field)->default_value(*field, format_value(*field));
    if constexpr (std::is_floating_point_v<T>) {
      // inf and nan parse as numbers, and no option means either.
      value->notifier(
          [name](T v) { TP_CHECK_AS(UsageError, std::isfinite(v), "--", name, " must be a finite number"); });
    }
    desc.add_options()(name.c_str(), value, help.c_str());
    entries.push_back({name, persistent, [field] { return format_value(*field); }});
  }

  // Stores every line of a config file (lower priority than what is already stored) or
  // throws naming file:line.
  void store_config_file(const std::string& path) { store_config(read_ini(path), path); }
  void store_config(const std::vector<IniLine>& lines, const std::string& path) {
    for (const IniLine& l : lines) {
      TP_CHECK_AS(UsageError, desc.find_nothrow(l.key, false) != nullptr, "unknown option '", printable(l.key), "' in ",
                  path, ":", l.line, did_you_mean(l.key, option_names()));
      try {
        // An empty value (e.g. `run-dir = ` written by to_ini) is passed as its own word:
        // Boost rejects "--key=" with nothing after the equal sign.
        std::vector<std::string> one = l.value.empty() ? std::vector<std::string>{"--" + l.key, ""}
                                                       : std::vector<std::string>{"--" + l.key + "=" + l.value};
        po::store(po::command_line_parser(one).options(desc).run(), vm);
      } catch (const po::error& e) {
        TP_THROW(UsageError, message_of(e), " in ", path, ":", l.line);
      }
    }
  }

  // Every option's long name ("steps", "lr", ...), for "did you mean" hints.
  std::vector<std::string> option_names() const {
    std::vector<std::string> names;
    for (const auto& option : desc.options()) names.push_back(option->long_name());
    return names;
  }

  bool bound(const std::string& name) const {
    if (name == "help" || name == "config" || (name == "resume" && resume_enabled)) return true;
    for (const auto& e : entries)
      if (e.name == name) return true;
    return false;
  }

  bool resume_enabled = false;
  std::string resume_dir;
};

namespace {

// `--name X` or `--name=X` in args (the last one wins, as in Boost's parser).
std::optional<std::string> word_value(const std::vector<std::string>& args, const std::string& name) {
  std::optional<std::string> found;
  const std::string flag = "--" + name;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == flag && i + 1 < args.size()) found = args[i + 1];
    if (args[i].rfind(flag + "=", 0) == 0) found = args[i].substr(flag.size() + 1);
  }
  return found;
}

std::optional<std::string> ini_value(const std::string& path, const std::string& key) {
  std::optional<std::string> found;
  for (const IniLine& l : read_ini(path))
    if (l.key == key) found = l.value;
  return found;
}

// The config.ini of a run given with --resume; UsageError when it is not a run directory.
std::string resumed_config(const std::string& run_dir) {
  TP_CHECK_AS(UsageError, std::filesystem::is_directory(run_dir), "--resume: run directory '", run_dir,
              "' does not exist");
  const std::string ini = run_dir + "/config.ini";
  TP_CHECK_AS(UsageError, std::filesystem::exists(ini), "--resume: run directory '", run_dir, "' has no config.ini");
  return ini;
}

}  // namespace

std::vector<IniLine> read_ini(const std::string& path) {
  std::error_code ec;
  TP_CHECK_AS(UsageError, !std::filesystem::is_directory(path, ec), "config file '", path, "' is a directory");
  std::ifstream in(path);
  TP_CHECK_AS(UsageError, in.good(), "cannot read config file '", path, "'");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_ini(text.str(), path);
}

std::vector<IniLine> parse_ini(const std::string& text, const std::string& path) {
  std::istringstream in(text);
  std::vector<IniLine> out;
  std::map<std::string, int> line_of_key;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    // Control bytes (a NUL, an escape code) have no place in a config: they would cut error
    // messages short or reach the terminal and config.ini. Tabs and CRs are whitespace.
    for (char c : line) {
      const auto byte = static_cast<unsigned char>(c);
      TP_CHECK_AS(UsageError, (byte >= 0x20 && byte != 0x7f) || c == '\t' || c == '\r', "control character (byte ",
                  static_cast<int>(byte), ") in ", path, ":", lineno);
    }
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[') {
      // Sections are allowed for readability; keys stay flat.
      TP_CHECK_AS(UsageError, t.back() == ']', "malformed section header in ", path, ":", lineno, ": '", printable(t),
                  "'");
      continue;
    }
    const size_t eq = t.find('=');
    TP_CHECK_AS(UsageError, eq != std::string::npos && eq > 0, "malformed line in ", path, ":", lineno, ": '",
                printable(t), "' (expected key = value)");
    IniLine entry{trim(t.substr(0, eq)), trim(t.substr(eq + 1)), lineno};
    // A key given twice is a mistake one of the two values would silently hide.
    const auto [first, added] = line_of_key.emplace(entry.key, lineno);
    TP_CHECK_AS(UsageError, added, "duplicate key '", printable(entry.key), "' in ", path, ":", lineno,
                " (first at line ", first->second, ")");
    out.push_back(std::move(entry));
  }
  return out;
}

OptionSet::OptionSet(std::string usage) : impl_(std::make_unique<Impl>()) {
  impl_->usage = std::move(usage);
  impl_->desc.add_options()("help,h", "show this help and exit");
  impl_->desc.add_options()("config", po::value<std::string>(&impl_->config_file),
                            "load options from an INI file (command line wins)");
}

OptionSet::~OptionSet() = default;

OptionSet& OptionSet::add(const std::string& n, int* f, const std::string& h) {
  impl_->add(n, f, h);
  return *this;
}
OptionSet& OptionSet::add(const std::string& n, int64_t* f, const std::string& h) {
  impl_->add(n, f, h);
  return *this;
}
OptionSet& OptionSet::add(const std::string& n, uint64_t* f, const std::string& h) {
  impl_->add(n, f, h);
  return *this;
}
OptionSet& OptionSet::add(const std::string& n, double* f, const std::string& h) {
  impl_->add(n, f, h);
  return *this;
}
OptionSet& OptionSet::add(const std::string& n, float* f, const std::string& h) {
  impl_->add(n, f, h);
  return *this;
}
OptionSet& OptionSet::add(const std::string& n, std::string* f, const std::string& h) {
  impl_->add(n, f, h);
  return *this;
}

OptionSet& OptionSet::add(const std::string& name, bool* field, const std::string& help) {
  return add_switch(name, field, help, true);
}

OptionSet& OptionSet::add_switch(const std::string& name, bool* field, const std::string& help, bool saved) {
  impl_->desc.add_options()(
      name.c_str(), po::value<bool>(field)->default_value(*field, format_value(*field))->implicit_value(true, "true"),
      help.c_str());
  impl_->entries.push_back({name, saved, [field] { return format_value(*field); }});
  return *this;
}

OptionSet& OptionSet::add_transient(const std::string& name, std::string* field, const std::string& help) {
  impl_->add(name, field, help, false);
  return *this;
}

OptionSet& OptionSet::add_transient(const std::string& name, bool* field, const std::string& help) {
  return add_switch(name, field, help, false);
}

OptionSet& OptionSet::enable_resume() {
  impl_->resume_enabled = true;
  impl_->desc.add_options()("resume", po::value<std::string>(&impl_->resume_dir),
                            "continue the run in RUN_DIR from its newest checkpoint (its config.ini, then the "
                            "command line)");
  return *this;
}

std::optional<std::string> OptionSet::peek(const std::vector<std::string>& args, const std::string& name) const {
  if (auto v = word_value(args, name)) return v;
  if (auto config = word_value(args, "config"))
    if (auto v = ini_value(*config, name)) return v;
  if (impl_->resume_enabled)
    if (auto run = word_value(args, "resume"))
      if (auto v = ini_value(resumed_config(*run), name)) return v;
  return std::nullopt;
}

const std::string& OptionSet::resume_dir() const { return impl_->resume_dir; }

bool OptionSet::parse(const std::vector<std::string>& args) {
  auto& vm = impl_->vm;
  try {
    po::store(po::command_line_parser(args).options(impl_->desc).run(), vm);
  } catch (const po::unknown_option& e) {
    std::string name = e.get_option_name();  // "--stepz"
    name.erase(0, name.find_first_not_of('-'));
    TP_THROW(UsageError, message_of(e), did_you_mean(name, impl_->option_names()));
  } catch (const po::error& e) {
    TP_THROW(UsageError, message_of(e));
  }
  if (vm.count("help")) {
    std::cout << help();
    return false;
  }
  // Config sources in falling priority: Boost keeps the first value stored for a key.
  if (vm.count("config")) impl_->store_config_file(vm["config"].as<std::string>());
  if (vm.count("resume")) impl_->store_config_file(resumed_config(vm["resume"].as<std::string>()));
  try {
    po::notify(vm);
  } catch (const po::error& e) {
    TP_THROW(UsageError, message_of(e));
  }
  return true;
}

void OptionSet::parse_config_text(const std::string& ini_text, const std::string& origin) {
  impl_->store_config(parse_ini(ini_text, origin), origin);
  try {
    po::notify(impl_->vm);
  } catch (const po::error& e) {
    TP_THROW(UsageError, message_of(e), " in ", origin);
  }
}

bool OptionSet::given(const std::string& name) const {
  if (!impl_->bound(name)) throw std::logic_error("OptionSet::given: option '" + name + "' was never bound");
  auto it = impl_->vm.find(name);
  return it != impl_->vm.end() && !it->second.defaulted();
}

std::string OptionSet::help() const {
  std::ostringstream os;
  os << "Usage: " << impl_->usage << "\n\n" << impl_->desc << "\n";
  return os.str();
}

std::string OptionSet::to_ini() const {
  std::ostringstream os;
  os << "# torchplay configuration (load with --config FILE)\n";
  for (const auto& e : impl_->entries)
    if (e.persistent) os << e.name << " = " << e.value() << "\n";
  return os.str();
}

void CommonOptions::bind(OptionSet& set, bool with_device) {
  set.add("seed", &seed, "random seed (C++ generators and LibTorch)");
  set.add("threads", &threads, "LibTorch intra-op threads (0: the default, one; docs/performance.md)");
  if (with_device) set.add("device", &device, "cpu | cuda (where the networks run)");
  set.add("run-dir", &run_dir, "run directory (default runs/<algo>-<env>-<timestamp>)");
  set.add("quiet", &quiet, "no progress output");
  set.add("json", &json, "end with one line holding a JSON object of the results");
}

std::vector<std::string> split_list(const std::string& text, const std::string& what) {
  std::vector<std::string> parts;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    item = trim(item);
    TP_CHECK_AS(UsageError, !item.empty(), "empty item in ", what, " '", printable(text), "'");
    parts.push_back(item);
  }
  TP_CHECK_AS(UsageError, !parts.empty(), "empty list for ", what);
  return parts;
}

std::vector<int64_t> parse_widths(const std::string& text, const std::string& what) {
  std::vector<int64_t> widths;
  for (const auto& part : split_list(text, what)) {
    size_t used = 0;
    int64_t w = 0;
    try {
      w = std::stoll(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    TP_CHECK_AS(UsageError, used == part.size(), what, ": '", printable(part), "' is not a number");
    TP_CHECK_AS(UsageError, w > 0, what, ": widths must be > 0");
    widths.push_back(w);
  }
  return widths;
}

}  // namespace tp
