// salesmetrics/table/stages.hpp: the list of pipeline stages an opportunity moves through.
//
// A stage is a stage_index into a stage list; no_stage (-1) marks a stage history creation row.
// The list ends with the two absorbing stages, won then lost (SCHEMA.md), so for n names the
// open stages are 0..n-3, won is n-2 and lost is n-1. Lists come from data at run time
// (stage_list) or are fixed at compile time (fixed_stage_list<"Prospecting", ..., "Won", "Lost">).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/enums.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE

using stage_index = std::int8_t;
inline constexpr stage_index no_stage = -1;

class stage_list {
 public:
  stage_list() = default;

  /// `open_stages` in pipeline order, then the won and lost stage names.
  stage_list(std::vector<std::string> open_stages, std::string won_name = "Won", std::string lost_name = "Lost")
      : names_(std::move(open_stages)) {
    names_.push_back(std::move(won_name));
    names_.push_back(std::move(lost_name));
    if (names_.size() > 127) throw std::invalid_argument("stage_list: at most 125 open stages");
    for (std::size_t i = 0; i < names_.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (detail::fold_code(names_[i]) == detail::fold_code(names_[j]))
          throw std::invalid_argument("stage_list: duplicate stage name '" + names_[i] + "'");
  }

  [[nodiscard]] std::size_t size() const noexcept { return names_.size(); }
  [[nodiscard]] std::size_t open_count() const noexcept { return names_.empty() ? 0 : names_.size() - 2; }
  [[nodiscard]] stage_index won() const noexcept { return static_cast<stage_index>(names_.size() - 2); }
  [[nodiscard]] stage_index lost() const noexcept { return static_cast<stage_index>(names_.size() - 1); }
  [[nodiscard]] bool is_open(stage_index s) const noexcept { return s >= 0 && static_cast<std::size_t>(s) < open_count(); }
  [[nodiscard]] bool is_closed(stage_index s) const noexcept { return s == won() || s == lost(); }
  [[nodiscard]] bool contains(stage_index s) const noexcept { return s >= 0 && static_cast<std::size_t>(s) < names_.size(); }
  [[nodiscard]] const std::string& name(stage_index s) const { return names_.at(static_cast<std::size_t>(s)); }
  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }

  /// Index of a stage name, ignoring case, spaces, '_' and '-'; "Closed Won"/"Closed Lost" find won/lost.
  [[nodiscard]] std::optional<stage_index> find(std::string_view name) const {
    const std::string f = detail::fold_code(name);
    for (std::size_t i = 0; i < names_.size(); ++i)
      if (detail::fold_code(names_[i]) == f) return static_cast<stage_index>(i);
    if (!names_.empty() && (f == "closedwon" || f == "won")) return won();
    if (!names_.empty() && (f == "closedlost" || f == "lost")) return lost();
    return std::nullopt;
  }

  /// The terminal stage matching a closed status (won -> won(), lost -> lost()), no_stage for open.
  [[nodiscard]] stage_index terminal(deal_status s) const noexcept {
    return s == deal_status::won ? won() : s == deal_status::lost ? lost() : no_stage;
  }

  friend bool operator==(const stage_list&, const stage_list&) = default;

 private:
  std::vector<std::string> names_;
};

/// A string usable as a template argument (fixed_stage_list<"Prospecting", "Won", "Lost">).
template <std::size_t N>
struct fixed_string {
  char chars[N]{};
  constexpr fixed_string(const char (&s)[N]) { std::copy_n(s, N, chars); }  // NOLINT: implicit by design
  [[nodiscard]] constexpr std::string_view view() const { return {chars, N - 1}; }
};

/// A stage list fixed at compile time; the last two names are won and lost.
template <fixed_string... Names>
struct fixed_stage_list {
  static_assert(sizeof...(Names) >= 3, "fixed_stage_list: give at least one open stage, then the won and lost stages");
  static constexpr std::array<std::string_view, sizeof...(Names)> names{Names.view()...};
  static constexpr std::size_t size = sizeof...(Names);
  static constexpr stage_index won = static_cast<stage_index>(size - 2);
  static constexpr stage_index lost = static_cast<stage_index>(size - 1);

  /// Index of a stage by exact name, usable in constant expressions: fixed_stage_list<...>::index("Engaging").
  static consteval stage_index index(std::string_view name) {
    for (std::size_t i = 0; i < size; ++i)
      if (names[i] == name) return static_cast<stage_index>(i);
    throw "fixed_stage_list::index: no stage of that name";  // not a constant expression: compile error
  }

  [[nodiscard]] static stage_list runtime() {
    std::vector<std::string> open(names.begin(), names.end() - 2);
    return stage_list(std::move(open), std::string(names[size - 2]), std::string(names[size - 1]));
  }
};

/// The five open stages of SCHEMA.md and the benchmark format (0..4, won 5, lost 6).
using schema_stages = fixed_stage_list<"prospecting", "qualification", "proposal", "negotiation", "closing", "won", "lost">;
/// Maven CRM's pipeline: Prospecting > Engaging > Won / Lost.
using maven_stages = fixed_stage_list<"Prospecting", "Engaging", "Won", "Lost">;

SALESMETRICS_END_NAMESPACE
