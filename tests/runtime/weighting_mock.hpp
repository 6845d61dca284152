// Test helper for tests/runtime/weighting_*.cpp: a result table built by hand, standing in for the
// metric engine's result_table (by tag via Tag::name, and by name).
#pragma once
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace weighting_test {

struct revenue { static constexpr std::string_view name = "revenue"; };
struct new_leads { static constexpr std::string_view name = "new_leads"; };
struct conversion { static constexpr std::string_view name = "conversion"; };
struct avg_deal { static constexpr std::string_view name = "avg_deal"; };
struct calls { static constexpr std::string_view name = "calls"; };
struct meetings { static constexpr std::string_view name = "meetings"; };
struct nps { static constexpr std::string_view name = "nps"; };
struct cycle_days { static constexpr std::string_view name = "cycle_days"; };
struct deals_won { static constexpr std::string_view name = "deals_won"; };

class mock_result {
 public:
  std::vector<std::string> labels;
  std::map<std::string, std::vector<double>, std::less<>> columns;

  [[nodiscard]] std::size_t rows() const noexcept { return labels.size(); }
  [[nodiscard]] const std::string& key_label(std::size_t row) const { return labels.at(row); }
  template <class Tag>
  [[nodiscard]] std::span<const double> column() const {
    return column(Tag::name);
  }
  [[nodiscard]] std::span<const double> column(std::string_view name) const {
    const auto it = columns.find(name);
    if (it == columns.end()) throw std::out_of_range("mock_result: no column '" + std::string(name) + "'");
    return it->second;
  }
  [[nodiscard]] bool has_column(std::string_view name) const { return columns.find(name) != columns.end(); }
};

}  // namespace weighting_test
