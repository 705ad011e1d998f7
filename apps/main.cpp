// torchplay: one executable, subcommands dispatched from one table.
#include <c10/util/Exception.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "apps/commands.h"
#include "core/error.h"
#include "core/runtime.h"
#include "core/text.h"

namespace {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const tp::app::Args&);
};

constexpr Command kCommands[] = {
    {"envs", "list environments and board games with their spaces", tp::app::cmd_envs},
    {"train", "train an agent or a generative model (train <algo> --help)", tp::app::cmd_train},
    {"eval", "evaluate an agent on an env or game, or a generative model", tp::app::cmd_eval},
    {"watch", "watch an agent play in a window (or browse a generator's samples)", tp::app::cmd_watch},
    {"play", "play a board game against an agent in a window", tp::app::cmd_play},
    {"generate", "write a PNG grid of samples from a generative model", tp::app::cmd_generate},
    {"match", "play games between two GTP engines and score them", tp::app::cmd_match},
    {"gtp", "speak the Go Text Protocol on stdin/stdout", tp::app::cmd_gtp},
    {"engine-games", "have GTP engines play each other and write the games as SGF", tp::app::cmd_engine_games},
    {"sgf", "read a directory of SGF game records and summarise it", tp::app::cmd_sgf},
    {"plot", "draw learning curves from run directories as a PNG", tp::app::cmd_plot},
    {"export", "write a checkpoint's network as TorchScript, or a play-only checkpoint", tp::app::cmd_export},
    {"bench", "measure throughput (env steps/s, ...)", tp::app::cmd_bench},
    {"launch", "start the ranks of a distributed run on this machine (launch --nproc N -- ...)", tp::app::cmd_launch},
    {"actor", "play self-play games for a distributed AlphaZero learner (actor --learner tcp://HOST:PORT)",
     tp::app::cmd_actor},
};

void print_usage(std::ostream& os) {
  os << "Usage: torchplay <command> [options]\n\n"
     << "Deep RL agents and generative models on LibTorch.\n\nCommands:\n";
  size_t width = 0;
  for (const auto& c : kCommands) width = std::max(width, std::strlen(c.name) + 2);
  for (const auto& c : kCommands)
    os << "  " << c.name << std::string(width - std::strlen(c.name), ' ') << c.summary << "\n";
  os << "\n`torchplay <command> --help` lists a command's options; `torchplay --version` the build.\n";
}

int dispatch(const std::vector<std::string>& words) {
  if (words.empty()) {
    print_usage(std::cerr);
    return 2;
  }
  const std::string& first = words[0];
  if (first == "--help" || first == "-h" || first == "help") {
    print_usage(std::cout);
    return 0;
  }
  if (first == "--version") {
    tp::init_runtime(tp::CommonOptions{});  // so the report shows the layout a command starts with
    std::cout << tp::version_report();
    return 0;
  }
  std::vector<std::string> names;
  for (const auto& c : kCommands) {
    if (first == c.name) return c.run(tp::app::Args(words.begin() + 1, words.end()));
    names.push_back(c.name);
  }
  TP_THROW(tp::UsageError, "unknown command '", tp::printable(first), "'", tp::did_you_mean(first, names),
           " (see torchplay --help)");
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  try {
    return dispatch(words);
  } catch (const tp::UsageError& e) {
    std::cerr << "torchplay: error: " << first_line(e.what()) << "\n";
    return 2;
  } catch (const tp::Error& e) {
    std::cerr << "torchplay: error: " << first_line(e.what()) << "\n";
    return 1;
  } catch (const c10::Error& e) {
    std::cerr << "torchplay: error: " << first_line(e.what_without_backtrace()) << "\n";
    return 1;
  } catch (const std::bad_alloc&) {
    std::cerr << "torchplay: error: out of memory\n";
    return 1;
  } catch (const std::invalid_argument& e) {
    // std::stoi & co. name only themselves ("stoll"): a number somewhere was malformed.
    std::cerr << "torchplay: error: malformed number (" << first_line(e.what()) << ")\n";
    return 1;
  } catch (const std::out_of_range& e) {
    std::cerr << "torchplay: error: number out of range (" << first_line(e.what()) << ")\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "torchplay: error: " << first_line(e.what()) << "\n";
    return 1;
  }
}
