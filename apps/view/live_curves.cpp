#include "apps/view/live_curves.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <iostream>
#include <mutex>
#include <thread>

#include "apps/plot/line_chart.h"
#include "apps/plot/run_curves.h"
#include "apps/view/shapes.h"
#include "apps/view/view_window.h"
#include "core/error.h"

namespace tp::view {

struct LiveCurves::State {
  LiveCurvesOptions options;
  std::thread thread;
  std::mutex mutex;
  std::condition_variable wake;
  bool finished = false;  // set by finish(): draw the last chart and end
  std::atomic<int> frames{0};

  void run();
};

namespace {

// The chart as an SFML texture, or the reason there is none yet (no row to plot).
bool load_chart(const std::string& run_dir, sf::Texture& texture, std::string& waiting) {
  try {
    plot::LineChart chart = plot::learning_curves({run_dir}, {});
    chart.width = LiveCurves::kWidth;
    chart.height = LiveCurves::kHeight;
    chart.title = run_dir;
    TP_CHECK(texture.loadFromImage(to_sf_image(plot::render_line_chart(chart))), "cannot upload the chart");
    waiting.clear();
    return true;
  } catch (const Error& e) {
    // No row yet (a fresh run) or none with a finite value: say so and try again later.
    waiting = std::string("waiting for the first metrics: ") + e.what();
    return false;
  }
}

}  // namespace

void LiveCurves::State::run() {
  try {
    WindowOptions wo;
    wo.title = "torchplay train: " + options.run_dir;
    wo.size = {kWidth, kHeight};
    wo.fps = 10;
    wo.record_dir = options.record_dir;
    wo.quiet = true;
    wo.hold_at_end = options.hold_at_end;
    wo.handle_signals = false;  // training's handlers are installed; two guards would race
    ViewWindow window(wo);
    sf::Texture chart;
    bool have_chart = false;
    std::string waiting = "waiting for the first metrics";
    const auto draw = [&](sf::RenderTarget& t) {
      if (have_chart) {
        t.draw(sf::Sprite(chart));
      } else {
        t.clear(sf::Color::White);
        draw_text(t, {}, window.font(), fit_text(window.font(), waiting, 15, kWidth - 40.0f), {20, 20}, 15,
                  sf::Color(60, 60, 60));
      }
    };
    auto refresh = [&] { have_chart = load_chart(options.run_dir, chart, waiting) || have_chart; };
    auto last_read = std::chrono::steady_clock::now() - std::chrono::hours(1);
    while (window.poll()) {
      bool done;
      {
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait_for(lock, std::chrono::milliseconds(100), [&] { return finished; });
        done = finished;
      }
      const auto now = std::chrono::steady_clock::now();
      if (done || now - last_read >= std::chrono::duration<double>(options.refresh_s)) {
        refresh();
        last_read = now;
      }
      window.present(draw);
      ++frames;
      if (done) {
        window.hold_final_frame(draw);
        break;
      }
    }
    window.close();
  } catch (const std::exception& e) {
    // The window is an extra: training goes on without it.
    std::cerr << "--show: the live chart stopped: " << e.what() << std::endl;
  }
}

void LiveCurves::check_can_open() { check_display(); }

LiveCurves::LiveCurves(LiveCurvesOptions options) : state_(std::make_unique<State>()) {
  check_display();
  state_->options = std::move(options);
  state_->thread = std::thread([s = state_.get()] { s->run(); });
}

LiveCurves::~LiveCurves() { finish(); }

void LiveCurves::finish() {
  if (!state_->thread.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->finished = true;
  }
  state_->wake.notify_all();
  state_->thread.join();
}

int LiveCurves::frames() const { return state_->frames.load(); }

}  // namespace tp::view
