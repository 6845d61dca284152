// salesmetrics/table/validate.hpp: every problem of a data set, reported and never fixed.
//
// validate(view) walks a table (or the whole crm_view) and returns a problem_report with one
// `problem` per defect, naming the table, the 0-based row (-1 for a whole column or table),
// the column and the reason. It never stops at the first problem and never changes the data.
// Definitions (n = the table's row count, the length of its first required column):
//   usable column   a required column with n values, or an optional column with n values;
//                   a column of any other length is reported once (check_lengths) and its
//                   values are not checked row by row.
//   enum codes      a byte >= enum_count<E> is "unknown <enum> code k (valid codes are 0..m)".
//   ids             -1 (no_id) is "none"; none in a required id column is a problem, any
//                   other negative value is invalid. When a crm_view carries a NON-EMPTY
//                   dictionary for the column's id space (dictionary_for_column), an id >= its
//                   size is "outside the <space> dictionary". An empty dictionary means the
//                   ids are the user's own integers and are not range-checked.
//   duplicates      opportunities.opportunity_id, leads.lead_id and activities.activity_id
//                   are unique; every repeat is reported with the row of the first occurrence.
//   references      (crm_view only) activities.opportunity_id, stage_history.opportunity_id
//                   and leads.opportunity_id must be ids of the opportunities table, and
//                   activities.lead_id ids of the leads table, when that table is loaded
//                   (non-empty). A table that is not loaded is not a problem.
//   amounts         a negative amount (opportunities, stage_history) is a problem; missing is not.
//   durations       a negative or infinite duration_min is a problem; NaN (unknown) is not.
//   probability     outside [0, 1] is a problem; NaN (unknown) is not.
//   timestamps      a missing value (no_time) in a required time column is a problem.
//   opportunities   won/lost need a closed_ts, open must not have one (when the column is
//                   present); closed_ts before created_ts; a closed stage (won/lost) in `stage`
//                   that contradicts `status` (open deals may not sit in a closed stage).
//   stages          stage indices must lie in the stage list (0..size-1); from_stage may be
//                   no_stage (the creation row). Without a stage list the indices cannot be
//                   checked: one table-level problem says so.
//   stage history   rows of one opportunity, in table order: ts non-decreasing; the first row is
//                   the only creation row (from_stage none); every other row chains (from_stage
//                   = the previous row's to_stage); no row leaves won/lost; at most one row
//                   enters won/lost. Rows of different opportunities may interleave (engines
//                   group by id). Against the opportunities table: every opportunity has
//                   history rows (when the history is loaded); a won/lost opportunity has a row
//                   into the matching closed stage at its closed_ts and its `stage` is that
//                   closed stage or the row's from_stage; an open opportunity has no row into
//                   won/lost and its history ends in its `stage`.
//   leads           converted_ts before created_ts; a converted lead needs converted_ts (when
//                   the column is present); a lead that is not converted must have neither
//                   converted_ts nor opportunity_id.
//   attributes      an attribute column has n values; a categorical code is -1 or a label index.
//   activity order  the engine does NOT require activities sorted by ts, so unsorted activities
//                   are not a problem by default; validate_options::require_sorted_activities
//                   reports every row whose ts is earlier than the previous row's. When it
//                   reports none, set activity_view::ts_sorted to spare later order checks.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/calendar.hpp>
#include <salesmetrics/core/enums.hpp>
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/core/money.hpp>
#include <salesmetrics/core/problems.hpp>
#include <salesmetrics/core/time.hpp>
#include <salesmetrics/table/column.hpp>
#include <salesmetrics/table/dataset.hpp>
#include <salesmetrics/table/stages.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE

struct validate_options {
  /// Report activities whose ts is earlier than the previous row's (off: the engine does not need it).
  bool require_sorted_activities = false;
};

/// The dictionary of the id space a column refers to ("rep_id" and "owner_rep_id" -> reps,
/// "source" -> sources, ...), or nullptr for a column that is not an id column.
template <class Dictionaries>
  requires std::is_same_v<std::remove_const_t<Dictionaries>, crm_dictionaries>
[[nodiscard]] constexpr auto dictionary_for_column(Dictionaries& d, std::string_view column) noexcept
    -> std::conditional_t<std::is_const_v<Dictionaries>, const dictionary*, dictionary*> {
  if (column == "rep_id" || column == "owner_rep_id") return &d.reps;
  if (column == "contact_id") return &d.contacts;
  if (column == "account_id") return &d.accounts;
  if (column == "opportunity_id") return &d.opportunities;
  if (column == "lead_id") return &d.leads;
  if (column == "thread_id") return &d.threads;
  if (column == "subject_id") return &d.subjects;
  if (column == "source") return &d.sources;
  if (column == "activity_id") return &d.activities;
  return nullptr;
}

/// Name of the id space of an id column, as used in messages ("reps", "sources" ...).
[[nodiscard]] constexpr std::string_view id_space_of_column(std::string_view column) noexcept {
  if (column == "rep_id" || column == "owner_rep_id") return "reps";
  if (column == "contact_id") return "contacts";
  if (column == "account_id") return "accounts";
  if (column == "opportunity_id") return "opportunities";
  if (column == "lead_id") return "leads";
  if (column == "thread_id") return "threads";
  if (column == "subject_id") return "subjects";
  if (column == "source") return "sources";
  if (column == "activity_id") return "activities";
  return {};
}

namespace detail::validation {

template <class E> inline constexpr std::string_view enum_name = "enum";
template <> inline constexpr std::string_view enum_name<activity_type> = "activity_type";
template <> inline constexpr std::string_view enum_name<direction> = "direction";
template <> inline constexpr std::string_view enum_name<activity_status> = "activity_status";
template <> inline constexpr std::string_view enum_name<deal_status> = "deal_status";
template <> inline constexpr std::string_view enum_name<forecast_category> = "forecast_category";
template <> inline constexpr std::string_view enum_name<lead_status> = "lead_status";

/// "2024-03-01T09:30:00Z"; "none" for no_time.
inline std::string format_timestamp(timestamp t) {
  if (is_missing(t)) return "none";
  const std::int64_t s = to_unix(t);
  const std::int64_t day = unix_day(t);
  const std::int64_t sod = s - day * seconds_per_day;
  const civil_date c = civil_from_days(day);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", c.year, c.month, c.day, static_cast<int>(sod / 3600),
                static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60));
  return buf;
}

/// Shortest round-trip text of a float or double ("-5", "1.5", "inf").
template <class F>
std::string format_number(F x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

/// `kind id` with the user's id when a dictionary knows it: opportunity 5 ("opp-000005").
inline std::string describe_id(std::string_view kind, dense_id id, const dictionary* dict) {
  std::string s = std::string(kind) + " " + std::to_string(id);
  if (dict != nullptr && id >= 0 && static_cast<std::size_t>(id) < dict->size()) s += " (\"" + dict->name(id) + "\")";
  return s;
}

/// `2 ('proposal')`, or just `2` when there is no list or the index is outside it.
inline std::string describe_stage(stage_index s, const stage_list* stages) {
  if (s == no_stage) return "none";
  std::string out = std::to_string(static_cast<int>(s));
  if (stages != nullptr && stages->contains(s)) out += " ('" + stages->name(s) + "')";
  return out;
}

/// Map from id to the row of its first occurrence. Dense ids use an array; sparse ones a
/// sorted vector. Building it lists every repeated id with the row of its first occurrence.
class id_index {
 public:
  struct duplicate {
    std::size_t row;
    std::size_t first_row;
  };

  id_index() = default;
  explicit id_index(std::span<const dense_id> ids) {
    loaded_ = !ids.empty();
    dense_id max_id = -1;
    for (dense_id id : ids) max_id = std::max(max_id, id);
    const std::size_t n = ids.size();
    if (max_id >= 0 && static_cast<std::size_t>(max_id) <= 4 * n + 1024) {
      dense_ = true;
      first_.assign(static_cast<std::size_t>(max_id) + 1, -1);
      for (std::size_t r = 0; r < n; ++r) {
        if (ids[r] < 0) continue;
        auto& f = first_[static_cast<std::size_t>(ids[r])];
        if (f < 0) f = static_cast<std::int64_t>(r);
        else duplicates_.push_back({r, static_cast<std::size_t>(f)});
      }
      return;
    }
    for (std::size_t r = 0; r < n; ++r)
      if (ids[r] >= 0) sorted_.emplace_back(ids[r], r);
    std::sort(sorted_.begin(), sorted_.end());
    std::vector<std::pair<dense_id, std::size_t>> unique;
    unique.reserve(sorted_.size());
    for (const auto& p : sorted_) {
      if (!unique.empty() && unique.back().first == p.first) duplicates_.push_back({p.second, unique.back().second});
      else unique.push_back(p);
    }
    sorted_ = std::move(unique);
    std::sort(duplicates_.begin(), duplicates_.end(), [](const duplicate& a, const duplicate& b) { return a.row < b.row; });
  }

  /// True when the indexed table had rows.
  [[nodiscard]] bool loaded() const noexcept { return loaded_; }
  /// Row of the first occurrence of `id`, or -1.
  [[nodiscard]] std::int64_t find(dense_id id) const noexcept {
    if (id < 0) return -1;
    if (dense_) return static_cast<std::size_t>(id) < first_.size() ? first_[static_cast<std::size_t>(id)] : -1;
    auto it = std::lower_bound(sorted_.begin(), sorted_.end(), std::pair<dense_id, std::size_t>{id, 0});
    return it != sorted_.end() && it->first == id ? static_cast<std::int64_t>(it->second) : -1;
  }
  [[nodiscard]] bool contains(dense_id id) const noexcept { return find(id) >= 0; }
  [[nodiscard]] const std::vector<duplicate>& duplicates() const noexcept { return duplicates_; }

 private:
  bool loaded_ = false;
  bool dense_ = false;
  std::vector<std::int64_t> first_;
  std::vector<std::pair<dense_id, std::size_t>> sorted_;
  std::vector<duplicate> duplicates_;
};

/// Everything validation may know beyond one table.
struct validate_context {
  const crm_dictionaries* dictionaries = nullptr;
  const stage_list* stages = nullptr;
  bool stages_required = false;            // true for a crm_view: a missing list is reported
  const id_index* opportunities = nullptr;  // ids of the opportunities table (crm_view only)
  const id_index* leads = nullptr;          // ids of the leads table (crm_view only)
  validate_options options{};
};

/// Adds problems for one table.
class table_checker {
 public:
  table_checker(problem_report& report, std::string_view table, std::size_t rows)
      : report_(report), table_(table), rows_(rows) {}

  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
  template <class T>
  [[nodiscard]] bool usable(std::span<const T> col) const noexcept { return rows_ > 0 && col.size() == rows_; }

  void add(std::size_t row, std::string_view column, std::string reason) {
    report_.add({std::string(table_), static_cast<std::int64_t>(row), std::string(column), std::move(reason)});
  }
  void add_table(std::string_view column, std::string reason) {
    report_.add({std::string(table_), -1, std::string(column), std::move(reason)});
  }

  template <class E>
  void enums(std::span<const E> col, std::string_view column) {
    if (!usable(col)) return;
    for (std::size_t r = 0; r < rows_; ++r) {
      const auto code = static_cast<unsigned>(static_cast<std::underlying_type_t<E>>(col[r]));
      if (code >= enum_count<E>)
        add(r, column, "unknown " + std::string(enum_name<E>) + " code " + std::to_string(code) + " (valid codes are 0.." +
                           std::to_string(enum_count<E> - 1) + ")");
    }
  }

  void required_times(std::span<const timestamp> col, std::string_view column) {
    if (!usable(col)) return;
    for (std::size_t r = 0; r < rows_; ++r)
      if (is_missing(col[r])) add(r, column, "missing timestamp in a required column");
  }

  /// Missing/invalid ids and the dictionary range of the column's id space.
  void ids(std::span<const dense_id> col, std::string_view column, bool required, const crm_dictionaries* dicts) {
    if (!usable(col)) return;
    const dictionary* dict = dicts != nullptr ? dictionary_for_column(*dicts, column) : nullptr;
    if (dict != nullptr && dict->empty()) dict = nullptr;
    for (std::size_t r = 0; r < rows_; ++r) {
      const dense_id id = col[r];
      if (id == no_id) {
        if (required) add(r, column, "missing id in a required column");
      } else if (id < 0) {
        add(r, column, "invalid id " + std::to_string(id) + " (ids are >= 0; -1 means none)");
      } else if (dict != nullptr && static_cast<std::size_t>(id) >= dict->size()) {
        add(r, column, "id " + std::to_string(id) + " is outside the " + std::string(id_space_of_column(column)) +
                           " dictionary (" + std::to_string(dict->size()) + " entries)");
      }
    }
  }

  void duplicates(const id_index& index, std::span<const dense_id> col, std::string_view column) {
    for (const auto& d : index.duplicates())
      add(d.row, column, "duplicate id " + std::to_string(col[d.row]) + " (first seen at row " + std::to_string(d.first_row) + ")");
  }

  /// References to another table's ids (skipped when that table is not loaded).
  void references(std::span<const dense_id> col, std::string_view column, const id_index* target, std::string_view kind,
                  std::string_view target_table, const crm_dictionaries* dicts) {
    if (!usable(col) || target == nullptr || !target->loaded()) return;
    const dictionary* dict = dicts != nullptr ? dictionary_for_column(*dicts, column) : nullptr;
    for (std::size_t r = 0; r < rows_; ++r)
      if (col[r] >= 0 && !target->contains(col[r]))
        add(r, column, describe_id(kind, col[r], dict) + " is not in the " + std::string(target_table) + " table");
  }

  void stages(std::span<const stage_index> col, std::string_view column, const stage_list* list, bool none_allowed) {
    if (!usable(col)) return;
    for (std::size_t r = 0; r < rows_; ++r) {
      const stage_index s = col[r];
      if (s == no_stage) {
        if (!none_allowed) add(r, column, "missing stage in a required column");
      } else if (list != nullptr && !list->contains(s)) {
        add(r, column, "stage " + std::to_string(static_cast<int>(s)) + " is outside the stage list (valid 0.." +
                           std::to_string(static_cast<int>(list->size()) - 1) + ")");
      } else if (list == nullptr && s < 0) {
        add(r, column, "stage " + std::to_string(static_cast<int>(s)) + " is negative (stages are >= 0; -1 means none)");
      }
    }
  }

  void amounts(std::span<const money> col, std::string_view column) {
    if (!usable(col)) return;
    for (std::size_t r = 0; r < rows_; ++r)
      if (!col[r].is_missing() && col[r].cents < 0) add(r, column, "negative amount " + to_string(col[r]));
  }

  void attributes(std::span<const attribute_view> attrs) {
    for (const attribute_view& a : attrs) {
      const std::string name(a.name);
      if (a.size() != rows_) {
        add_table(name, "attribute column has " + std::to_string(a.size()) + " values, the table has " +
                            std::to_string(rows_) + " rows");
        continue;
      }
      if (!a.categorical()) continue;
      for (std::size_t r = 0; r < rows_; ++r) {
        const dense_id c = a.codes[r];
        if (c < -1 || (c >= 0 && static_cast<std::size_t>(c) >= a.labels->size()))
          add(r, name, "code " + std::to_string(c) + " is outside the '" + name + "' labels (" +
                           std::to_string(a.labels->size()) + " entries)");
      }
    }
  }

 private:
  problem_report& report_;
  std::string_view table_;
  std::size_t rows_;
};

inline void check_stage_list_present(table_checker& c, const validate_context& ctx) {
  if (ctx.stages_required && ctx.stages == nullptr && c.rows() > 0)
    c.add_table("", "no stage list attached to the data set: stage indices cannot be checked");
}

inline problem_report validate_activities(const activity_view& a, const validate_context& ctx) {
  problem_report report = check_lengths(a);
  table_checker c(report, activity_view::table_name, row_count(a));
  const crm_dictionaries* d = ctx.dictionaries;
  c.required_times(a.ts, "ts");
  c.enums(a.type, "type");
  c.enums(a.direction, "direction");
  c.ids(a.rep_id, "rep_id", true, d);
  c.ids(a.activity_id, "activity_id", false, d);
  c.ids(a.contact_id, "contact_id", false, d);
  c.ids(a.account_id, "account_id", false, d);
  c.ids(a.opportunity_id, "opportunity_id", false, d);
  c.ids(a.lead_id, "lead_id", false, d);
  if (c.usable(a.duration_min))
    for (std::size_t r = 0; r < c.rows(); ++r) {
      const float m = a.duration_min[r];
      if (m < 0.f) c.add(r, "duration_min", "negative duration " + format_number(m) + " minutes");
      else if (std::isinf(m)) c.add(r, "duration_min", "duration " + format_number(m) + " is not finite");
    }
  c.ids(a.thread_id, "thread_id", false, d);
  c.ids(a.subject_id, "subject_id", false, d);
  c.enums(a.status, "status");
  if (c.usable(a.activity_id)) c.duplicates(id_index(a.activity_id), a.activity_id, "activity_id");
  c.references(a.opportunity_id, "opportunity_id", ctx.opportunities, "opportunity", "opportunities", d);
  c.references(a.lead_id, "lead_id", ctx.leads, "lead", "leads", d);
  if (ctx.options.require_sorted_activities && c.usable(a.ts))
    for (std::size_t r = 1; r < c.rows(); ++r)
      if (a.ts[r] < a.ts[r - 1])
        c.add(r, "ts", "ts " + format_timestamp(a.ts[r]) + " is earlier than the previous row's " +
                           format_timestamp(a.ts[r - 1]) + " (activities are not sorted by ts)");
  return report;
}

inline problem_report validate_opportunities(const opportunity_view& o, const validate_context& ctx, const id_index& ids) {
  problem_report report = check_lengths(o);
  table_checker c(report, opportunity_view::table_name, row_count(o));
  const crm_dictionaries* d = ctx.dictionaries;
  const stage_list* sl = ctx.stages;
  check_stage_list_present(c, ctx);
  c.ids(o.opportunity_id, "opportunity_id", true, d);
  c.required_times(o.created_ts, "created_ts");
  c.stages(o.stage, "stage", sl, false);
  c.enums(o.status, "status");
  if (sl != nullptr && c.usable(o.stage) && c.usable(o.status))
    for (std::size_t r = 0; r < c.rows(); ++r) {
      const stage_index s = o.stage[r];
      const deal_status st = o.status[r];
      if (!sl->is_closed(s) || index_of(st) >= enum_count<deal_status>) continue;
      if (s != sl->terminal(st))
        c.add(r, "stage", "stage " + describe_stage(s, sl) + " contradicts status '" + std::string(to_string(st)) + "'");
    }
  c.ids(o.account_id, "account_id", false, d);
  c.ids(o.owner_rep_id, "owner_rep_id", false, d);
  if (c.usable(o.closed_ts)) {
    for (std::size_t r = 0; r < c.rows(); ++r) {
      const timestamp closed = o.closed_ts[r];
      if (c.usable(o.status) && index_of(o.status[r]) < enum_count<deal_status>) {
        const deal_status st = o.status[r];
        if (st != deal_status::open && is_missing(closed))
          c.add(r, "closed_ts", "closed_ts missing on a " + std::string(to_string(st)) + " deal");
        else if (st == deal_status::open && !is_missing(closed))
          c.add(r, "closed_ts", "closed_ts " + format_timestamp(closed) + " set on an open deal");
      }
      if (c.usable(o.created_ts) && !is_missing(closed) && !is_missing(o.created_ts[r]) && closed < o.created_ts[r])
        c.add(r, "closed_ts", "closed_ts " + format_timestamp(closed) + " is before created_ts " + format_timestamp(o.created_ts[r]));
    }
  }
  c.amounts(o.amount, "amount");
  if (c.usable(o.probability))
    for (std::size_t r = 0; r < c.rows(); ++r) {
      const float p = o.probability[r];
      if (p < 0.f || p > 1.f) c.add(r, "probability", "probability " + format_number(p) + " is outside 0..1");
    }
  c.enums(o.forecast_category, "forecast_category");
  c.ids(o.source, "source", false, d);
  c.attributes(o.attributes);
  if (c.usable(o.opportunity_id)) c.duplicates(ids, o.opportunity_id, "opportunity_id");
  return report;
}

/// Per-opportunity summary of the stage history, built while checking the history itself.
struct history_group {
  dense_id id;
  std::size_t last_row;
  std::int64_t terminal_row;  // first row into won/lost, -1 if none
};

inline problem_report validate_stage_history(const stage_history_view& h, const validate_context& ctx,
                                             std::vector<history_group>* groups_out = nullptr) {
  problem_report report = check_lengths(h);
  table_checker c(report, stage_history_view::table_name, row_count(h));
  const crm_dictionaries* d = ctx.dictionaries;
  const stage_list* sl = ctx.stages;
  check_stage_list_present(c, ctx);
  c.ids(h.opportunity_id, "opportunity_id", true, d);
  c.required_times(h.ts, "ts");
  c.stages(h.from_stage, "from_stage", sl, true);
  c.stages(h.to_stage, "to_stage", sl, false);
  c.amounts(h.amount, "amount");
  c.references(h.opportunity_id, "opportunity_id", ctx.opportunities, "opportunity", "opportunities", d);
  if (!c.usable(h.opportunity_id)) return report;

  const dictionary* opp_dict = d != nullptr && !d->opportunities.empty() ? &d->opportunities : nullptr;
  const bool ts_ok = c.usable(h.ts), from_ok = c.usable(h.from_stage), to_ok = c.usable(h.to_stage);
  std::vector<std::size_t> order;
  order.reserve(c.rows());
  for (std::size_t r = 0; r < c.rows(); ++r)
    if (h.opportunity_id[r] >= 0) order.push_back(r);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t x, std::size_t y) { return h.opportunity_id[x] < h.opportunity_id[y]; });

  for (std::size_t b = 0; b < order.size();) {
    std::size_t e = b;
    const dense_id id = h.opportunity_id[order[b]];
    while (e < order.size() && h.opportunity_id[order[e]] == id) ++e;
    const std::string who = describe_id("opportunity", id, opp_dict);
    std::int64_t prev = -1, creation = -1, terminal = -1;
    for (std::size_t k = b; k < e; ++k) {
      const std::size_t r = order[k];
      const auto p = static_cast<std::size_t>(prev);
      if (ts_ok && prev >= 0 && !is_missing(h.ts[r]) && !is_missing(h.ts[p]) && h.ts[r] < h.ts[p])
        c.add(r, "ts", "ts " + format_timestamp(h.ts[r]) + " is earlier than " + format_timestamp(h.ts[p]) +
                           " of the previous row of " + who + " (row " + std::to_string(p) + ")");
      if (from_ok) {
        const stage_index from = h.from_stage[r];
        if (from == no_stage) {
          if (creation >= 0)
            c.add(r, "from_stage", "second creation row of " + who + " (the first is row " + std::to_string(creation) + ")");
          else if (prev >= 0)
            c.add(r, "from_stage", "creation row of " + who + " comes after its row " + std::to_string(p) +
                                       " (the creation row must be the first)");
          if (creation < 0) creation = static_cast<std::int64_t>(r);
        } else {
          if (prev < 0)
            c.add(r, "from_stage", "the first row of " + who + " is not a creation row (from_stage is " +
                                       describe_stage(from, sl) + ", expected none)");
          else if (to_ok && from != h.to_stage[p])
            c.add(r, "from_stage", "from_stage " + describe_stage(from, sl) + " does not chain: the previous row of " + who +
                                       " (row " + std::to_string(p) + ") moved to " + describe_stage(h.to_stage[p], sl));
          if (sl != nullptr && sl->is_closed(from))
            c.add(r, "from_stage", "row of " + who + " leaves the closed stage " + describe_stage(from, sl));
        }
      }
      if (to_ok && sl != nullptr && sl->is_closed(h.to_stage[r])) {
        if (terminal >= 0)
          c.add(r, "to_stage", "second row into a closed stage for " + who + " (the first is row " + std::to_string(terminal) + ")");
        else
          terminal = static_cast<std::int64_t>(r);
      }
      prev = static_cast<std::int64_t>(r);
    }
    if (groups_out != nullptr) groups_out->push_back({id, static_cast<std::size_t>(prev), terminal});
    b = e;
  }
  return report;
}

/// Opportunities against their stage history (both tables loaded, stage list known).
inline void cross_check_history(const opportunity_view& o, const stage_history_view& h, const validate_context& ctx,
                                const std::vector<history_group>& groups, problem_report& opp_report,
                                problem_report& hist_report) {
  const stage_list* sl = ctx.stages;
  const std::size_t n = row_count(o);
  table_checker oc(opp_report, opportunity_view::table_name, n);
  table_checker hc(hist_report, stage_history_view::table_name, row_count(h));
  if (sl == nullptr || n == 0 || hc.rows() == 0) return;
  if (!oc.usable(o.opportunity_id) || !oc.usable(o.stage) || !oc.usable(o.status) || !hc.usable(h.opportunity_id) ||
      !hc.usable(h.from_stage) || !hc.usable(h.to_stage))
    return;
  const crm_dictionaries* d = ctx.dictionaries;
  const dictionary* opp_dict = d != nullptr && !d->opportunities.empty() ? &d->opportunities : nullptr;
  const bool closed_ok = oc.usable(o.closed_ts) && hc.usable(h.ts);
  const id_index* ids = ctx.opportunities;
  for (std::size_t r = 0; r < n; ++r) {
    const dense_id id = o.opportunity_id[r];
    if (id < 0 || (ids != nullptr && ids->find(id) != static_cast<std::int64_t>(r))) continue;  // first of duplicates only
    const std::string who = describe_id("opportunity", id, opp_dict);
    auto it = std::lower_bound(groups.begin(), groups.end(), id,
                               [](const history_group& g, dense_id v) { return g.id < v; });
    if (it == groups.end() || it->id != id) {
      oc.add(r, "opportunity_id", "no stage history rows for this opportunity");
      continue;
    }
    const deal_status st = o.status[r];
    if (index_of(st) >= enum_count<deal_status>) continue;
    const stage_index stage = o.stage[r];
    if (st == deal_status::open) {
      if (it->terminal_row >= 0) {
        const auto t = static_cast<std::size_t>(it->terminal_row);
        hc.add(t, "to_stage", "moves to " + describe_stage(h.to_stage[t], sl) + " but " + who + " is open");
      } else if (h.to_stage[it->last_row] != stage) {
        oc.add(r, "stage", "stage " + describe_stage(stage, sl) + " but the stage history ends in " +
                               describe_stage(h.to_stage[it->last_row], sl) + " (row " + std::to_string(it->last_row) + ")");
      }
      continue;
    }
    const stage_index want = sl->terminal(st);
    if (it->terminal_row < 0) {
      oc.add(r, "status", "status '" + std::string(to_string(st)) + "' but the stage history has no row into " +
                              describe_stage(want, sl) + " (last row " + std::to_string(it->last_row) + ")");
      continue;
    }
    const auto t = static_cast<std::size_t>(it->terminal_row);
    if (h.to_stage[t] != want) {
      hc.add(t, "to_stage", "moves to " + describe_stage(h.to_stage[t], sl) + " but " + who + " is " + std::string(to_string(st)));
      continue;
    }
    if (closed_ok && !is_missing(o.closed_ts[r]) && h.ts[t] != o.closed_ts[r])
      hc.add(t, "ts", "the row into " + describe_stage(want, sl) + " is at " + format_timestamp(h.ts[t]) + " but " + who +
                          " closed at " + format_timestamp(o.closed_ts[r]));
    if (sl->is_open(stage) && stage != h.from_stage[t])
      oc.add(r, "stage", "stage " + describe_stage(stage, sl) + " but the stage history closes from " +
                             describe_stage(h.from_stage[t], sl) + " (row " + std::to_string(t) + ")");
  }
}

inline problem_report validate_leads(const lead_view& l, const validate_context& ctx, const id_index& ids) {
  problem_report report = check_lengths(l);
  table_checker c(report, lead_view::table_name, row_count(l));
  const crm_dictionaries* d = ctx.dictionaries;
  c.ids(l.lead_id, "lead_id", true, d);
  c.required_times(l.created_ts, "created_ts");
  c.ids(l.source, "source", false, d);
  c.ids(l.owner_rep_id, "owner_rep_id", false, d);
  c.ids(l.opportunity_id, "opportunity_id", false, d);
  c.enums(l.status, "status");
  const bool status_ok = c.usable(l.status);
  if (c.usable(l.converted_ts))
    for (std::size_t r = 0; r < c.rows(); ++r) {
      const timestamp conv = l.converted_ts[r];
      if (c.usable(l.created_ts) && !is_missing(conv) && !is_missing(l.created_ts[r]) && conv < l.created_ts[r])
        c.add(r, "converted_ts", "converted_ts " + format_timestamp(conv) + " is before created_ts " + format_timestamp(l.created_ts[r]));
      if (!status_ok || index_of(l.status[r]) >= enum_count<lead_status>) continue;
      if (l.status[r] == lead_status::converted && is_missing(conv))
        c.add(r, "converted_ts", "converted_ts missing on a converted lead");
      else if (l.status[r] != lead_status::converted && !is_missing(conv))
        c.add(r, "converted_ts", "converted_ts " + format_timestamp(conv) + " set on a lead with status '" +
                                     std::string(to_string(l.status[r])) + "'");
    }
  if (status_ok && c.usable(l.opportunity_id)) {
    const dictionary* opp_dict = d != nullptr && !d->opportunities.empty() ? &d->opportunities : nullptr;
    for (std::size_t r = 0; r < c.rows(); ++r)
      if (l.opportunity_id[r] >= 0 && index_of(l.status[r]) < enum_count<lead_status> && l.status[r] != lead_status::converted)
        c.add(r, "opportunity_id", describe_id("opportunity", l.opportunity_id[r], opp_dict) + " set on a lead with status '" +
                                       std::string(to_string(l.status[r])) + "'");
  }
  c.references(l.opportunity_id, "opportunity_id", ctx.opportunities, "opportunity", "opportunities", d);
  c.attributes(l.attributes);
  if (c.usable(l.lead_id)) c.duplicates(ids, l.lead_id, "lead_id");
  return report;
}

template <class View>
std::span<const dense_id> usable_ids(const View& v, std::span<const dense_id> col) {
  return col.size() == row_count(v) ? col : std::span<const dense_id>{};
}

}  // namespace detail::validation

/// Problems of an activity table on its own (no dictionaries, no references).
[[nodiscard]] inline problem_report validate(const activity_view& a, const validate_options& options = {}) {
  detail::validation::validate_context ctx;
  ctx.options = options;
  return detail::validation::validate_activities(a, ctx);
}

/// Problems of an opportunity table on its own, stages checked against `stages`.
[[nodiscard]] inline problem_report validate(const opportunity_view& o, const stage_list& stages) {
  detail::validation::validate_context ctx;
  ctx.stages = &stages;
  return detail::validation::validate_opportunities(o, ctx, detail::validation::id_index(detail::validation::usable_ids(o, o.opportunity_id)));
}

/// Problems of a stage history on its own (order, chaining, creation and closing rows).
[[nodiscard]] inline problem_report validate(const stage_history_view& h, const stage_list& stages) {
  detail::validation::validate_context ctx;
  ctx.stages = &stages;
  return detail::validation::validate_stage_history(h, ctx);
}

/// Problems of a lead table on its own.
[[nodiscard]] inline problem_report validate(const lead_view& l) {
  return detail::validation::validate_leads(l, {}, detail::validation::id_index(detail::validation::usable_ids(l, l.lead_id)));
}

/// Every problem of a data set: each table, the dictionaries' ranges and the references and
/// agreements between tables. Problems are listed table by table (activities, opportunities,
/// stage_history, leads).
[[nodiscard]] inline problem_report validate(const crm_view& data, const validate_options& options = {}) {
  const detail::validation::id_index opp_ids(detail::validation::usable_ids(data.opportunities, data.opportunities.opportunity_id));
  const detail::validation::id_index lead_ids(detail::validation::usable_ids(data.leads, data.leads.lead_id));
  detail::validation::validate_context ctx;
  ctx.dictionaries = data.dictionaries;
  ctx.stages = data.stages;
  ctx.stages_required = true;
  ctx.opportunities = &opp_ids;
  ctx.leads = &lead_ids;
  ctx.options = options;
  problem_report report = detail::validation::validate_activities(data.activities, ctx);
  problem_report opps = detail::validation::validate_opportunities(data.opportunities, ctx, opp_ids);
  std::vector<detail::validation::history_group> groups;
  problem_report hist = detail::validation::validate_stage_history(data.stage_history, ctx, &groups);
  detail::validation::cross_check_history(data.opportunities, data.stage_history, ctx, groups, opps, hist);
  report.append(opps);
  report.append(hist);
  report.append(detail::validation::validate_leads(data.leads, ctx, lead_ids));
  return report;
}

SALESMETRICS_END_NAMESPACE
