#pragma once
// Learning curves from run directories (RUN/metrics.csv): runs whose config.ini differ only
// in the seed form one curve, the mean of their runs with a min-max band; different configs
// are different curves, labelled by what differs.
#include <string>
#include <vector>

#include "apps/plot/line_chart.h"

namespace tp::plot {

struct CurveOptions {
  std::string x;      // column; empty: the first (step, iteration, epoch)
  std::string y;      // column; empty: the headline column of the run kind (see .cpp)
  int smooth = 0;     // trailing mean over this many rows; 0: about a fiftieth of the rows
  bool each = false;  // one curve per run, no grouping
  std::string title;
};

// A UsageError for a directory without metrics.csv or a column that is not there (with the
// columns it has); a tp::Error for a malformed metrics.csv.
LineChart learning_curves(const std::vector<std::string>& runs, const CurveOptions& options);

// "step" -> "environment steps", "episode_return" -> "episode return", ...: axis titles.
std::string axis_title(const std::string& column);

}  // namespace tp::plot
