// salesmetrics/io/csv_reader.hpp: an RFC 4180 CSV/TSV tokenizer over text in memory.
//
// Definitions (what is accepted):
//   record      fields separated by `separator` (',', '\t', ';' or any ASCII byte other than '"', CR, LF),
//               ended by LF, CRLF or a lone CR, or by the end of the text (a last line without a
//               terminator is a record).
//   quoting on  a field that STARTS with '"' is quoted: it runs to the next '"' that is not doubled,
//               may contain separators, CR and LF, and "" stands for one '"'. After the closing quote
//               only a separator, a line end or the end of the text may follow; anything else is the
//               record error text_after_quote and the rest of that physical line is skipped. A quote
//               that is never closed is the record error unterminated_quote and takes the rest of the
//               text. A '"' inside an unquoted field is an ordinary character.
//   quoting off '"' is an ordinary character everywhere (the Enron subjects contain stray quotes).
//   blank line  a physical line with no bytes at all is not a record; such lines are counted
//               (blank_lines()) so that nothing is dropped silently.
//   BOM         a UTF-8 byte order mark at the start of the text is skipped.
//   line        every record knows its 1-based physical start line; a quoted field with embedded
//               line ends makes the record span several lines.
//   UTF-8       when validate_utf8 is on, a record whose bytes are not well-formed UTF-8 gets the
//               record error invalid_utf8 naming the first bad field and the byte offset in it.
//   empty field is returned as an empty string_view; the loaders read it as "missing".
// Fields are string_views into the text (or, for quoted fields with "" inside, into the record's
// own scratch buffer); they stay valid until the next call of next() with the same record. After
// warm-up no heap allocation happens per record (the field vector and scratch only grow).
//
// Why not Debian's libfccp (fast-cpp-csv-parser, /usr/include/libfccp/csv.h)? It was evaluated
// first and cannot do what the loaders need:
//   - it splits the input into lines before unquoting (LineReader::next_line), so a quoted field
//     with an embedded newline fails with "Escaped string was not closed in line 2" (tried with
//     double_quote_escape<',','"'> on "a,b\n\"x\ny\",2\n");
//   - the column count is a template parameter (CSVReader<N>), while our column sets come from
//     mapping files at run time;
//   - a row with too few or too many fields throws from read_row, with no per-field UTF-8 check,
//     and the line numbers it reports are lines, not the start line of multi-line records.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/problems.hpp>
#include <salesmetrics/io/utf8.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace io {

struct csv_options {
  char separator = ',';
  bool quoting = true;
  bool validate_utf8 = true;
};

enum class csv_error : std::uint8_t { none, unterminated_quote, text_after_quote, invalid_utf8 };

/// One record: its fields, its physical start line and, when it is malformed, why.
class csv_record {
 public:
  [[nodiscard]] std::size_t size() const noexcept { return fields_.size(); }
  [[nodiscard]] std::string_view operator[](std::size_t i) const noexcept { return fields_[i]; }
  [[nodiscard]] std::span<const std::string_view> fields() const noexcept { return fields_; }
  [[nodiscard]] std::int64_t line() const noexcept { return line_; }      // 1-based physical start line
  [[nodiscard]] std::int64_t index() const noexcept { return index_; }    // 0-based record number in the text
  [[nodiscard]] csv_error error() const noexcept { return error_; }
  [[nodiscard]] bool ok() const noexcept { return error_ == csv_error::none; }
  [[nodiscard]] std::size_t error_field() const noexcept { return error_field_; }  // field the error concerns

  /// The reason, without the column name (the loader adds it).
  [[nodiscard]] std::string error_message() const {
    switch (error_) {
      case csv_error::none: return {};
      case csv_error::unterminated_quote:
        return "unterminated quoted field (the quote opened at line " + std::to_string(error_line_) + ")";
      case csv_error::text_after_quote: return "text after the closing quote of a quoted field";
      case csv_error::invalid_utf8: return "invalid UTF-8 at byte " + std::to_string(error_offset_) + " of the field";
    }
    return {};
  }

 private:
  friend class csv_reader;
  std::vector<std::string_view> fields_;
  std::string scratch_;                                     // unescaped quoted fields that contained ""
  std::vector<std::pair<std::size_t, std::size_t>> moved_;  // (field index, offset in scratch_)
  std::int64_t line_ = 0;
  std::int64_t index_ = -1;
  std::int64_t error_line_ = 0;
  std::size_t error_field_ = 0;
  std::size_t error_offset_ = 0;
  csv_error error_ = csv_error::none;
};

class csv_reader {
 public:
  explicit csv_reader(std::string_view text, csv_options options = {})
      : p_(text.data()), end_(text.data() + text.size()), opt_(options) {
    if (opt_.separator == '"' || opt_.separator == '\n' || opt_.separator == '\r')
      throw std::invalid_argument("csv_reader: the separator cannot be '\"', CR or LF");
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") p_ += 3;
    stop_.fill(false);
    stop_[static_cast<unsigned char>(opt_.separator)] = true;
    stop_['\n'] = true;
    stop_['\r'] = true;
  }

  /// Reads the next record into `r`; false at the end of the text. A malformed record is still
  /// returned (r.ok() is false) so that the caller can report it.
  bool next(csv_record& r) {
    r.fields_.clear();
    r.scratch_.clear();
    r.moved_.clear();
    r.error_ = csv_error::none;
    while (p_ < end_ && (*p_ == '\n' || *p_ == '\r')) {
      consume_line_end();
      ++blank_lines_;
    }
    if (p_ >= end_) return false;
    r.line_ = line_;
    r.index_ = records_++;
    const char* const record_begin = p_;
    for (;;) {
      if (opt_.quoting && p_ < end_ && *p_ == '"') {
        if (!read_quoted(r)) break;  // record ended (line end, end of text or error)
        continue;
      }
      const char* const s = p_;
      while (p_ < end_ && !stop_[static_cast<unsigned char>(*p_)]) ++p_;
      r.fields_.emplace_back(s, static_cast<std::size_t>(p_ - s));
      if (p_ == end_) break;
      if (*p_ == opt_.separator) {
        ++p_;
        if (p_ == end_) {  // "a,b," at the very end: a last, empty field
          r.fields_.emplace_back(p_, 0);
          break;
        }
        continue;
      }
      consume_line_end();
      break;
    }
    for (const auto& [field, offset] : r.moved_) r.fields_[field] = {r.scratch_.data() + offset, r.fields_[field].size()};
    if (opt_.validate_utf8 && r.error_ == csv_error::none &&
        !is_ascii(std::string_view(record_begin, static_cast<std::size_t>(p_ - record_begin)))) {
      for (std::size_t i = 0; i < r.fields_.size(); ++i) {
        const std::size_t bad = first_invalid_utf8(r.fields_[i]);
        if (bad != r.fields_[i].size()) {
          r.error_ = csv_error::invalid_utf8;
          r.error_field_ = i;
          r.error_offset_ = bad;
          break;
        }
      }
    }
    return true;
  }

  [[nodiscard]] std::int64_t blank_lines() const noexcept { return blank_lines_; }
  [[nodiscard]] std::int64_t records() const noexcept { return records_; }
  [[nodiscard]] const csv_options& options() const noexcept { return opt_; }

 private:
  void consume_line_end() noexcept {  // at '\n' or '\r'
    if (*p_ == '\r' && p_ + 1 < end_ && p_[1] == '\n') ++p_;
    ++p_;
    ++line_;
  }

  /// At an opening quote. Returns true when another field follows (a separator came after the
  /// closing quote), false when the record ended.
  bool read_quoted(csv_record& r) {
    const std::int64_t open_line = line_;
    const std::size_t field = r.fields_.size();
    ++p_;
    const char* s = p_;
    const char* const raw_begin = p_;
    bool moved = false;
    std::size_t offset = 0;
    for (;;) {
      while (p_ < end_ && *p_ != '"') {
        if (*p_ == '\n' || (*p_ == '\r' && (p_ + 1 == end_ || p_[1] != '\n'))) ++line_;
        ++p_;
      }
      if (p_ == end_) {
        r.fields_.emplace_back(raw_begin, static_cast<std::size_t>(end_ - raw_begin));
        set_error(r, csv_error::unterminated_quote, field);
        r.error_line_ = open_line;
        return false;
      }
      if (p_ + 1 < end_ && p_[1] == '"') {  // "" inside quotes: one quote character
        if (!moved) {
          moved = true;
          offset = r.scratch_.size();
        }
        r.scratch_.append(s, static_cast<std::size_t>(p_ + 1 - s));
        p_ += 2;
        s = p_;
        continue;
      }
      break;  // the closing quote
    }
    if (moved) {
      r.scratch_.append(s, static_cast<std::size_t>(p_ - s));
      r.fields_.emplace_back(raw_begin, r.scratch_.size() - offset);  // pointer fixed up after the record
      r.moved_.emplace_back(field, offset);
    } else {
      r.fields_.emplace_back(s, static_cast<std::size_t>(p_ - s));
    }
    ++p_;  // past the closing quote
    if (p_ == end_) return false;
    if (*p_ == opt_.separator) {
      ++p_;
      if (p_ == end_) {
        r.fields_.emplace_back(p_, 0);
        return false;
      }
      return true;
    }
    if (*p_ == '\n' || *p_ == '\r') {
      consume_line_end();
      return false;
    }
    set_error(r, csv_error::text_after_quote, field);
    while (p_ < end_ && *p_ != '\n' && *p_ != '\r') ++p_;
    if (p_ < end_) consume_line_end();
    return false;
  }

  static void set_error(csv_record& r, csv_error e, std::size_t field) noexcept {
    if (r.error_ != csv_error::none) return;
    r.error_ = e;
    r.error_field_ = field;
  }

  const char* p_;
  const char* end_;
  csv_options opt_;
  std::array<bool, 256> stop_{};
  std::int64_t line_ = 1;
  std::int64_t records_ = 0;
  std::int64_t blank_lines_ = 0;
};

/// The whole content of a file; throws input_error (table = the path, reason "cannot open file").
[[nodiscard]] inline std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error(problem{path.string(), -1, {}, "cannot open file", -1});
  std::string text;
  in.seekg(0, std::ios::end);
  const auto size = in.tellg();
  if (size > 0) {
    text.resize(static_cast<std::size_t>(size));
    in.seekg(0, std::ios::beg);
    in.read(text.data(), static_cast<std::streamsize>(size));
    if (!in) throw input_error(problem{path.string(), -1, {}, "read error", -1});
  }
  return text;
}

}  // namespace io
SALESMETRICS_END_NAMESPACE
