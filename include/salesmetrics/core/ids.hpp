// salesmetrics/core/ids.hpp: dense identifiers and the dictionaries that map them to the user's ids.
//
// In memory every reference (rep, contact, account, opportunity, lead, thread, category value)
// is a dense_id in 0..n-1, so per-group state lives in plain arrays. `no_id` (-1) is a missing
// reference. A dictionary assigns dense ids to the user's textual ids (Salesforce ids, names) in
// first-seen order and maps them back for output. A dictionary of integer ids ("0".."n-1",
// dictionary::integers) stores neither names nor an index: the name is the id, written on output
// and parsed on lookup. Storing them costs 32 bytes per id for the names alone and about 80 more
// for an index (measured: the peers' harness at 100M activities, 4 million contacts and deals,
// peaked 129 MiB lower once its integer dictionaries stopped storing names). Encoding a name out of that sequence stores the names and builds the
// index once; from then on the dictionary is an ordinary one.
#pragma once
#include <salesmetrics/core/config.hpp>

#include <charconv>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE

using dense_id = std::int32_t;
inline constexpr dense_id no_id = -1;

[[nodiscard]] constexpr bool is_missing(dense_id id) noexcept { return id < 0; }

class dictionary {
 public:
  dictionary() = default;
  explicit dictionary(std::vector<std::string> names) {
    for (auto& n : names) encode(n);
  }

  /// The dense id of `name`, adding it when new.
  dense_id encode(std::string_view name) {
    if (const auto known = find(name)) return *known;
    if (size() >= static_cast<std::size_t>(INT32_MAX)) throw std::length_error("dictionary: more than 2^31-1 ids");
    const auto id = static_cast<dense_id>(size());
    if (integers_) {
      if (integer_of(name) == static_cast<std::int64_t>(id)) {
        ++integer_count_;
        return id;
      }
      store_names();
    }
    names_.emplace_back(name);
    index_.emplace(names_.back(), id);
    return id;
  }

  /// The dense id of `name` if known.
  [[nodiscard]] std::optional<dense_id> find(std::string_view name) const {
    if (integers_) {
      const std::int64_t i = integer_of(name);
      if (i >= 0 && static_cast<std::size_t>(i) < integer_count_) return static_cast<dense_id>(i);
      return std::nullopt;
    }
    if (auto it = index_.find(name); it != index_.end()) return it->second;
    return std::nullopt;
  }

  /// The user's id for a dense id; "" for no_id. Throws std::out_of_range past size().
  [[nodiscard]] std::string name(dense_id id) const {
    std::string out;
    append_name(out, id);
    return out;
  }
  /// Appends name(id) to `out` (no temporary string: labelling result rows calls this per row).
  void append_name(std::string& out, dense_id id) const {
    if (id < 0) return;
    const auto i = static_cast<std::size_t>(id);
    if (i >= size()) throw std::out_of_range("dictionary: id " + std::to_string(id) + " of " + std::to_string(size()));
    if (!integers_) {
      out += names_[i];
      return;
    }
    char digits[16];
    const auto end = std::to_chars(digits, digits + sizeof digits, id).ptr;
    out.append(digits, end);
  }

  [[nodiscard]] std::size_t size() const noexcept { return integers_ ? integer_count_ : names_.size(); }
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }
  /// Every name in id order (a copy: for output and comparisons, not for loops over ids).
  [[nodiscard]] std::vector<std::string> names() const {
    if (!integers_) return names_;
    std::vector<std::string> out;
    out.reserve(size());
    for (std::size_t i = 0; i < size(); ++i) out.push_back(name(static_cast<dense_id>(i)));
    return out;
  }
  /// True while the names are exactly "0".."size()-1" and nothing is stored (see integers()).
  [[nodiscard]] bool is_integers() const noexcept { return integers_; }
  /// The stored names in id order, views into which stay valid while no name is added; empty
  /// while is_integers().
  [[nodiscard]] std::span<const std::string> stored_names() const noexcept { return names_; }

  /// Identity dictionary "0".."n-1" for data whose ids are already dense integers: no storage.
  [[nodiscard]] static dictionary integers(std::size_t n) {
    if (n > static_cast<std::size_t>(INT32_MAX)) throw std::length_error("dictionary: more than 2^31-1 ids");
    dictionary d;
    d.integers_ = true;
    d.integer_count_ = n;
    return d;
  }

 private:
  /// The value of a canonical decimal integer ("0", "17"; not "017", "+1" or " 1"), else -1.
  static std::int64_t integer_of(std::string_view s) noexcept {
    if (s.empty() || s.size() > 10 || (s.size() > 1 && s.front() == '0')) return -1;
    std::int64_t v = 0;
    const auto [end, err] = std::from_chars(s.data(), s.data() + s.size(), v);
    return err == std::errc{} && end == s.data() + s.size() && v >= 0 ? v : -1;
  }
  /// Leaves the integer representation: writes "0".."n-1" out and indexes them.
  void store_names() {
    const std::size_t n = integer_count_;
    names_.reserve(n + 1);
    index_.reserve(n + 1);
    for (std::size_t i = 0; i < n; ++i) {
      names_.push_back(std::to_string(i));
      index_.emplace(names_.back(), static_cast<dense_id>(i));
    }
    integers_ = false;
    integer_count_ = 0;
  }
  struct hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string> names_;
  // The map owns copies of the names: a view into names_ would dangle when the vector grows.
  std::unordered_map<std::string, dense_id, hash, std::equal_to<>> index_;
  std::size_t integer_count_ = 0;  // the ids while integers_
  bool integers_ = false;          // names are "0".."integer_count_-1"; names_ and index_ are empty
};

SALESMETRICS_END_NAMESPACE
