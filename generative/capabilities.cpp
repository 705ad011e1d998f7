#include "generative/capabilities.h"

#include "core/error.h"
#include "generative/model.h"

namespace tp::gen {

SampleScorer& require_scorer(GenerativeModel& classifier, const DataShape& images, const std::string& what) {
  SampleScorer* scorer = classifier.sample_scorer();
  TP_CHECK_AS(UsageError, scorer, what, " is a '", classifier.algorithm(), "' model, not a classifier");
  const auto& cs = classifier.shape();
  TP_CHECK_AS(UsageError, cs.channels == images.channels && cs.height == images.height && cs.width == images.width,
              what, " was trained on images of another shape");
  return *scorer;
}

}  // namespace tp::gen
