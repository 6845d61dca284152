#include <salesmetrics/io/values.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <random>
#include <string>

namespace io_values_test {

using namespace salesmetrics;
using io::parse_timestamp;

namespace {
// Independent reference: std::chrono's civil calendar.
std::int64_t ref(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
  using namespace std::chrono;
  const sys_days day = year{y} / month{m} / std::chrono::day{d};
  return (day.time_since_epoch().count()) * 86400 + hh * 3600 + mm * 60 + ss;
}
std::int64_t unix_of(std::string_view s) {
  const auto t = parse_timestamp(s);
  REQUIRE(t.has_value());
  return to_unix(*t);
}
}  // namespace

TEST_CASE("timestamps: dates, date-times, fractions, zones", "[io][values]") {
  CHECK(unix_of("2017-03-01") == 1488326400);
  CHECK(unix_of("2017-03-01") == ref(2017, 3, 1));
  CHECK(unix_of("2016-02-29") == ref(2016, 2, 29));
  CHECK(unix_of("2000-02-29") == ref(2000, 2, 29));
  CHECK(unix_of("1969-12-31") == -86400);
  CHECK(unix_of("2018-02-26 19:58:54") == ref(2018, 2, 26, 19, 58, 54));
  CHECK(unix_of("2018-02-26T19:58:54") == ref(2018, 2, 26, 19, 58, 54));
  CHECK(unix_of("2018-02-26T19:58") == ref(2018, 2, 26, 19, 58));
  CHECK(unix_of("2018-02-26T19:58:54.999Z") == ref(2018, 2, 26, 19, 58, 54));
  CHECK(unix_of("2018-02-26T19:58:54,5z") == ref(2018, 2, 26, 19, 58, 54));
  CHECK(unix_of("2017-03-01T10:00:00+02:00") == ref(2017, 3, 1, 8));
  CHECK(unix_of("2017-03-01T10:00:00.000+0000") == ref(2017, 3, 1, 10));
  CHECK(unix_of("2017-03-01T01:30:00-0530") == ref(2017, 3, 1, 7));
  CHECK(unix_of("2017-03-01T23:00:00-02") == ref(2017, 3, 2, 1));
  CHECK(unix_of("2017-01-01T00:30:00+01:00") == ref(2016, 12, 31, 23, 30));
}

TEST_CASE("timestamps: unix seconds", "[io][values]") {
  CHECK(unix_of("910930020") == 910930020);
  CHECK(unix_of("0") == 0);
  CHECK(unix_of("-86400") == -86400);
  CHECK(unix_of("20170301") == 20170301);  // documented: an integer is always unix seconds
  CHECK_FALSE(parse_timestamp("-").has_value());
  CHECK_FALSE(parse_timestamp("1234567890123456789").has_value());  // more than 18 digits
}

TEST_CASE("timestamps: rejected forms", "[io][values]") {
  for (const char* bad : {"", "2017-02-29", "2017-13-01", "2017-00-10", "2017-04-31", "2017-3-1", "3/1/2017", "2017/03/01",
                          "2017-03-01T24:00:00", "2017-03-01T10:60", "2017-03-01T10:00:60", "2017-03-01T10",
                          "2017-03-01X10:00", "2017-03-01T10:00:00+25:00", "2017-03-01T10:00:00+02:60",
                          "2017-03-01T10:00:00+2", "2017-03-01T10:00:00.", "2017-03-01T10:00:00 ", " 2017-03-01",
                          "2017-03-01Z", "2017-03-01T10:00:00ZZ", "12.5", "1e9"})
    CHECK_FALSE(parse_timestamp(bad).has_value());
}

TEST_CASE("timestamps: format and parse round-trip on random instants", "[io][values][random]") {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::int64_t> secs(ref(1900, 1, 1), ref(2100, 12, 31, 23, 59, 59));
  for (int i = 0; i < 20000; ++i) {
    const std::int64_t s = secs(rng);
    const std::string text = io::format_timestamp(from_unix(s));
    REQUIRE(text.size() == 20);
    CHECK(unix_of(text) == s);
  }
  CHECK(io::format_timestamp(from_unix(0)) == "1970-01-01T00:00:00Z");
  CHECK(io::format_timestamp(from_unix(ref(20000, 1, 1))) == std::to_string(ref(20000, 1, 1)));
}

TEST_CASE("numbers and booleans", "[io][values]") {
  CHECK(io::parse_double("1.5") == 1.5);
  CHECK(io::parse_double("-2") == -2.0);
  CHECK(io::parse_double("+2") == 2.0);
  CHECK(io::parse_double("1e3") == 1000.0);
  for (const char* bad : {"", "abc", "1,5", "1.5x", " 1", "inf", "nan", "0x10", "++1", "1e999"})
    CHECK_FALSE(io::parse_double(bad).has_value());
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-1e6, 1e6);
  for (int i = 0; i < 1000; ++i) {
    const double x = u(rng);
    CHECK(io::parse_double(io::format_double(x)) == x);
    const float f = static_cast<float>(x);
    CHECK(static_cast<float>(*io::parse_double(io::format_double(static_cast<double>(f)))) == f);
  }
  CHECK(io::parse_bool("TRUE") == true);
  CHECK(io::parse_bool("0") == false);
  CHECK(io::parse_bool("No") == false);
  CHECK_FALSE(io::parse_bool("2").has_value());
  CHECK(io::parse_int64("-12") == -12);
  CHECK_FALSE(io::parse_int64("12a").has_value());
}

}  // namespace io_values_test
