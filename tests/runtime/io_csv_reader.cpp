#include <salesmetrics/io/csv_reader.hpp>
#include <salesmetrics/io/utf8.hpp>

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

namespace io_csv_reader_test {

using namespace salesmetrics;
using io::csv_error;

namespace {
struct rec_copy {
  std::vector<std::string> fields;
  std::int64_t line;
  csv_error error;
  std::size_t error_field;
  std::string message;
};

std::vector<rec_copy> read_all(std::string_view text, io::csv_options o = {}, std::int64_t* blank = nullptr) {
  io::csv_reader r(text, o);
  io::csv_record rec;
  std::vector<rec_copy> out;
  while (r.next(rec)) {
    rec_copy c{{}, rec.line(), rec.error(), rec.error_field(), rec.error_message()};
    for (auto f : rec.fields()) c.fields.emplace_back(f);
    out.push_back(std::move(c));
  }
  if (blank) *blank = r.blank_lines();
  return out;
}
using strings = std::vector<std::string>;
}  // namespace

TEST_CASE("csv: plain records, LF, CRLF, lone CR, no final newline", "[io][csv]") {
  const auto a = read_all("a,b,c\n1,2,3\r\n4,,6\r7,8,9");
  REQUIRE(a.size() == 4);
  CHECK(a[0].fields == strings{"a", "b", "c"});
  CHECK(a[1].fields == strings{"1", "2", "3"});
  CHECK(a[2].fields == strings{"4", "", "6"});
  CHECK(a[3].fields == strings{"7", "8", "9"});
  CHECK(a[3].line == 4);
  const auto b = read_all("x,\n,\n");
  REQUIRE(b.size() == 2);
  CHECK(b[0].fields == strings{"x", ""});
  CHECK(b[1].fields == strings{"", ""});
  const auto c = read_all("x,y,");
  REQUIRE(c.size() == 1);
  CHECK(c[0].fields == strings{"x", "y", ""});
}

TEST_CASE("csv: RFC 4180 quoting with separators, doubled quotes and embedded newlines", "[io][csv]") {
  const auto a = read_all("id,text\n1,\"a,b\"\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\r\nhere\"\n4,\"\"\n5,x\"y\n");
  REQUIRE(a.size() == 6);
  CHECK(a[1].fields == strings{"1", "a,b"});
  CHECK(a[2].fields == strings{"2", "say \"hi\""});
  CHECK(a[3].fields == strings{"3", "two\nlines\r\nhere"});
  CHECK(a[3].line == 4);
  CHECK(a[4].line == 7);  // the record before spans lines 4-6
  CHECK(a[4].fields == strings{"4", ""});
  CHECK(a[5].fields == strings{"5", "x\"y"});  // a quote inside an unquoted field is data
  for (const auto& r : a) CHECK(r.error == csv_error::none);
  // several escaped fields in one record keep their own text (scratch buffer fix-up)
  const auto b = read_all("\"a\"\"1\",\"b\"\"2\",\"c\"\"3\"\n");
  REQUIRE(b.size() == 1);
  CHECK(b[0].fields == strings{"a\"1", "b\"2", "c\"3"});
}

TEST_CASE("csv: BOM, blank lines, separators, quoting off", "[io][csv]") {
  std::int64_t blank = 0;
  const auto a = read_all("\xEF\xBB\xBFh1;h2\n\n1;2\n\r\n3;4\n", {';', true, true}, &blank);
  REQUIRE(a.size() == 3);
  CHECK(a[0].fields == strings{"h1", "h2"});
  CHECK(a[1].line == 3);
  CHECK(a[2].line == 5);
  CHECK(blank == 2);
  const auto t = read_all("1\t\"Re: \"deal\"\tx\n2\t\"\t\n", {'\t', false, true});
  REQUIRE(t.size() == 2);
  CHECK(t[0].fields == strings{"1", "\"Re: \"deal\"", "x"});
  CHECK(t[1].fields == strings{"2", "\"", ""});
  CHECK_THROWS_AS(io::csv_reader("", {'"', true, true}), std::invalid_argument);
}

TEST_CASE("csv: malformed records are returned with the reason and reading goes on", "[io][csv]") {
  const auto a = read_all("a,b\n\"x\"y,2\n3,4\n5,\"never closed\n6,7\n");
  REQUIRE(a.size() == 4);
  CHECK(a[1].error == csv_error::text_after_quote);
  CHECK(a[1].error_field == 0);
  CHECK(a[1].message == "text after the closing quote of a quoted field");
  CHECK(a[2].fields == strings{"3", "4"});
  CHECK(a[2].line == 3);
  CHECK(a[3].error == csv_error::unterminated_quote);
  CHECK(a[3].error_field == 1);
  CHECK(a[3].line == 4);
  CHECK(a[3].message == "unterminated quoted field (the quote opened at line 4)");
}

TEST_CASE("csv: invalid UTF-8 names the field and byte", "[io][csv][utf8]") {
  const auto a = read_all("id,name\n1,Jos\xC3\xA9\n2,ab\xC3(\n3,\xE2\x82\xAC\n");
  REQUIRE(a.size() == 4);
  CHECK(a[1].error == csv_error::none);
  CHECK(a[2].error == csv_error::invalid_utf8);
  CHECK(a[2].error_field == 1);
  CHECK(a[2].message == "invalid UTF-8 at byte 2 of the field");
  CHECK(a[3].error == csv_error::none);
  CHECK(read_all("\xFF\n", {',', true, false})[0].error == csv_error::none);  // validation off
}

TEST_CASE("utf8 validator: RFC 3629 edge cases", "[io][utf8]") {
  CHECK(io::valid_utf8("plain ascii"));
  CHECK(io::valid_utf8("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"));  // é € 😀
  CHECK(io::valid_utf8("\xED\x9F\xBF"));                          // U+D7FF
  CHECK(io::valid_utf8("\xF4\x8F\xBF\xBF"));                      // U+10FFFF
  CHECK_FALSE(io::valid_utf8("\xC0\xAF"));                        // overlong '/'
  CHECK_FALSE(io::valid_utf8("\xE0\x80\xAF"));                    // overlong
  CHECK_FALSE(io::valid_utf8("\xED\xA0\x80"));                    // surrogate U+D800
  CHECK_FALSE(io::valid_utf8("\xF4\x90\x80\x80"));                // above U+10FFFF
  CHECK_FALSE(io::valid_utf8("\xE2\x82"));                        // truncated
  CHECK_FALSE(io::valid_utf8("\x80"));                            // lone continuation
  CHECK(io::first_invalid_utf8("ab\xC3\xA9\xFF") == 4);
}

TEST_CASE("csv: random fields survive RFC 4180 encoding, with exact start lines", "[io][csv][random]") {
  for (unsigned seed : {1u, 2u, 3u, 4u, 5u}) {
    std::mt19937 rng(seed);
    const std::string alphabet[] = {"a", "b", "Z", "0", " ", ",", "\"", "\n", "\r\n", ";", "\t", "\xC3\xA9", "\xE2\x82\xAC"};
    std::uniform_int_distribution<int> nfields(1, 6), len(0, 8), pick(0, 12), coin(0, 1);
    std::string text;
    std::vector<strings> expected;
    std::vector<std::int64_t> lines;
    std::int64_t line = 1;
    const int ncols = nfields(rng);
    for (int r = 0; r < 300; ++r) {
      strings rec;
      lines.push_back(line);
      for (int c = 0; c < ncols; ++c) {
        std::string f;
        const int n = len(rng);
        for (int k = 0; k < n; ++k) f += alphabet[pick(rng)];
        if (ncols == 1 && f.empty()) f = "x";  // a lone empty field would be a blank line
        rec.push_back(f);
        const bool must_quote = f.find_first_of(",\"\r\n") != std::string::npos;
        if (c) text += ',';
        if (must_quote || coin(rng)) {
          text += '"';
          for (char ch : f) {
            if (ch == '"') text += '"';
            text += ch;
          }
          text += '"';
        } else {
          text += f;
        }
        for (char ch : f) line += ch == '\n';
      }
      text += coin(rng) ? "\r\n" : "\n";
      ++line;
      expected.push_back(rec);
    }
    const auto got = read_all(text);
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      CHECK(got[i].error == csv_error::none);
      CHECK(got[i].fields == expected[i]);
      CHECK(got[i].line == lines[i]);
    }
  }
}

}  // namespace io_csv_reader_test
