#include "apps/plot/run_curves.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

#include "core/error.h"
#include "core/metrics.h"
#include "core/options.h"
#include "core/text.h"

namespace tp::plot {

namespace fs = std::filesystem;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The column a run kind is judged by, in order of preference.
const char* const kHeadlineColumns[] = {"eval_return_mean", "episode_return", "vs_mcts:1000", "vs_minimax",
                                        "vs_random",        "test_neg_elbo",  "fid",          "modes",
                                        "test_accuracy",    "loss_total",     "loss"};

struct Run {
  std::string dir, name;
  std::map<std::string, std::string> config;  // without seed and run-dir
  std::vector<double> x, y;                   // finite y only, smoothed
};

Run read_run(const std::string& arg, const CurveOptions& o, std::string& x_column, std::string& y_column) {
  Run run;
  const fs::path given(arg);
  const fs::path csv = fs::is_directory(given) ? given / "metrics.csv" : given;
  run.dir = fs::is_directory(given) ? given.string() : given.parent_path().string();
  run.name = fs::path(run.dir).filename().string();
  if (run.name.empty()) run.name = run.dir;
  std::error_code ec;
  TP_CHECK_AS(UsageError, fs::is_regular_file(csv, ec), "'", printable(arg, 200),
              "' is neither a run directory with a metrics.csv nor a metrics.csv");
  const MetricsTable table = read_metrics_csv(csv.string());
  if (x_column.empty()) x_column = o.x.empty() ? table.columns.front() : o.x;
  if (y_column.empty()) {
    y_column = o.y;
    for (const char* c : kHeadlineColumns)
      if (y_column.empty() && std::find(table.columns.begin(), table.columns.end(), c) != table.columns.end())
        y_column = c;
    if (y_column.empty()) y_column = table.columns.size() > 1 ? table.columns[1] : table.columns[0];
  }
  const size_t xi = table.column(x_column, csv.string()), yi = table.column(y_column, csv.string());
  // Rows sharing an x (the episodes that ended within one PPO update) become their mean: a
  // curve, not a staircase.
  std::vector<double> xs, ys;
  std::vector<int> counts;
  for (const auto& row : table.rows) {
    if (!std::isfinite(row[xi]) || !std::isfinite(row[yi])) continue;
    if (!xs.empty() && xs.back() == row[xi]) {
      ys.back() += row[yi];
      ++counts.back();
      continue;
    }
    xs.push_back(row[xi]);
    ys.push_back(row[yi]);
    counts.push_back(1);
  }
  for (size_t i = 0; i < ys.size(); ++i) ys[i] /= counts[i];
  // A trailing mean: each point is the mean of the last `window` values (noisy per-episode
  // returns become a readable curve; sparse evaluation points are left as they are).
  const int window = o.smooth > 0 ? o.smooth : std::max<int>(1, static_cast<int>(ys.size() / 50));
  double sum = 0;
  for (size_t i = 0; i < ys.size(); ++i) {
    sum += ys[i];
    if (i >= static_cast<size_t>(window)) sum -= ys[i - window];
    run.x.push_back(xs[i]);
    run.y.push_back(sum / static_cast<double>(std::min<size_t>(i + 1, window)));
  }
  const fs::path ini = fs::path(run.dir) / "config.ini";
  if (fs::is_regular_file(ini, ec))
    for (const IniLine& line : read_ini(ini.string()))
      if (line.key != "seed" && line.key != "run-dir") run.config[line.key] = line.value;
  return run;
}

// The run's curve at `x` by linear interpolation (NaN outside its range).
double value_at(const Run& run, double x) {
  if (run.x.empty() || x < run.x.front() || x > run.x.back()) return kNaN;
  const auto it = std::lower_bound(run.x.begin(), run.x.end(), x);
  const size_t i = static_cast<size_t>(it - run.x.begin());
  if (run.x[i] == x || i == 0) return run.y[i];
  const double t = (x - run.x[i - 1]) / (run.x[i] - run.x[i - 1]);
  return run.y[i - 1] + t * (run.y[i] - run.y[i - 1]);
}

// More differing settings than this make a label no one reads: the runs' names say it better.
constexpr size_t kMaxLabelSettings = 3;

Series group_series(const std::vector<const Run*>& runs, const std::string& label) {
  Series s;
  s.label = label;
  if (runs.size() == 1) {
    s.x = runs[0]->x;
    s.y = runs[0]->y;
    return s;
  }
  // Where every run has values: from the latest start to the earliest end.
  double lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
  for (const Run* r : runs) {
    if (r->x.empty()) continue;
    lo = std::max(lo, r->x.front());
    hi = std::min(hi, r->x.back());
  }
  if (!(lo <= hi)) return s;
  const int points = 200;
  for (int i = 0; i < points; ++i) {
    const double x = lo == hi ? lo : lo + (hi - lo) * i / (points - 1);
    double sum = 0, mn = std::numeric_limits<double>::infinity(), mx = -mn;
    int n = 0;
    for (const Run* r : runs) {
      const double v = value_at(*r, x);
      if (!std::isfinite(v)) continue;
      sum += v;
      mn = std::min(mn, v);
      mx = std::max(mx, v);
      ++n;
    }
    s.x.push_back(x);
    s.y.push_back(n ? sum / n : kNaN);
    s.low.push_back(n ? mn : kNaN);
    s.high.push_back(n ? mx : kNaN);
  }
  return s;
}

std::string shared_name(const std::vector<const Run*>& group) {
  std::string name = group.front()->name;
  for (const Run* r : group) {
    size_t n = 0;
    while (n < name.size() && n < r->name.size() && name[n] == r->name[n]) ++n;
    name.resize(n);
  }
  while (!name.empty() && std::string("-_./ ").find(name.back()) != std::string::npos) name.pop_back();
  return name.empty() ? group.front()->name : name;
}

}  // namespace

std::string axis_title(const std::string& column) {
  static const std::map<std::string, std::string> titles = {
      {"step", "environment steps"},
      {"frame", "frames"},
      {"episode", "episodes"},
      {"iteration", "iterations"},
      {"epoch", "epochs"},
      {"wall_s", "wall-clock seconds"},
      {"seconds", "seconds per iteration"},
      {"episode_return", "episode return (undiscounted)"},
      {"eval_return_mean", "evaluation return (mean over episodes)"},
      {"loss", "loss"},
      {"loss_total", "loss (total)"},
      {"steps_per_s", "environment steps per second"},
      {"test_accuracy", "test accuracy (fraction)"},
      {"fid", "FID (lower is better)"},
  };
  const auto it = titles.find(column);
  if (it != titles.end()) return it->second;
  if (column.rfind("vs_", 0) == 0) return "score vs " + column.substr(3) + " (win 1, draw 0.5, loss 0)";
  std::string t = column;
  std::replace(t.begin(), t.end(), '_', ' ');
  return t;
}

LineChart learning_curves(const std::vector<std::string>& args, const CurveOptions& o) {
  TP_CHECK_AS(UsageError, !args.empty(), "name at least one run directory");
  std::string x_column, y_column;
  std::vector<Run> runs;
  for (const std::string& a : args) runs.push_back(read_run(a, o, x_column, y_column));

  // Groups: runs with the same config but the seed, in the order first named.
  std::vector<std::vector<const Run*>> groups;
  for (const Run& r : runs) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) {
      return !o.each && !r.config.empty() && g.front()->config == r.config;
    });
    if (it == groups.end())
      groups.push_back({&r});
    else
      it->push_back(&r);
  }
  // A group's label: the settings that tell it from the others (up to kMaxLabelSettings of
  // them), else what its runs' names share ("ppo-1", "ppo-2", "ppo-3" -> "ppo").
  LineChart chart;
  for (const auto& g : groups) {
    std::vector<std::string> differing;
    if (groups.size() > 1 && !o.each) {
      for (const auto& setting : g.front()->config) {  // not a structured binding: lambdas capture it
        const bool differs = std::any_of(groups.begin(), groups.end(), [&](const auto& other) {
          const auto found = other.front()->config.find(setting.first);
          return found == other.front()->config.end() || found->second != setting.second;
        });
        if (differs) differing.push_back(setting.first + "=" + setting.second);
      }
    }
    std::string label;
    if (!differing.empty() && differing.size() <= kMaxLabelSettings)
      for (const std::string& d : differing) label += (label.empty() ? "" : ", ") + d;
    else
      label = shared_name(g);
    if (g.size() > 1) label += " (mean of " + std::to_string(g.size()) + " seeds, min-max band)";
    chart.series.push_back(group_series(g, label));
  }
  chart.x_label = axis_title(x_column);
  chart.y_label = axis_title(y_column);
  chart.title = o.title;
  return chart;
}

}  // namespace tp::plot
