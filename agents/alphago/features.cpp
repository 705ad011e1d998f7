#include "agents/alphago/features.h"

#include <algorithm>
#include <vector>

#include "core/error.h"

namespace tp::agents::alphago {

using envs::go::Color;
using envs::go::GoBoard;
using envs::go::GoState;
using envs::go::kEmpty;

namespace {

// The distinct liberties of the chain through p and, when asked,
// the points of the adjacent chains of the other colour. A flood: boards here are small and
// the features need the liberty points themselves, which GoBoard does not keep.
void chain_liberties(const GoBoard& b, int p, std::vector<int>& libs, std::vector<int>* adjacent_opponents = nullptr) {
  libs.clear();
  if (adjacent_opponents) adjacent_opponents->clear();
  const Color c = b.at(p);
  const int points = b.stride() * b.stride();
  std::vector<char> seen(points, 0);
  std::vector<int> stack{p};
  seen[p] = 1;
  while (!stack.empty()) {
    const int q = stack.back();
    stack.pop_back();
    for (int k = 0; k < 4; ++k) {
      const int r = b.neighbour(q, k);
      if (seen[r]) continue;
      const Color v = b.at(r);
      if (v == c) {
        seen[r] = 1;
        stack.push_back(r);
      } else if (v == kEmpty) {
        seen[r] = 1;
        libs.push_back(r);
      } else if (v != envs::go::kBorder && adjacent_opponents) {
        seen[r] = 1;
        adjacent_opponents->push_back(r);
      }
    }
  }
}

// Positions a ladder reading may visit: a true ladder is a narrow line (one attacker move of
// the two keeps the chase going), but loose shapes where both keep it going branch
// exponentially; past the budget the chain counts as not caught.
constexpr int kLadderBudget = 400;

bool attacker_catches(const GoBoard& b, int point, int depth, int& budget);

// The defender (owner of the chain through `point`, in atari) is to move.
bool defender_caught(const GoBoard& b, int point, int depth, int& budget) {
  if (depth <= 0 || --budget < 0) return false;  // too long to read: assume it escapes
  const Color defender = b.at(point);
  std::vector<int> libs, opponents, their_libs;
  chain_liberties(b, point, libs, &opponents);
  if (libs.size() != 1) return libs.empty();
  std::vector<int> tries{libs[0]};
  // Capturing an attacker chain in atari next to the defender also gains liberties.
  for (int q : opponents)
    if (b.in_atari(q)) tries.push_back(b.atari_liberty(q));
  std::sort(tries.begin(), tries.end());
  tries.erase(std::unique(tries.begin(), tries.end()), tries.end());
  for (int move : tries) {
    if (b.is_suicide(move, defender)) continue;
    GoBoard next = b;
    next.play(move, defender);
    chain_liberties(next, point, their_libs);
    if (their_libs.size() >= 3) return false;
    if (their_libs.size() == 2 && !attacker_catches(next, point, depth - 1, budget)) return false;
  }
  return true;
}

// The attacker is to move against the chain through `point`, which has two liberties.
bool attacker_catches(const GoBoard& b, int point, int depth, int& budget) {
  if (depth <= 0 || --budget < 0) return false;
  const Color attacker = envs::go::opponent(b.at(point));
  std::vector<int> libs;
  chain_liberties(b, point, libs);
  if (libs.size() != 2) return libs.size() < 2;
  for (int move : libs) {
    if (b.is_suicide(move, attacker)) continue;
    GoBoard next = b;
    next.play(move, attacker);
    if (defender_caught(next, point, depth - 1, budget)) return true;
  }
  return false;
}

}  // namespace

bool ladder_captures(const GoBoard& board, int point, int max_depth) {
  TP_CHECK(board.at(point) == envs::go::kBlack || board.at(point) == envs::go::kWhite, "ladder_captures needs a stone");
  int budget = kLadderBudget;
  return defender_caught(board, point, max_depth, budget);
}

int num_feature_planes(FeatureSet set, bool with_colour) {
  return (set == FeatureSet::kStones ? kStonePlanes : kFullPlanes) + (with_colour ? 1 : 0);
}

void encode_features(const GoState& state, FeatureSet set, bool with_colour, float* planes) {
  const GoBoard& b = state.board();
  const int n = state.size(), area = n * n;
  const int total = num_feature_planes(set, with_colour);
  std::fill(planes, planes + static_cast<size_t>(total) * area, 0.0f);
  auto plane = [&](int k) { return planes + static_cast<size_t>(k) * area; };
  const Color own = state.to_play(), opp = envs::go::opponent(own);
  for (int i = 0; i < area; ++i) {
    const Color v = b.at(i / n, i % n);
    plane(v == own ? kOwn : v == opp ? kOpponent : kEmptyPoints)[i] = 1.0f;
    plane(kOnes)[i] = 1.0f;
  }
  if (with_colour && own == envs::go::kBlack) std::fill(plane(total - 1), plane(total - 1) + area, 1.0f);
  if (set == FeatureSet::kStones) return;

  // Turns since: the most recent play at a point is the stone on it now.
  const auto& history = state.history();
  std::vector<int> age(area, 0);
  for (int back = 1; back <= std::min<int>(8, static_cast<int>(history.size())); ++back) {
    const envs::Action a = history[history.size() - back];
    if (a != state.pass_action() && age[a] == 0) age[a] = back;
  }
  for (int i = 0; i < area; ++i) {
    const int p = b.point(i / n, i % n);
    if (b.at(p) == kEmpty) continue;
    plane(kTurnsSince + (age[i] == 0 ? 7 : std::min(age[i], 8) - 1))[i] = 1.0f;
    plane(kLiberties + std::min(b.liberties(p), 8) - 1)[i] = 1.0f;
  }

  // Per legal move: what playing it would do.
  std::vector<int> after_libs, adjacent;
  for (int i = 0; i < area; ++i) {
    const int p = b.point(i / n, i % n);
    if (b.at(p) != kEmpty || !state.is_legal(i)) continue;
    GoBoard next = b;
    const int captured = next.play(p, own);
    chain_liberties(next, p, after_libs, &adjacent);
    const int libs_after = static_cast<int>(after_libs.size());
    plane(kCaptureSize + std::min(captured, 7))[i] = 1.0f;
    if (libs_after == 1) plane(kSelfAtariSize + std::min(next.chain_size(p), 8) - 1)[i] = 1.0f;
    plane(kLibertiesAfter + std::min(libs_after, 8) - 1)[i] = 1.0f;
    if (!b.is_eye(p, own)) plane(kSensible)[i] = 1.0f;
    // Ladder capture: an opponent chain next to the move is left in atari and cannot run.
    for (int q : adjacent)
      if (next.at(q) == opp && next.in_atari(q) && !b.in_atari(q) && ladder_captures(next, q)) {
        plane(kLadderCapture)[i] = 1.0f;
        break;
      }
    // Ladder escape: an own chain in atari next to the move gets out, and no ladder follows.
    bool rescues = false;
    for (int k = 0; k < 4; ++k) {
      const int q = b.neighbour(p, k);
      rescues = rescues || (b.at(q) == own && b.in_atari(q));
    }
    int budget = kLadderBudget;
    if (rescues && libs_after >= 2 && (libs_after >= 3 || !attacker_catches(next, p, 60, budget)))
      plane(kLadderEscape)[i] = 1.0f;
  }
}

}  // namespace tp::agents::alphago
