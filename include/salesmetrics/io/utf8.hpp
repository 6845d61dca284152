// salesmetrics/io/utf8.hpp: UTF-8 validation of text read from files.
//
// Definitions:
//   valid_utf8(s)        true when s is well-formed UTF-8 (RFC 3629): no overlong forms, no UTF-16
//                        surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence.
//   first_invalid_utf8(s) the byte offset of the first byte that starts an ill-formed sequence,
//                        or s.size() when s is valid.
//   is_ascii(s)          no byte >= 0x80 (checked eight bytes at a time; the fast path of the reader).
// Any valid UTF-8 text split at ASCII bytes gives valid pieces, so a reader can validate a whole
// record at once and only look at single fields when the record is not valid.
#pragma once
#include <salesmetrics/core/config.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

SALESMETRICS_BEGIN_NAMESPACE
namespace io {

[[nodiscard]] inline bool is_ascii(std::string_view s) noexcept {
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t acc = 0;
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    acc |= w;
  }
  for (; n > 0; ++p, --n) acc |= static_cast<unsigned char>(*p);
  return (acc & 0x8080808080808080ull) == 0;
}

[[nodiscard]] inline std::size_t first_invalid_utf8(std::string_view s) noexcept {
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned c = b[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) { len = 3; lo = 0xA0; }           // no overlong 3-byte forms
    else if (c >= 0xE1 && c <= 0xEC) len = 3;
    else if (c == 0xED) { len = 3; hi = 0x9F; }           // no surrogates
    else if (c >= 0xEE && c <= 0xEF) len = 3;
    else if (c == 0xF0) { len = 4; lo = 0x90; }           // no overlong 4-byte forms
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else if (c == 0xF4) { len = 4; hi = 0x8F; }           // nothing above U+10FFFF
    else return i;                                        // 0x80..0xC1, 0xF5..0xFF never start a sequence
    if (i + len > n) return i;
    if (b[i + 1] < lo || b[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k)
      if (b[i + k] < 0x80 || b[i + k] > 0xBF) return i;
    i += len;
  }
  return n;
}

[[nodiscard]] inline bool valid_utf8(std::string_view s) noexcept {
  return is_ascii(s) || first_invalid_utf8(s) == s.size();
}

}  // namespace io
SALESMETRICS_END_NAMESPACE
