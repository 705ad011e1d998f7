#include "envs/snake/snake.h"

#include <cmath>
#include <cstring>

#include "core/error.h"

namespace tp::envs {

Snake::Snake(int size, int max_episode_steps) : n_(size), max_steps_(max_episode_steps) {
  TP_CHECK_AS(UsageError, size >= 5 && size <= 32, "Snake: size must be in [5, 32], got ", size);
  TP_CHECK_AS(UsageError, max_episode_steps >= 1, "Snake: max_episode_steps must be >= 1, got ", max_episode_steps);
  const size_t cells = static_cast<size_t>(n_ * n_);
  obs_space_.shape = {3, n_, n_};
  obs_space_.low.assign(3 * cells, 0.0f);
  obs_space_.high.assign(3 * cells, 1.0f);
  ring_.assign(cells, Cell{0, 0});
  occupied_.assign(cells, 0);
}

std::unique_ptr<Env> Snake::from_kwargs(const EnvKwargs& kw) {
  check_known_kwargs(kw, {"size", "max_episode_steps"}, "Snake-v0");
  const double size = kwarg_double(kw, "size", 10);
  const double steps = kwarg_double(kw, "max_episode_steps", 1000);
  TP_CHECK_AS(UsageError, size == std::floor(size) && steps == std::floor(steps) && steps < 2e9,
              "Snake-v0: size and max_episode_steps must be whole numbers");
  return std::make_unique<Snake>(static_cast<int>(size), static_cast<int>(steps));
}

Snake::Cell Snake::body(int i) const {
  TP_CHECK(i >= 0 && i < length_, "Snake: body index ", i, " out of range (length ", length_, ")");
  return ring_[static_cast<size_t>((head_ + i) % (n_ * n_))];
}

void Snake::reset(uint64_t seed) {
  rng_.seed_with(seed);
  reset();
}

void Snake::reset() {
  std::fill(occupied_.begin(), occupied_.end(), 0);
  head_ = 0;
  length_ = 3;
  heading_ = kRight;
  const int mid = n_ / 2;
  for (int i = 0; i < length_; ++i) {
    ring(i) = {mid, mid - i};
    occupied_[static_cast<size_t>(mid * n_ + mid - i)] = 1;
  }
  place_food();
  elapsed_ = 0;
  done_ = false;
}

void Snake::place_food() {
  const int free_cells = n_ * n_ - length_;
  if (free_cells == 0) {
    food_ = {-1, -1};
    return;
  }
  int k = static_cast<int>(rng_.below(static_cast<uint32_t>(free_cells)));
  for (int c = 0; c < n_ * n_; ++c) {
    if (occupied_[static_cast<size_t>(c)]) continue;
    if (k-- == 0) {
      food_ = {c / n_, c % n_};
      return;
    }
  }
}

StepResult Snake::step(int action) {
  TP_CHECK(action >= 0 && action < 4, "Snake-v0: invalid action ", action, " (valid: 0..3)");
  TP_CHECK(!done_, "Snake-v0: step() after the episode ended; call reset()");
  static constexpr int kDr[4] = {-1, 0, 1, 0}, kDc[4] = {0, 1, 0, -1};
  if ((action + 2) % 4 != heading_) heading_ = action;  // no turning back into the neck
  const Cell head = ring(0);
  const Cell next{head.row + kDr[heading_], head.col + kDc[heading_]};
  ++elapsed_;
  StepResult r;
  r.truncated = elapsed_ >= max_steps_;
  const bool eats = next == food_;
  bool dies = next.row < 0 || next.row >= n_ || next.col < 0 || next.col >= n_;
  if (!dies) {
    // The tail cell is free to enter unless the snake grows this step.
    const Cell tail = ring(length_ - 1);
    dies = occupied_[static_cast<size_t>(next.row * n_ + next.col)] && !(next == tail && !eats);
  }
  if (dies) {
    r.reward = -1.0f;
    r.terminated = true;
    done_ = true;
    return r;
  }
  if (!eats) {  // the tail moves on
    const Cell tail = ring(length_ - 1);
    occupied_[static_cast<size_t>(tail.row * n_ + tail.col)] = 0;
    --length_;
  }
  head_ = (head_ - 1 + n_ * n_) % (n_ * n_);
  ++length_;
  ring(0) = next;
  occupied_[static_cast<size_t>(next.row * n_ + next.col)] = 1;
  if (eats) {
    r.reward = 1.0f;
    place_food();
    r.terminated = food_.row < 0;  // the board is full: nothing left to win
  }
  done_ = r.done();
  return r;
}

template <class T>
void Snake::write_planes(T* out) const {
  const int cells = n_ * n_;
  std::memset(out, 0, sizeof(T) * static_cast<size_t>(3 * cells));
  for (int i = 0; i < length_; ++i) {
    const Cell c = ring_[static_cast<size_t>((head_ + i) % cells)];
    out[(i == 0 ? 0 : cells) + c.row * n_ + c.col] = 1;
  }
  if (food_.row >= 0) out[2 * cells + food_.row * n_ + food_.col] = 1;
}

void Snake::observe(float* out) const { write_planes(out); }
void Snake::observe_bytes(uint8_t* out) const { write_planes(out); }

std::vector<double> Snake::get_state() const {
  std::vector<double> st{static_cast<double>(n_), static_cast<double>(elapsed_), done_ ? 1.0 : 0.0,
                         static_cast<double>(heading_)};
  append_rng_state(st, rng_);
  st.push_back(food_.row);
  st.push_back(food_.col);
  st.push_back(length_);
  for (int i = 0; i < length_; ++i) {
    const Cell c = body(i);
    st.push_back(c.row);
    st.push_back(c.col);
  }
  return st;
}

void Snake::set_state(const std::vector<double>& st) {
  const size_t head = 4 + kRngStateDoubles + 3;
  TP_CHECK(st.size() >= head, "Snake-v0: state needs at least ", head, " values, got ", st.size());
  const auto whole = [](double v, double lo, double hi, const char* what) {
    TP_CHECK(v == std::floor(v) && v >= lo && v <= hi, "Snake-v0: state ", what, " must be an integer in [", lo, ", ",
             hi, "], got ", v);
    return static_cast<int>(v);
  };
  whole(st[0], n_, n_, "grid size");
  const int elapsed = whole(st[1], 0, max_steps_, "elapsed steps");
  const bool done = whole(st[2], 0, 1, "done flag") != 0;
  const int heading = whole(st[3], 0, 3, "heading");
  const size_t f = 4 + kRngStateDoubles;
  const Cell food{whole(st[f], -1, n_ - 1, "food row"), whole(st[f + 1], -1, n_ - 1, "food col")};
  const int length = whole(st[f + 2], 1, n_ * n_, "length");
  TP_CHECK(st.size() == head + 2 * static_cast<size_t>(length), "Snake-v0: state needs ",
           head + 2 * static_cast<size_t>(length), " values for length ", length, ", got ", st.size());
  std::vector<uint8_t> occupied(occupied_.size(), 0);
  std::vector<Cell> ring(ring_.size(), Cell{0, 0});
  for (int i = 0; i < length; ++i) {
    const Cell c{whole(st[head + 2 * static_cast<size_t>(i)], 0, n_ - 1, "body row"),
                 whole(st[head + 2 * static_cast<size_t>(i) + 1], 0, n_ - 1, "body col")};
    uint8_t& o = occupied[static_cast<size_t>(c.row * n_ + c.col)];
    TP_CHECK(!o, "Snake-v0: state body overlaps itself");
    o = 1;
    ring[static_cast<size_t>(i)] = c;
  }
  TP_CHECK((food.row < 0) == (food.col < 0) &&
               (food.row < 0 ? length == n_ * n_ : !occupied[static_cast<size_t>(food.row * n_ + food.col)]),
           "Snake-v0: state food must be on a free cell (or absent on a full board)");
  occupied_ = std::move(occupied);
  ring_ = std::move(ring);
  head_ = 0;
  length_ = length;
  heading_ = heading;
  food_ = food;
  elapsed_ = elapsed;
  done_ = done;
  read_rng_state(st.data() + 4, rng_);
}

}  // namespace tp::envs
