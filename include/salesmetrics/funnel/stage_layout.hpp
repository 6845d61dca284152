// salesmetrics/funnel/stage_layout.hpp: the stage list as the funnel models see it.
//
// A stage list has S stages, indexed 0..S-1 as in the stage_history and opportunity columns.
// Exactly two of them are absorbing: `won` and `lost` (distinct indices). The others are the
// transient stages; their funnel order is their index order, and their *transient position* is
// their rank among the transient stages (stage list {prospect, qualify, won, propose, lost}
// has transient positions prospect=0, qualify=1, propose=2). Every Eigen matrix or vector in
// funnel/ indexed "by transient stage" uses transient positions; everything indexed "by stage"
// uses the stage index.
// A stage_layout converts implicitly from the data set's stage_list (table/stages.hpp: open
// stages, then won, then lost) and from a compile-time fixed_stage_list<...> (checked at compile
// time), so every funnel function taking a stage_layout also takes those.
// Limits: 3 <= S <= 64 (at least one transient stage; funnel passes keep one 64-bit mask of the
// stages an opportunity reached, and stage codes are int8 in the history columns).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/table/stages.hpp>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace funnel {

inline constexpr std::size_t max_stages = 64;

class stage_layout {
 public:
  /// Throws std::invalid_argument when S is outside 3..64, won/lost are out of range or equal.
  stage_layout(std::vector<std::string> names, int won, int lost) : names_(std::move(names)), won_(won), lost_(lost) {
    const auto s = static_cast<int>(names_.size());
    if (names_.size() < 3 || names_.size() > max_stages)
      throw std::invalid_argument("funnel::stage_layout: need 3..64 stages (at least one open stage plus won and lost), got " +
                                  std::to_string(names_.size()));
    if (won < 0 || won >= s) throw std::invalid_argument(std::string("funnel::stage_layout: won index ") + std::to_string(won) + " is outside 0.." + std::to_string(s - 1));
    if (lost < 0 || lost >= s) throw std::invalid_argument(std::string("funnel::stage_layout: lost index ") + std::to_string(lost) + " is outside 0.." + std::to_string(s - 1));
    if (won == lost) throw std::invalid_argument(std::string("funnel::stage_layout: won and lost must be different stages (both are ") + std::to_string(won) + ")");
    position_.assign(names_.size(), -1);
    for (int k = 0; k < s; ++k)
      if (k != won && k != lost) {
        position_[static_cast<std::size_t>(k)] = static_cast<int>(transient_.size());
        transient_.push_back(k);
      }
  }

  /// From the data set's stage list (won = size-2, lost = size-1). Throws as above.
  stage_layout(const stage_list& list)  // NOLINT: implicit by design
      : stage_layout(list.names(), static_cast<int>(list.size()) - 2, static_cast<int>(list.size()) - 1) {}

  /// From a compile-time stage list; its size is checked at compile time.
  template <fixed_string... Names>
  stage_layout(fixed_stage_list<Names...> list)  // NOLINT: implicit by design
      : stage_layout(list.runtime()) {
    static_assert(sizeof...(Names) <= max_stages,
                  "funnel::stage_layout(fixed_stage_list<...>): the funnel models support at most 64 stages (open + won + lost); "
                  "merge stages or split the pipeline");
  }

  /// Names "0".."S-3" for the open stages followed by "won", "lost" (stage indices S-2, S-1).
  [[nodiscard]] static stage_layout numbered(std::size_t open_stages) {
    std::vector<std::string> n;
    for (std::size_t i = 0; i < open_stages; ++i) n.push_back(std::to_string(i));
    n.emplace_back("won");
    n.emplace_back("lost");
    return stage_layout(std::move(n), static_cast<int>(open_stages), static_cast<int>(open_stages) + 1);
  }

  [[nodiscard]] std::size_t size() const noexcept { return names_.size(); }
  [[nodiscard]] int won() const noexcept { return won_; }
  [[nodiscard]] int lost() const noexcept { return lost_; }
  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }
  [[nodiscard]] const std::string& name(int stage) const { return names_.at(static_cast<std::size_t>(stage)); }
  [[nodiscard]] bool is_absorbing(int stage) const noexcept { return stage == won_ || stage == lost_; }
  /// Number of transient (open) stages, S - 2.
  [[nodiscard]] std::size_t transient_count() const noexcept { return transient_.size(); }
  /// Stage index of each transient position, ascending.
  [[nodiscard]] const std::vector<int>& transient_stages() const noexcept { return transient_; }
  /// Transient position of a stage index; -1 for won, lost and out-of-range indices.
  [[nodiscard]] int position(int stage) const noexcept {
    return stage >= 0 && static_cast<std::size_t>(stage) < position_.size() ? position_[static_cast<std::size_t>(stage)] : -1;
  }

 private:
  std::vector<std::string> names_;
  int won_;
  int lost_;
  std::vector<int> transient_;
  std::vector<int> position_;
};

}  // namespace funnel
SALESMETRICS_END_NAMESPACE
