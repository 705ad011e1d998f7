#include "agents/alphazero/self_play_batch.h"

#include <cmath>
#include <cstring>

#include "core/byte_record.h"
#include "core/error.h"

namespace tp::agents {

namespace {

constexpr char kMagic[8] = {'T', 'P', 'A', 'Z', 'B', 'A', 'T', '1'};

bool planes_fit_bytes(const std::vector<TrainingPosition>& positions) {
  for (const auto& p : positions)
    if (!fits_bytes(p.planes.data(), p.planes.size())) return false;
  return true;
}

}  // namespace

std::string SelfPlayBatch::encode(const PositionShape& shape) const {
  RecordWriter w;
  w.out.append(kMagic, sizeof kMagic);
  w.put<int64_t>(generation);
  w.put<int64_t>(games);
  w.put<double>(seconds);
  w.put<int64_t>(simulations);
  w.put<int64_t>(plies);
  w.put<int32_t>(shape.plane_floats);
  w.put<int32_t>(shape.num_actions);
  w.put<int32_t>(shape.cells);
  const bool as_bytes = planes_fit_bytes(positions);
  w.put<uint8_t>(as_bytes ? 1 : 0);
  w.put<int64_t>(static_cast<int64_t>(positions.size()));
  for (const auto& p : positions) {
    TP_CHECK(p.planes.size() == size_t(shape.plane_floats) && p.policy.size() == size_t(shape.num_actions) &&
                 p.ownership.size() == (shape.cells > 0 ? size_t(shape.cells) : p.ownership.size()),
             "a self-play position does not fit its game's shapes");
    if (as_bytes)
      for (float v : p.planes) w.put<uint8_t>(static_cast<uint8_t>(v));
    else
      w.array(p.planes);
    w.array(p.policy);
    w.put<float>(p.z);
    if (shape.cells > 0) {
      w.array(p.ownership);
      w.put<float>(p.score);
    }
  }
  return std::move(w.out);
}

SelfPlayBatch SelfPlayBatch::decode(const std::string& bytes, const PositionShape& shape, const std::string& origin) {
  RecordReader r(bytes, "self-play batch from " + origin);
  r.expect_marker(kMagic, sizeof kMagic);
  SelfPlayBatch b;
  b.generation = r.get<int64_t>();
  b.games = r.get<int64_t>();
  b.seconds = r.get<double>();
  b.simulations = r.get<int64_t>();
  b.plies = r.get<int64_t>();
  const int32_t planes = r.get<int32_t>(), actions = r.get<int32_t>(), cells = r.get<int32_t>();
  if (planes != shape.plane_floats || actions != shape.num_actions || cells != shape.cells)
    r.fail("its positions have " + std::to_string(planes) + " plane values, " + std::to_string(actions) +
           " actions and " + std::to_string(cells) + " cells, this game " + std::to_string(shape.plane_floats) + ", " +
           std::to_string(shape.num_actions) + " and " + std::to_string(shape.cells));
  const uint8_t as_bytes = r.get<uint8_t>();
  if (as_bytes > 1) r.fail("unknown plane encoding");
  const int64_t n = r.get<int64_t>();
  const size_t per_position =
      size_t(planes) * (as_bytes ? 1 : 4) + size_t(actions) * 4 + 4 + (cells > 0 ? size_t(cells) * 4 + 4 : 0);
  if (n < 0 || b.games < 0 || b.generation < 0 || !(b.seconds >= 0) || b.simulations < 0 || b.plies < 0)
    r.fail("negative counts");
  if (size_t(n) != r.left() / per_position || r.left() % per_position != 0)
    r.fail("it holds " + std::to_string(r.left()) + " bytes for " + std::to_string(n) + " positions");
  b.positions.resize(size_t(n));
  for (auto& p : b.positions) {
    if (as_bytes)
      r.byte_floats(p.planes, size_t(planes));
    else
      r.array(p.planes, size_t(planes));
    r.array(p.policy, size_t(actions));
    p.z = r.get<float>();
    if (cells > 0) {
      r.array(p.ownership, size_t(cells));
      p.score = r.get<float>();
    }
    double mass = 0;
    for (float v : p.policy) {
      if (!(v >= 0.f && v <= 1.f)) r.fail("a policy value outside [0, 1]");
      mass += v;
    }
    if (std::abs(mass - 1.0) > 1e-3) r.fail("a policy that does not sum to 1");
    if (!(p.z >= -1.f && p.z <= 1.f)) r.fail("a result outside [-1, 1]");
    for (float v : p.planes)
      if (!std::isfinite(v)) r.fail("a plane value that is not finite");
    for (float v : p.ownership)
      if (!(v >= -1.f && v <= 1.f)) r.fail("an ownership value outside [-1, 1]");
    if (!std::isfinite(p.score)) r.fail("a score that is not finite");
  }
  return b;
}

}  // namespace tp::agents
