// `torchplay plot RUN_DIR... --out curves.png`: learning curves from the runs' metrics.csv
// (apps/plot/run_curves.h): seeds of one config as a mean with a min-max band.
#include <cstdio>

#include "apps/commands.h"
#include "apps/plot/run_curves.h"
#include "core/error.h"
#include "core/options.h"
#include "core/text.h"

namespace tp::app {

int cmd_plot(const Args& given) {
  plot::CurveOptions o;
  std::string out;
  int width = 900, height = 540;
  bool quiet = false;
  // The run directories are the words before the first option.
  Args runs, args;
  for (const std::string& a : given) (args.empty() && a.rfind("--", 0) != 0 ? runs : args).push_back(a);
  OptionSet set(
      "torchplay plot RUN_DIR... --out FILE.png [options]\n"
      "Learning curves from each run's metrics.csv: runs whose config.ini differ only in the seed are\n"
      "drawn as their mean with a min-max band; other configs as separate curves, labelled by what differs.");
  set.add("out", &out, "the PNG file to write")
      .add("x", &o.x, "the x column (default: the first: step, iteration or epoch)")
      .add("y", &o.y,
           "the y column (default: the run's headline: eval_return_mean, episode_return, vs_<baseline>, "
           "test_neg_elbo, ...)")
      .add("smooth", &o.smooth, "trailing mean over this many rows (0: about a fiftieth of the rows)")
      .add("each", &o.each, "one curve per run instead of grouping seeds")
      .add("title", &o.title, "a title above the chart")
      .add("width", &width, "picture width in pixels")
      .add("height", &height, "picture height in pixels")
      .add("quiet", &quiet, "no summary line");
  if (!set.parse(args)) return 0;
  TP_CHECK_AS(UsageError, !runs.empty(), "name at least one run directory before the options (torchplay plot --help)");
  TP_CHECK_AS(UsageError, !out.empty(), "--out is required");
  TP_CHECK_AS(UsageError, width >= 200 && width <= 8000 && height >= 150 && height <= 8000,
              "--width must be in 200..8000 and --height in 150..8000");
  TP_CHECK_AS(UsageError, o.smooth >= 0, "--smooth must be >= 0");
  plot::LineChart chart = plot::learning_curves(runs, o);
  chart.width = width;
  chart.height = height;
  plot::write_line_chart_png(chart, out);
  if (!quiet)
    std::printf("wrote %s: %s against %s, %zu curve%s from %zu run%s\n", out.c_str(), chart.y_label.c_str(),
                chart.x_label.c_str(), chart.series.size(), chart.series.size() == 1 ? "" : "s", runs.size(),
                runs.size() == 1 ? "" : "s");
  return 0;
}

}  // namespace tp::app
