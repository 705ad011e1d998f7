// Fuzz target: what a GTP controller may send `torchplay gtp` (one command per line). Promise
// (gtp_engine.h): every line gets a protocol reply ("=..." or "?...", ended by a blank line)
// or none (blank and comment lines), the engine never throws, and a refused line leaves the
// game as it was. The move generator plays the first legal move, so genmove is cheap.
#include <cstdio>
#include <cstdlib>

#include "agents/gtp/gtp_engine.h"
#include "agents/gtp/move_generator.h"

namespace {

class FirstLegalMove final : public tp::agents::MoveGenerator {
 public:
  std::string name() const override { return "first-legal"; }
  tp::envs::Action generate(const tp::envs::go::GoState& state) override { return state.legal_actions().front(); }
};

[[noreturn]] void finding(const std::string& what, const std::string& line) {
  std::fprintf(stderr, "finding: %s (line '%s')\n", what.c_str(), line.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FirstLegalMove generator;
  tp::agents::GtpEngineOptions options;
  options.params.size = 5;  // small boards keep each input fast; boardsize changes it
  tp::agents::GtpEngine engine(generator, options);
  const std::string input(reinterpret_cast<const char*>(data), size);
  size_t at = 0;
  while (at < input.size() && !engine.quit_requested()) {
    size_t end = input.find('\n', at);
    if (end == std::string::npos) end = input.size();
    const std::string line = input.substr(at, end - at);
    at = end + 1;
    const std::string before = engine.state().to_string();
    std::string reply;
    try {
      reply = engine.handle_line(line);
    } catch (const std::exception& e) {
      finding(std::string("handle_line threw: ") + e.what(), line);
    }
    if (reply.empty()) continue;
    if ((reply[0] != '=' && reply[0] != '?') || reply.size() < 3 || reply.compare(reply.size() - 2, 2, "\n\n") != 0)
      finding("malformed reply '" + reply + "'", line);
    if (reply.find("\n\n") != reply.size() - 2) finding("a reply with a blank line inside", line);
    if (reply[0] == '?' && engine.state().to_string() != before) finding("a refused line changed the game", line);
  }
  return 0;
}
