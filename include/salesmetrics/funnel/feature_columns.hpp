// salesmetrics/funnel/feature_columns.hpp: model inputs of the deal scorers, as columns.
//
// A categorical column holds one dense value id per deal, 0..cardinality-1, or a negative id
// (no_id) for a missing value. A numeric column holds one double per deal, NaN = missing.
// Labels are one byte per deal: 1 = won, 0 = lost (closed deals only).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/ids.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

SALESMETRICS_BEGIN_NAMESPACE
namespace funnel {

struct categorical_column {
  std::span<const dense_id> values;
  std::size_t cardinality = 0;
};

struct numeric_column {
  std::span<const double> values;
};

namespace detail {
[[noreturn]] inline void bad_feature(const char* who, const std::string& what) { throw std::invalid_argument(std::string(who) + ": " + what); }

inline void check_rows(const char* who, const char* what, std::size_t got, std::size_t n) {
  if (got != n)
    bad_feature(who, std::string(what) + " has " + std::to_string(got) + " rows, expected " + std::to_string(n));
}

inline void check_labels(const char* who, std::span<const std::uint8_t> won) {
  for (std::size_t i = 0; i < won.size(); ++i)
    if (won[i] > 1) bad_feature(who, std::string("label of row ") + std::to_string(i) + " is " + std::to_string(won[i]) + "; labels are 1 = won, 0 = lost");
}

[[noreturn]] inline void bad_value(const char* who, std::size_t field, std::size_t row, dense_id v, std::size_t card) {
  bad_feature(who, std::string("categorical field ") + std::to_string(field) + ", row " + std::to_string(row) + ": value " + std::to_string(v) +
                       std::string(" is not below its cardinality ") + std::to_string(card));
}
}  // namespace detail

}  // namespace funnel
SALESMETRICS_END_NAMESPACE
