// salesmetrics/core/problems.hpp: reports of bad input, as values.
//
// Recoverable input problems never throw from validate() or a lenient load: each one becomes a
// `problem` naming the table, the 0-based data row (and the 1-based file line when the row came
// from a file), the column and the reason. Nothing is fixed or dropped silently.
#pragma once
#include <salesmetrics/core/config.hpp>

#include <cstdint>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE

struct problem {
  std::string table;    // "activities", "opportunities", "stage_history", "leads", or a file name
  std::int64_t row = -1;   // 0-based data row; -1 when the problem concerns the whole table
  std::string column;   // column name; empty when it concerns the whole row
  std::string reason;
  std::int64_t line = -1;  // 1-based physical line in the source file, when known

  [[nodiscard]] std::string to_string() const {
    std::string s = table;
    if (line >= 0) s += " line " + std::to_string(line);
    if (row >= 0) {
      s.append(line >= 0 ? " (row " : " row ").append(std::to_string(row));
      if (line >= 0) s += ')';
    }
    if (!column.empty()) s += ", column '" + column + "'";
    s += ": " + reason;
    return s;
  }
  friend bool operator==(const problem&, const problem&) = default;
};

inline std::ostream& operator<<(std::ostream& os, const problem& p) { return os << p.to_string(); }

/// Every problem found by a validation or a load.
struct problem_report {
  std::vector<problem> problems;

  [[nodiscard]] bool ok() const noexcept { return problems.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return problems.size(); }
  void add(problem p) { problems.push_back(std::move(p)); }
  void append(const problem_report& o) { problems.insert(problems.end(), o.problems.begin(), o.problems.end()); }
  [[nodiscard]] std::string to_string() const {
    std::string s;
    for (const auto& p : problems) s += p.to_string() + "\n";
    return s;
  }
};

/// Thrown by strict loads and by APIs given unusable arguments; carries the problem.
class input_error : public std::runtime_error {
 public:
  explicit input_error(problem p) : std::runtime_error(p.to_string()), problem_(std::move(p)) {}
  [[nodiscard]] const problem& where() const noexcept { return problem_; }

 private:
  problem problem_;
};

SALESMETRICS_END_NAMESPACE
