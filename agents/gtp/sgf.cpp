#include "agents/gtp/sgf.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "core/error.h"
#include "core/run_dir.h"
#include "core/text.h"
#include "core/version.h"

namespace tp::agents {

using envs::Action;
using envs::go::GoParams;
using envs::go::GoState;

std::string sgf_escape(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == ']' || ch == '\\') out += '\\';
    out += ch;
  }
  return out;
}

namespace {

// SGF points: column letter then row letter, both from the top-left corner.
std::string sgf_point(Action a, int n) {
  return std::string{static_cast<char>('a' + a % n), static_cast<char>('a' + a / n)};
}

}  // namespace

std::string to_sgf(const GoState& state, const SgfInfo& info) {
  const int n = state.size();
  char komi[32];
  std::snprintf(komi, sizeof komi, "%g", state.params().komi);
  std::string s = "(;FF[4]GM[1]CA[UTF-8]AP[torchplay:" TORCHPLAY_VERSION "]SZ[" + std::to_string(n) + "]KM[" + komi +
                  "]RU[" + sgf_escape(info.rules) + "]";
  if (!info.black.empty()) s += "PB[" + sgf_escape(info.black) + "]";
  if (!info.white.empty()) s += "PW[" + sgf_escape(info.white) + "]";
  if (!info.date.empty()) s += "DT[" + sgf_escape(info.date) + "]";
  if (!info.result.empty()) s += "RE[" + sgf_escape(info.result) + "]";
  if (!info.comment.empty()) s += "C[" + sgf_escape(info.comment) + "]";
  if (info.random_opening > 0) s += "TPRO[" + std::to_string(info.random_opening) + "]";
  const auto& black = state.setup_stones(0);
  const auto& white = state.setup_stones(1);
  if (black.size() >= 2 && white.empty() && state.first_player() == 1) s += "HA[" + std::to_string(black.size()) + "]";
  for (int colour = 0; colour < 2; ++colour) {
    const auto& stones = colour == 0 ? black : white;
    if (stones.empty()) continue;
    s += colour == 0 ? "AB" : "AW";
    for (Action a : stones) s += "[" + sgf_point(a, n) + "]";
  }
  if (state.first_player() == 1) s += "PL[W]";
  s += "\n";
  int player = state.first_player();
  int on_line = 0;
  for (Action a : state.history()) {
    s += player == 0 ? ";B[" : ";W[";
    if (a != state.pass_action()) s += sgf_point(a, n);
    s += "]";
    player = 1 - player;
    if (++on_line == 12) {
      s += "\n";
      on_line = 0;
    }
  }
  s += ")\n";
  return s;
}

// ---------------------------------------------------------------------------------------
// Reading

int SgfGame::winner() const {
  const std::string r = to_lower(result);
  if (r == "0" || r == "draw" || r == "jigo") return -1;
  if (r.size() >= 2 && r[1] == '+') return r[0] == 'b' ? 0 : r[0] == 'w' ? 1 : -2;
  return -2;
}

bool SgfGame::resigned() const {
  const std::string r = to_lower(result);
  return winner() >= 0 && (r.substr(2) == "r" || r.substr(2) == "resign");
}

int SgfGame::passes() const {
  const Action pass = size * size;
  return static_cast<int>(std::count(moves.begin(), moves.end(), pass));
}

namespace {

struct Property {
  std::string id;
  std::vector<std::string> values;
};

// A recursive-descent reader would recurse once per variation; records with thousands of
// nested variations exist, so the main line is read iteratively and the other variations
// are skipped by counting parentheses.
class SgfScanner {
 public:
  SgfScanner(const std::string& text, std::string origin) : text_(text), origin_(std::move(origin)) {}

  bool at_end() {
    skip_space();
    return pos_ >= text_.size();
  }

  // One game tree starting at '(': the properties of each main-line node, in order.
  std::vector<std::vector<Property>> main_line() {
    skip_space();
    expect('(');
    std::vector<std::vector<Property>> nodes;
    int depth = 1;
    bool in_main = true;  // false once the main line's last variation has closed
    while (depth > 0) {
      skip_space();
      fail_if(pos_ >= text_.size(), "unbalanced parentheses (the game tree never closes)");
      const char c = text_[pos_];
      if (c == ';') {
        fail_if(!in_main, "a node after a variation (';' where '(' or ')' belongs)");
        ++pos_;
        nodes.push_back(node());
      } else if (c == '(') {
        if (in_main) {
          ++pos_;
          ++depth;
        } else {
          skip_tree();
        }
      } else if (c == ')') {
        ++pos_;
        --depth;
        in_main = false;
      } else {
        fail("unexpected '" + printable(std::string(1, c)) + "' between nodes");
      }
    }
    fail_if(nodes.empty(), "a game tree without nodes");
    return nodes;
  }

  // Text before the first '(' is allowed (SGF files often start with a header or a BOM).
  bool seek_tree() {
    while (pos_ < text_.size() && text_[pos_] != '(') ++pos_;
    return pos_ < text_.size();
  }

  [[noreturn]] void fail(const std::string& why) const {
    throw Error(origin_ + ": " + why + " (at byte " + std::to_string(pos_) + ")");
  }
  void fail_if(bool bad, const std::string& why) const {
    if (bad) fail(why);
  }

 private:
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  void expect(char c) {
    fail_if(pos_ >= text_.size() || text_[pos_] != c, std::string("expected '") + c + "'");
    ++pos_;
  }

  std::vector<Property> node() {
    std::vector<Property> props;
    for (;;) {
      skip_space();
      if (pos_ >= text_.size() || !std::isalpha(static_cast<unsigned char>(text_[pos_]))) return props;
      Property p;
      // FF[3] allowed lower-case letters in identifiers ("AddBlack"); they do not count.
      while (pos_ < text_.size() && std::isalpha(static_cast<unsigned char>(text_[pos_]))) {
        if (std::isupper(static_cast<unsigned char>(text_[pos_]))) p.id += text_[pos_];
        ++pos_;
      }
      skip_space();
      fail_if(pos_ >= text_.size() || text_[pos_] != '[', "property " + printable(p.id, 20) + " without a value");
      while (pos_ < text_.size() && text_[pos_] == '[') {
        p.values.push_back(value());
        skip_space();
      }
      props.push_back(std::move(p));
    }
  }

  std::string value() {
    ++pos_;  // '['
    std::string v;
    for (;;) {
      fail_if(pos_ >= text_.size(), "unterminated property value (no closing ']')");
      const char c = text_[pos_++];
      if (c == ']') return v;
      if (c == '\\') {
        fail_if(pos_ >= text_.size(), "unterminated property value (no closing ']')");
        v += text_[pos_++];
      } else {
        v += c;
      }
    }
  }

  void skip_tree() {
    int depth = 0;
    do {
      fail_if(pos_ >= text_.size(), "unbalanced parentheses in a variation");
      const char c = text_[pos_];
      if (c == '[') {
        value();
        continue;
      }
      if (c == '(') ++depth;
      if (c == ')') --depth;
      ++pos_;
    } while (depth > 0);
  }

  const std::string& text_;
  std::string origin_;
  size_t pos_ = 0;
};

int parse_int(const std::string& text, const std::string& what, const std::string& origin) {
  const std::string t = trim(text);
  char* end = nullptr;
  const long v = std::strtol(t.c_str(), &end, 10);
  TP_CHECK(!t.empty() && end && *end == '\0' && v >= -1000000 && v <= 1000000, origin, ": ", what, "[",
           printable(text, 40), "] is not a number");
  return static_cast<int>(v);
}

// Decodes one point ("cd"; "" or "tt" is a pass, returned as -1) or a rectangle ("aa:cc").
void decode_points(const std::string& value, int n, bool allow_pass, std::vector<Action>& out,
                   const std::string& where) {
  auto one = [&](const std::string& s) -> Action {
    if (s.empty() || (s == "tt" && n <= 19)) {
      TP_CHECK(allow_pass, where, ": empty point [", printable(s, 40), "] where a stone belongs");
      return -1;
    }
    TP_CHECK(s.size() == 2 && std::islower(static_cast<unsigned char>(s[0])) &&
                 std::islower(static_cast<unsigned char>(s[1])),
             where, ": [", printable(s, 40), "] is not an SGF point");
    const int col = s[0] - 'a', row = s[1] - 'a';
    TP_CHECK(col < n && row < n, where, ": [", printable(s, 40), "] is off the ", n, "x", n, " board");
    return row * n + col;
  };
  const size_t colon = value.find(':');
  if (colon == std::string::npos) {
    out.push_back(one(value));
    return;
  }
  const Action a = one(value.substr(0, colon)), b = one(value.substr(colon + 1));
  TP_CHECK(a >= 0 && b >= 0, where, ": [", printable(value, 40), "] is not a rectangle of points");
  for (int r = std::min(a / n, b / n); r <= std::max(a / n, b / n); ++r)
    for (int c = std::min(a % n, b % n); c <= std::max(a % n, b % n); ++c) out.push_back(r * n + c);
}

SgfGame game_from_nodes(const std::vector<std::vector<Property>>& nodes, const std::string& origin) {
  SgfGame g;
  g.source = origin;
  // The board size first: every point depends on it.
  for (const auto& p : nodes.front())
    if (p.id == "SZ") {
      const std::string& v = p.values.front();
      const size_t colon = v.find(':');
      if (colon != std::string::npos) {
        const int w = parse_int(v.substr(0, colon), "SZ", origin), h = parse_int(v.substr(colon + 1), "SZ", origin);
        TP_CHECK(w == h, origin, ": the board is ", w, "x", h, ", not square");
      }
      g.size = parse_int(colon == std::string::npos ? v : v.substr(0, colon), "SZ", origin);
    }
  TP_CHECK(g.size >= envs::go::kMinSize && g.size <= envs::go::kMaxSize, origin, ": board size ", g.size,
           " is outside ", envs::go::kMinSize, "..", envs::go::kMaxSize);
  const int n = g.size;
  int next_colour = -1;  // the colour of the next move, once known
  bool pl_given = false;
  for (size_t k = 0; k < nodes.size(); ++k) {
    int moves_here = 0;
    for (const auto& p : nodes[k]) {
      const std::string where = origin + " node " + std::to_string(k + 1) + " " + printable(p.id, 20);
      const std::string& v = p.values.front();
      if (p.id == "GM") {
        TP_CHECK(trim(v) == "1", origin, ": GM[", printable(v, 40), "] is not a game of Go (GM[1])");
      } else if (p.id == "SZ") {
        TP_CHECK(k == 0, where, ": the board size may only be set on the root node");
      } else if (p.id == "KM") {
        char* end = nullptr;
        const std::string t = trim(v);
        g.komi = std::strtod(t.c_str(), &end);
        TP_CHECK(!t.empty() && end && *end == '\0' && std::isfinite(g.komi) && std::abs(g.komi) <= 1000, where, "[",
                 printable(v, 40), "] is not a number");
      } else if (p.id == "HA") {
        g.handicap = parse_int(v, "HA", origin);
        TP_CHECK(g.handicap >= 0 && g.handicap < n * n, where, "[", printable(v, 40), "] is not a handicap");
      } else if (p.id == "AB" || p.id == "AW") {
        TP_CHECK(g.moves.empty(), where, ": setup stones after the first move are not supported");
        for (const std::string& point : p.values)
          decode_points(point, n, false, p.id == "AB" ? g.setup_black : g.setup_white, where);
      } else if (p.id == "AE") {
        TP_CHECK(false, where, ": removing stones (AE) is not supported");
      } else if (p.id == "PL") {
        const std::string c = to_lower(trim(v));
        TP_CHECK(c == "b" || c == "w" || c == "black" || c == "white", where, "[", printable(v, 40),
                 "] names no colour");
        TP_CHECK(g.moves.empty(), where, ": PL after the first move is not supported");
        next_colour = c[0] == 'b' ? 0 : 1;
        pl_given = true;
      } else if (p.id == "B" || p.id == "W") {
        TP_CHECK(++moves_here == 1, where, ": two moves in one node");
        TP_CHECK(p.values.size() == 1, where, ": a move with ", p.values.size(), " points");
        const int colour = p.id == "B" ? 0 : 1;
        if (next_colour < 0) next_colour = colour;
        if (g.moves.empty()) g.first_player = next_colour;
        TP_CHECK(colour == next_colour, where, ": ", p.id == "B" ? "Black" : "White", " moves out of turn (move ",
                 g.moves.size() + 1, ")");
        std::vector<Action> point;
        decode_points(v, n, true, point, where);
        TP_CHECK(point.size() == 1, where, "[", printable(v, 40), "] is not one point");
        g.moves.push_back(point.front() < 0 ? n * n : point.front());
        next_colour = 1 - colour;
      } else if (p.id == "TPRO") {
        g.random_opening = parse_int(v, "TPRO", origin);
        TP_CHECK(g.random_opening >= 0, where, "[", printable(v, 40), "] is not a number of moves");
      } else if (p.id == "RE") {
        g.result = trim(v);
      } else if (p.id == "PB") {
        g.black = v;
      } else if (p.id == "PW") {
        g.white = v;
      } else if (p.id == "RU") {
        g.rules = v;
      } else if (p.id == "DT") {
        g.date = v;
      }
    }
  }
  if (g.moves.empty()) {
    // No move to tell: after a handicap White moves first, else Black.
    g.first_player = pl_given ? next_colour : (!g.setup_black.empty() && g.setup_white.empty() && g.handicap >= 2);
  }
  TP_CHECK(g.handicap < 2 || !g.setup_black.empty(), origin, ": HA[", g.handicap, "] without the handicap stones (AB)");
  return g;
}

}  // namespace

std::vector<SgfGame> parse_sgf(const std::string& text, const std::string& origin) {
  SgfScanner scan(text, origin);
  std::vector<SgfGame> games;
  TP_CHECK(scan.seek_tree(), origin, ": no game tree (no '(')");
  while (!scan.at_end()) {
    const std::string name = games.empty() ? origin : origin + "#" + std::to_string(games.size() + 1);
    games.push_back(game_from_nodes(scan.main_line(), name));
    if (!scan.seek_tree()) break;
  }
  return games;
}

GoState replay_sgf(const SgfGame& game, int history, int moves) {
  GoParams params;
  params.size = game.size;
  params.komi = game.komi;
  params.history = history;
  // Long records (many passes, ko fights) are kept whole: the cap only has to lie past them.
  params.max_moves = std::max<int>(3 * game.size * game.size, static_cast<int>(game.moves.size()) + 1);
  GoState state(params);
  try {
    state.set_up(game.setup_black, game.setup_white, game.first_player);
  } catch (const Error& e) {
    throw Error(game.source + ": " + e.what());
  }
  const size_t last = moves < 0 ? game.moves.size() : std::min(game.moves.size(), static_cast<size_t>(moves));
  for (size_t i = 0; i < last; ++i) {
    const envs::go::MoveStatus s = state.check_move(game.moves[i]);
    TP_CHECK(s == envs::go::MoveStatus::kLegal, game.source, ": move ", i + 1, " (",
             state.current_player() == 0 ? "B " : "W ", state.action_to_string(game.moves[i]), ") is illegal: ",
             s == envs::go::MoveStatus::kGameOver ? "it comes after two passes ended the game" : describe(s));
    state.apply(game.moves[i]);
  }
  return state;
}

SgfCollection read_sgf_collection(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  TP_CHECK(fs::exists(path, ec), "SGF path '", path, "' does not exist");
  std::vector<std::string> files;
  if (fs::is_directory(path, ec)) {
    for (fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      if (to_lower(it->path().extension().string()) == ".sgf") files.push_back(it->path().string());
    }
    TP_CHECK(!ec, "cannot list SGF directory '", path, "': ", ec.message());
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  SgfCollection out;
  auto skip = [&](const std::string& why) {
    ++out.skipped;
    if (out.errors.size() < 20) out.errors.push_back(why);
  };
  for (const std::string& file : files) {
    ++out.files;
    std::vector<SgfGame> games;
    try {
      games = parse_sgf(read_file(file), file);
    } catch (const Error& e) {
      skip(e.what());
      continue;
    }
    for (SgfGame& g : games) {
      try {
        replay_sgf(g, 1);
        out.games.push_back(std::move(g));
      } catch (const Error& e) {
        skip(e.what());
      }
    }
  }
  return out;
}

GameSplit split_by_game(const std::vector<SgfGame>& games, double test_fraction) {
  TP_CHECK_AS(UsageError, test_fraction >= 0 && test_fraction < 1, "the held-out fraction must be in [0, 1), got ",
              test_fraction);
  GameSplit split;
  for (const SgfGame& g : games) {
    // FNV-1a over the content, then a final mix so the low bits are usable.
    uint64_t h = 1469598103934665603ULL;
    auto mix = [&h](int64_t v) {
      for (int byte = 0; byte < 8; ++byte, v >>= 8) h = (h ^ static_cast<uint64_t>(v & 0xff)) * 1099511628211ULL;
    };
    mix(g.size);
    for (Action a : g.setup_black) mix(a);
    mix(-1);
    for (Action a : g.setup_white) mix(a);
    mix(-2);
    for (Action a : g.moves) mix(a);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    const double u = static_cast<double>(h >> 11) * 0x1.0p-53;
    (u < test_fraction ? split.test : split.train).push_back(&g);
  }
  return split;
}

}  // namespace tp::agents
