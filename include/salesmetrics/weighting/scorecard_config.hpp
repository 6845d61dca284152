// salesmetrics/weighting/scorecard_config.hpp: runtime scorecards loaded from a JSON configuration file.
//
// Format (nlohmann-json; either {"scorecards": [ ... ]} or a single scorecard object):
//   { "scorecards": [ {
//       "name": "steady",                                        required, unique
//       "kpis": [ { "name": "revenue",                           optional, default = metric
//                   "metric": "revenue",                         required: result column name
//                   "target": 1000000, "weight": 30,             required numbers (weight in percent)
//                   "direction": "higher_is_better",             optional (or "lower_is_better")
//                   "cap": 1.5, "floor": 0 } ],                  optional ratios (null = none)
//       "profiles": [ { "name": "new_hire",                      optional list
//                       "weights": { "revenue": 20, ... } } ]    every KPI by name, or an array in KPI order
//   } ] }
// Every problem is reported, naming the entry (1-based numbers): a JSON syntax error (with
// nlohmann's line/column), a missing or mistyped field ("scorecard 'steady': kpi #3 'calls':
// 'target' must be a number"), an unknown key (catches typos such as "wieght"), an unknown
// direction, a profile weight for an unknown KPI or a KPI without one, duplicate scorecard names,
// and then, for each well-formed scorecard, runtime_scorecard::validate() ("scorecard 'steady':
// weights total 95%, expected 100%", "scorecard 'steady': kpi #3 'calls': target must be > 0").
// problem::table is the source (file path or the name given); problem::reason is the message.
//   parse_scorecard_config(json or text, problems, source)   lenient: fills `problems`, returns
//                                                            the scorecards that were well-formed
//   load_scorecard_config(path)                              strict: throws input_error carrying
//                                                            the first problem
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/problems.hpp>
#include <salesmetrics/weighting/attainment.hpp>
#include <salesmetrics/weighting/runtime_scorecard.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace weighting {

struct scorecard_config {
  std::vector<runtime_scorecard> scorecards;

  [[nodiscard]] const runtime_scorecard* find(std::string_view name) const noexcept {
    for (const auto& c : scorecards)
      if (c.name == name) return &c;
    return nullptr;
  }
  [[nodiscard]] const runtime_scorecard& at(std::string_view name) const {
    if (const auto* c = find(name)) return *c;
    throw std::out_of_range("salesmetrics::weighting::scorecard_config: no scorecard named '" + std::string(name) + "'");
  }
};

namespace detail {
// config_reader and the parse/read/load functions below are templates on the JSON type (always
// nlohmann::json) only so that nlohmann's templates are instantiated in the translation units that
// read a configuration, not in every one that includes this header.
template <class Json>
struct config_reader {
  problem_report& report;
  std::string source;
  bool ok = true;

  void fail(const std::string& reason) {
    report.add(problem{source, -1, {}, reason});
    ok = false;
  }
  void unknown_keys(const Json& obj, std::initializer_list<std::string_view> known, const std::string& who) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      bool found = false;
      for (std::string_view k : known) found = found || it.key() == k;
      if (!found) fail(who + "unknown key '" + it.key() + "'");
    }
  }
  bool number(const Json& obj, const char* key, double& out, const std::string& who, bool required,
              bool nullable = false) {
    const auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) fail(who + "'" + key + "' is missing");
      return false;
    }
    if (nullable && it->is_null()) return false;
    if (!it->is_number()) {
      fail(who + "'" + key + "' must be a number");
      return false;
    }
    out = it->template get<double>();
    return true;
  }
  bool string(const Json& obj, const char* key, std::string& out, const std::string& who, bool required) {
    const auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) fail(who + "'" + key + "' is missing");
      return false;
    }
    if (!it->is_string()) {
      fail(who + "'" + key + "' must be a string");
      return false;
    }
    out = it->template get<std::string>();
    return true;
  }

  runtime_scorecard scorecard(const Json& j, std::size_t index) {
    runtime_scorecard card;
    std::string who = "scorecard #" + std::to_string(index + 1) + ": ";
    if (!j.is_object()) {
      fail(who + "must be an object");
      return card;
    }
    if (string(j, "name", card.name, who, true)) who = "scorecard '" + card.name + "': ";
    unknown_keys(j, {"name", "kpis", "profiles"}, who);
    const auto kpis = j.find("kpis");
    if (kpis == j.end()) fail(who + "'kpis' is missing");
    else if (!kpis->is_array()) fail(who + "'kpis' must be an array");
    else
      for (std::size_t k = 0; k < kpis->size(); ++k) card.kpis.push_back(kpi((*kpis)[k], k, who));
    const auto profiles = j.find("profiles");
    if (profiles != j.end()) {
      if (!profiles->is_array()) fail(who + "'profiles' must be an array");
      else
        for (std::size_t p = 0; p < profiles->size(); ++p)
          card.profiles.push_back(profile((*profiles)[p], p, card, who));
    }
    return card;
  }

  kpi_spec kpi(const Json& j, std::size_t k, const std::string& card) {
    kpi_spec s;
    std::string who = card + "kpi #" + std::to_string(k + 1) + ": ";
    if (!j.is_object()) {
      fail(who + "must be an object");
      return s;
    }
    const bool has_metric = string(j, "metric", s.metric, who, true);
    if (string(j, "name", s.name, who, false) || has_metric) {
      if (s.name.empty()) s.name = s.metric;
      who = card + "kpi #" + std::to_string(k + 1) + " '" + s.name + "': ";
    }
    unknown_keys(j, {"name", "metric", "target", "weight", "direction", "cap", "floor"}, who);
    number(j, "target", s.target, who, true);
    number(j, "weight", s.weight, who, true);
    number(j, "cap", s.cap, who, false, true);
    number(j, "floor", s.floor, who, false, true);
    std::string dir;
    if (string(j, "direction", dir, who, false)) {
      if (dir == "higher_is_better") s.direction = higher_is_better;
      else if (dir == "lower_is_better") s.direction = lower_is_better;
      else fail(who + "direction '" + dir + "' is not higher_is_better or lower_is_better");
    }
    return s;
  }

  profile_spec profile(const Json& j, std::size_t p, const runtime_scorecard& card, const std::string& cwho) {
    profile_spec s;
    std::string who = cwho + "profile #" + std::to_string(p + 1) + ": ";
    if (!j.is_object()) {
      fail(who + "must be an object");
      return s;
    }
    if (string(j, "name", s.name, who, true)) who = cwho + "profile '" + s.name + "': ";
    unknown_keys(j, {"name", "weights"}, who);
    const auto w = j.find("weights");
    if (w == j.end()) {
      fail(who + "'weights' is missing");
    } else if (w->is_array()) {
      for (std::size_t k = 0; k < w->size(); ++k) {
        if (!(*w)[k].is_number()) fail(who + "weight #" + std::to_string(k + 1) + " must be a number");
        else s.weights.push_back((*w)[k].template get<double>());
      }
    } else if (w->is_object()) {
      s.weights.assign(card.kpis.size(), 0.0);
      std::vector<bool> seen(card.kpis.size(), false);
      for (auto it = w->begin(); it != w->end(); ++it) {
        std::size_t k = 0;
        while (k < card.kpis.size() && card.kpis[k].name != it.key()) ++k;
        if (k == card.kpis.size()) fail(who + "unknown kpi '" + it.key() + "'");
        else if (!it->is_number()) fail(who + "weight of '" + it.key() + "' must be a number");
        else {
          s.weights[k] = it->template get<double>();
          seen[k] = true;
        }
      }
      for (std::size_t k = 0; k < card.kpis.size(); ++k)
        if (!seen[k]) fail(who + "no weight for kpi '" + card.kpis[k].name + "'");
    } else {
      fail(who + "'weights' must be an object (by KPI name) or an array (KPI order)");
    }
    return s;
  }
};
}  // namespace detail

/// Lenient parse of an already-parsed document; see the header comment.
template <class Json = nlohmann::json>
[[nodiscard]] scorecard_config parse_scorecard_config(const std::type_identity_t<Json>& doc, problem_report& problems,
                                                      std::string_view source = "scorecard config") {
  scorecard_config config;
  detail::config_reader<Json> top{problems, std::string(source)};
  std::vector<const Json*> cards;
  if (doc.is_object() && doc.contains("scorecards")) {
    top.unknown_keys(doc, {"scorecards"}, "");
    const auto& list = doc["scorecards"];
    if (!list.is_array()) top.fail("'scorecards' must be an array");
    else
      for (const auto& c : list) cards.push_back(&c);
  } else if (doc.is_object()) {
    cards.push_back(&doc);
  } else {
    top.fail("the configuration must be a JSON object");
  }
  std::vector<std::string> seen;  // names of every scorecard so far, well-formed or not
  for (std::size_t i = 0; i < cards.size(); ++i) {
    detail::config_reader<Json> r{problems, std::string(source)};
    runtime_scorecard card = r.scorecard(*cards[i], i);
    if (!card.name.empty() && std::find(seen.begin(), seen.end(), card.name) != seen.end()) {
      r.fail("duplicate scorecard name '" + card.name + "'");
      continue;
    }
    seen.push_back(card.name);
    if (!r.ok) continue;
    const problem_report v = card.validate(source);
    problems.append(v);
    if (v.ok()) config.scorecards.push_back(std::move(card));
  }
  return config;
}

/// Lenient parse of JSON text (a syntax error is one problem).
template <class Json = nlohmann::json>
[[nodiscard]] scorecard_config parse_scorecard_config(std::string_view text, problem_report& problems,
                                                      std::string_view source = "scorecard config") {
  Json doc;
  try {
    doc = Json::parse(text.begin(), text.end());
  } catch (const typename Json::parse_error& e) {
    problems.add(problem{std::string(source), -1, {}, std::string("invalid JSON: ") + e.what()});
    return {};
  }
  return parse_scorecard_config<Json>(doc, problems, source);
}

/// Lenient read of a file ("cannot open" is one problem).
template <class Json = nlohmann::json>
[[nodiscard]] scorecard_config read_scorecard_config(const std::filesystem::path& path, problem_report& problems) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problems.add(problem{path.string(), -1, {}, "cannot open the scorecard configuration file"});
    return {};
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return parse_scorecard_config<Json>(std::string_view(buf.str()), problems, path.string());
}

/// Strict load: every scorecard or an input_error carrying the first problem.
template <class Json = nlohmann::json>
[[nodiscard]] scorecard_config load_scorecard_config(const std::filesystem::path& path) {
  problem_report problems;
  scorecard_config config = read_scorecard_config<Json>(path, problems);
  if (!problems.ok()) throw input_error(problems.problems.front());
  return config;
}

}  // namespace weighting
SALESMETRICS_END_NAMESPACE
