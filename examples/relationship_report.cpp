// The relationship-insight panel of one CRM record: who started how many e-mails, meetings and
// calls, how fast each side answers, the time invested, last and next interaction, a timeline,
// who knows whom, a health score with its trend and, for an account, the won deals most like its
// most active open deal.
//
//   relationship_report                    a synthetic history (synthetic::generate), its most
//                                          active account; then, when the shared data is present,
//                                          the Enron log through data/mappings/enron_relationship.json
//   relationship_report --enron [CONFIG]   the Enron log only (CONFIG: that mapping file by default)
//   relationship_report ACTIVITIES MAPPING [OPPORTUNITIES MAPPING]   CSV exports + column mappings
// Options: --json (JSON instead of text), --account | --contact (the record kind; default account
// when the activities carry accounts, else contact), --id NAME (the record; default the most
// active one), --opportunity NAME (the open deal for similar won deals), --as-of TIME (ISO-8601 or
// unix seconds; default the end of the history), --days N (window length, default 60).
#include <salesmetrics/io/enron.hpp>
#include <salesmetrics/io/loader.hpp>
#include <salesmetrics/io/mapping.hpp>
#include <salesmetrics/io/values.hpp>
#include <salesmetrics/relationship/panel.hpp>
#include <salesmetrics/relationship/similar_deals.hpp>
#include <salesmetrics/synthetic/generate.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using namespace salesmetrics;
namespace rel = salesmetrics::relationship;
namespace group = salesmetrics::metrics::group;

namespace {

struct arguments {
  bool json = false;
  std::optional<rel::record_kind> kind;
  std::string id, opportunity;
  std::optional<timestamp> as_of;
  std::optional<std::int64_t> days;
  bool enron = false;
  std::string enron_config;
  std::vector<std::string> files;
};

[[noreturn]] void usage(const std::string& problem) {
  throw std::invalid_argument(problem +
                              "\nusage: relationship_report [--json] [--account|--contact] [--id NAME] [--opportunity NAME]"
                              " [--as-of TIME] [--days N] [--enron [CONFIG.json] | ACTIVITIES MAPPING [OPPORTUNITIES MAPPING]]");
}

arguments parse(int argc, char** argv) {
  arguments a;
  for (int i = 1; i < argc; ++i) {
    const std::string s = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(s + " needs a value");
      return argv[++i];
    };
    if (s == "--json") a.json = true;
    else if (s == "--account") a.kind = rel::record_kind::account;
    else if (s == "--contact") a.kind = rel::record_kind::contact;
    else if (s == "--id") a.id = value();
    else if (s == "--opportunity") a.opportunity = value();
    else if (s == "--as-of") {
      const std::string v = value();
      a.as_of = io::parse_timestamp(v);
      if (!a.as_of) usage("--as-of: not a time: '" + v + "'");
    } else if (s == "--days") {
      const auto d = io::parse_int64(value());
      if (!d || *d < 1) usage("--days needs a positive whole number");
      a.days = *d;
    } else if (s == "--enron") {
      a.enron = true;
      if (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) a.enron_config = argv[++i];
    } else if (s.rfind("--", 0) == 0) usage("unknown option " + s);
    else a.files.push_back(s);
  }
  if (!(a.files.empty() || a.files.size() == 2 || a.files.size() == 4)) usage("give ACTIVITIES MAPPING [OPPORTUNITIES MAPPING]");
  if (a.enron && !a.files.empty()) usage("--enron and data files exclude each other");
  return a;
}

// ---- text output ---------------------------------------------------------------------------

std::string when(timestamp t) { return is_missing(t) ? "-" : io::format_timestamp(t); }
std::string num(double v, int decimals = 1) {
  if (std::isnan(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}
std::string percent(double v) { return std::isnan(v) ? "n/a" : num(100 * v, 0) + "%"; }

void print_kind(const char* name, const rel::interaction_kind& k) {
  std::printf("  %-10s %8lld %9lld %12s %13s\n", name, static_cast<long long>(k.by_us), static_cast<long long>(k.by_them),
              num(k.minutes_by_us).c_str(), num(k.minutes_by_them).c_str());
}
void print_replies(const char* who, const rel::reply_summary& r) {
  std::printf("  %-34s %lld of %lld threaded e-mails (%s), mean %s h, median %s h\n", who, static_cast<long long>(r.replied),
              static_cast<long long>(r.emails), percent(r.rate).c_str(), num(r.mean_hours).c_str(), num(r.median_hours).c_str());
}
std::string person(const rel::person_activity& p) {
  return p.label + " (" + std::to_string(p.interactions) + " interactions, last " + when(p.last) + ")";
}

/// One character per window day: '.' none, 1-9 interactions, '+' more.
std::string strip(const rel::relationship_panel& p, bool by_us) {
  std::string s;
  if (p.last_day < p.first_day) return s;
  s.assign(static_cast<std::size_t>(p.last_day - p.first_day + 1), '.');
  for (const rel::timeline_day& d : p.timeline) {
    const int n = by_us ? d.counts[0] + d.counts[2] + d.counts[4] : d.counts[1] + d.counts[3] + d.counts[5];
    if (n > 0) s[static_cast<std::size_t>(d.day - p.first_day)] = n > 9 ? '+' : static_cast<char>('0' + n);
  }
  return s;
}

void print_panel(const std::string& source, const rel::relationship_report& r, const rel::relationship_panel& p) {
  const auto& w = r.windows;
  std::printf("== %s: %s %s\n", source.c_str(), std::string(to_string(r.kind)).c_str(), p.label.c_str());
  std::printf("window %s .. %s, as of %s\n", when(w.current.from).c_str(), when(w.current.to).c_str(), when(w.as_of).c_str());
  std::printf("Interactions (%lld)  by us  by them  minutes us  minutes them\n", static_cast<long long>(p.interactions));
  print_kind("e-mails", p.emails);
  print_kind("meetings", p.meetings);
  print_kind("calls", p.calls);
  std::printf("E-mail ratio: by them %s, by us %s\n", num(p.email_ratio_by_them, 2).c_str(), num(p.email_ratio_by_us, 2).c_str());
  std::printf("Replies\n");
  print_replies("we answered their e-mails:", p.our_replies);
  print_replies("they answered ours:", p.their_replies);
  std::printf("Time invested: ours %s h, theirs %s h\n", num(p.time_invested_hours_ours).c_str(),
              num(p.time_invested_hours_theirs).c_str());
  std::printf("Last interaction %s (%s days ago), next scheduled %s\n", when(p.last_interaction).c_str(),
              num(p.days_since_last_interaction).c_str(), when(p.next_scheduled_interaction).c_str());
  std::printf("Timeline, one column per day from %s (digits = interactions)\n", rel::day_label(p.first_day).c_str());
  std::printf("  by us   %s\n  by them %s\n", strip(p, true).c_str(), strip(p, false).c_str());
  std::printf("  active days %lld, longest silence %lld days, longest gap between interactions %lld days\n",
              static_cast<long long>(p.gaps.active_days), static_cast<long long>(p.gaps.longest_silence_days),
              static_cast<long long>(p.gaps.longest_gap_between_days));
  std::printf("Who knows whom\n");
  for (const auto& c : p.top_contacts) {
    std::printf("  their side: %s\n", person(c.contact).c_str());
    for (const auto& b : c.best_reps)
      std::printf("      known best by %s, weighted %s\n", person(b).c_str(), num(b.weighted, 2).c_str());
  }
  for (const auto& rep : p.top_reps) std::printf("  our side:   %s\n", person(rep).c_str());
  const auto& h = p.health;
  std::printf("Health %s (%s), trend %s (previous %s): recency %s, frequency %s, reciprocity %s, responsiveness %s\n",
              num(h.current.score).c_str(), std::string(to_string(h.grade)).c_str(), std::string(to_string(h.trend)).c_str(),
              num(h.previous.score).c_str(), num(h.current.recency, 2).c_str(), num(h.current.frequency, 2).c_str(),
              num(h.current.reciprocity, 2).c_str(), num(h.current.responsiveness, 2).c_str());
}

void print_kpis(const std::string& name, const std::string& distance, const rel::deal_kpis& k) {
  std::printf("  %-14s %9s %11s %12s %10s %10s %10s\n", name.c_str(), distance.c_str(), num(k.interactions).c_str(),
              num(k.time_invested_hours).c_str(), percent(k.our_reply_rate).c_str(), percent(k.their_reply_rate).c_str(),
              num(k.our_mean_reply_hours).c_str());
}

void print_similar(const rel::similar_deals_result& s) {
  std::printf("Similar won deals for open %s (%zu won candidates)\n", s.label.c_str(), s.candidates);
  if (!s.enough_won) {
    std::printf("  too few won deals to compare\n");
    return;
  }
  std::printf("  %-14s %9s %11s %12s %10s %10s %10s\n", "deal", "distance", "activities", "hours ours", "we reply", "they reply",
              "our mean h");
  print_kpis(s.label, "-", s.kpis);
  for (const auto& n : s.neighbours) print_kpis(n.label, num(n.distance, 2), n.kpis);
  print_kpis("won mean", "", s.neighbour_mean);
}

nlohmann::ordered_json number(double v) { return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr); }
nlohmann::ordered_json instant(timestamp t) { return is_missing(t) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(rel::instant_label(t)); }

nlohmann::ordered_json kpis_json(const rel::deal_kpis& k) {
  return {{"interactions", number(k.interactions)},          {"time_invested_hours", number(k.time_invested_hours)},
          {"our_reply_rate", number(k.our_reply_rate)},      {"their_reply_rate", number(k.their_reply_rate)},
          {"our_mean_reply_hours", number(k.our_mean_reply_hours)}, {"their_mean_reply_hours", number(k.their_mean_reply_hours)},
          {"our_median_reply_hours", number(k.our_median_reply_hours)},
          {"their_median_reply_hours", number(k.their_median_reply_hours)}};
}
nlohmann::ordered_json similar_json(const rel::similar_deals_result& s) {
  nlohmann::ordered_json n = nlohmann::ordered_json::array();
  for (const auto& d : s.neighbours) n.push_back({{"deal", d.label}, {"distance", d.distance}, {"kpis", kpis_json(d.kpis)}});
  return {{"deal", s.label}, {"enough_won", s.enough_won}, {"candidates", s.candidates}, {"kpis", kpis_json(s.kpis)},
          {"neighbours", std::move(n)}, {"neighbour_mean", kpis_json(s.neighbour_mean)}};
}

// ---- one report ---------------------------------------------------------------------------------

/// Analyses `data`, prints the chosen record's panel; returns its JSON when asked.
nlohmann::ordered_json report(const std::string& source, const crm_data& data, rel::record_kind kind, const arguments& args,
                              rel::relationship_options options) {
  const crm_view v = data.view();
  const rel::reply_annotation replies = rel::pair_replies(v);
  const rel::relationship_report r = kind == rel::record_kind::account ? rel::analyse(v, group::account, options, replies)
                                                                       : rel::analyse(v, group::contact, options, replies);
  if (r.panels.empty()) throw std::runtime_error(source + ": no " + std::string(to_string(kind)) + " has activity in the window");
  const rel::relationship_panel* p = nullptr;
  if (!args.id.empty()) {
    p = r.find(args.id);
    if (p == nullptr) throw std::runtime_error(source + ": no " + std::string(to_string(kind)) + " '" + args.id + "' with activity in the window");
  } else {
    p = &*std::max_element(r.panels.begin(), r.panels.end(),
                           [](const auto& a, const auto& b) { return a.interactions < b.interactions; });  // first of the most active
  }
  nlohmann::ordered_json out = {{"source", source},
                                {"record_kind", std::string(to_string(kind))},
                                {"window", {{"from", instant(r.windows.current.from)},
                                            {"to", instant(r.windows.current.to)},
                                            {"as_of", instant(r.windows.as_of)}}},
                                {"panel", rel::to_json(*p)}};
  if (!args.json) print_panel(source, r, *p);

  // Similar won deals: for an account, its most active open deal (or --opportunity).
  const auto& o = v.opportunities;
  if (o.size() > 0 && (kind == rel::record_kind::account || !args.opportunity.empty())) {
    rel::similar_deals_options so;
    so.kpi = options;
    const rel::similar_deals<> model(v, replies, so);
    std::optional<rel::similar_deals_result> best;
    for (std::size_t row = 0; row < o.size(); ++row) {
      if (o.status[row] != deal_status::open) continue;
      const std::string& name = data.dictionaries.opportunities.name(o.opportunity_id[row]);
      const bool chosen = args.opportunity.empty() ? (!o.account_id.empty() && o.account_id[row] == p->key[0]) : name == args.opportunity;
      if (!chosen) continue;
      rel::similar_deals_result s = model.query(o.opportunity_id[row]);
      if (!best || s.kpis.interactions > best->kpis.interactions) best = std::move(s);
    }
    if (best) {
      out["similar_won_deals"] = similar_json(*best);
      if (!args.json) print_similar(*best);
    } else if (!args.opportunity.empty()) {
      throw std::runtime_error(source + ": no open opportunity '" + args.opportunity + "'");
    }
  }
  if (!args.json) std::printf("\n");
  return out;
}

rel::relationship_options options_from(const arguments& args) {
  rel::relationship_options o;
  if (args.as_of) o.as_of = *args.as_of;
  if (args.days) o.default_days = *args.days;
  return o;
}

nlohmann::ordered_json run_synthetic(const arguments& args) {
  synthetic::config cfg = synthetic::config::for_activities(200'000, 7);
  const crm_data data = synthetic::generate(cfg);
  return report("synthetic history (200,000 activities, seed 7)", data, args.kind.value_or(rel::record_kind::account), args,
                options_from(args));
}

/// Removes the rows whose contact is in our own department (internal mail); returns how many.
std::int64_t drop_internal(crm_data& data, const std::filesystem::path& employees, const std::string& department) {
  std::vector<bool> ours(data.dictionaries.contacts.size(), false);
  const std::string text = io::read_text_file(employees);
  io::csv_reader reader(text, io::csv_options{'\t', false, true});
  io::csv_record rec;
  while (reader.next(rec))
    if (rec.ok() && rec.size() >= 3 && rec[2] == department)
      if (auto id = data.dictionaries.contacts.find(rec[1])) ours[static_cast<std::size_t>(*id)] = true;
  activity_store& a = data.activities;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ours[static_cast<std::size_t>(a.contact_id[i])]) continue;
    a.ts[kept] = a.ts[i];
    a.type[kept] = a.type[i];
    a.direction[kept] = a.direction[i];
    a.rep_id[kept] = a.rep_id[i];
    a.contact_id[kept] = a.contact_id[i];
    a.subject_id[kept] = a.subject_id[i];
    a.status[kept] = a.status[i];
    ++kept;
  }
  const auto dropped = static_cast<std::int64_t>(a.size() - kept);
  for (auto* col : {&a.rep_id, &a.contact_id, &a.subject_id}) col->resize(kept);
  a.ts.resize(kept);
  a.type.resize(kept);
  a.direction.resize(kept);
  a.status.resize(kept);
  return dropped;
}

/// The Enron log through its relationship mapping file (data/mappings/enron_relationship.json).
nlohmann::ordered_json run_enron(const arguments& args, const std::filesystem::path& config_path) {
  const nlohmann::json c = nlohmann::json::parse(io::read_text_file(config_path));
  if (c.value("adapter", "") != "enron") throw std::runtime_error(config_path.string() + ": \"adapter\" must be \"enron\"");
  std::filesystem::path dir = c.at("data").get<std::string>();
  if (dir.is_relative()) dir = std::filesystem::path(SALESMETRICS_SHARED_DATA_DIR) / dir;
  crm_data data;
  io::enron_options eo;
  eo.our_department = c.at("our_department").get<std::string>();
  const io::enron_result loaded = io::load_enron(dir, data, eo);
  // Mail between two of our own people is not customer contact: drop it unless the file says "keep".
  std::int64_t dropped = 0;
  if (c.value("internal_mail", "skip") == "skip") dropped = drop_internal(data, dir / "employees.txt", eo.our_department);
  rel::relationship_options o;
  if (c.contains("as_of")) {
    const auto t = io::parse_timestamp(c["as_of"].get<std::string>());
    if (!t) throw std::runtime_error(config_path.string() + ": \"as_of\" is not a time");
    o.as_of = *t;
  }
  o.default_days = c.value("window_days", std::int64_t{60});
  o.email_written_minutes = c.value("email_written_minutes", o.email_written_minutes);
  o.email_read_minutes = c.value("email_read_minutes", o.email_read_minutes);
  o.top_n = c.value("top_n", o.top_n);
  if (args.as_of) o.as_of = *args.as_of;
  if (args.days) o.default_days = *args.days;
  const rel::record_kind kind = args.kind.value_or(c.value("record", "contact") == "account" ? rel::record_kind::account
                                                                                          : rel::record_kind::contact);
  const std::string source = "Enron log, our side = " + eo.our_department + " (" + std::to_string(loaded.outbound - dropped) +
                             " outbound, " + std::to_string(loaded.inbound) + " inbound rows; " + std::to_string(dropped) +
                             " internal rows dropped)";
  return report(source, data, kind, args, o);
}

nlohmann::ordered_json run_files(const arguments& args) {
  crm_data data;
  const io::load_result a = io::load_file(args.files[0], io::read_mapping_file(args.files[1]), data);
  if (args.files.size() == 4) (void)io::load_file(args.files[2], io::read_mapping_file(args.files[3]), data);
  const rel::record_kind kind =
      args.kind.value_or(data.activities.account_id.empty() ? rel::record_kind::contact : rel::record_kind::account);
  return report(args.files[0] + " (" + std::to_string(a.loaded) + " activities)", data, kind, args, options_from(args));
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const arguments args = parse(argc, argv);
    nlohmann::ordered_json reports = nlohmann::ordered_json::array();
    const std::filesystem::path default_config = std::filesystem::path(SALESMETRICS_SOURCE_DIR) / "data/mappings/enron_relationship.json";
    if (args.enron) {
      reports.push_back(run_enron(args, args.enron_config.empty() ? default_config : std::filesystem::path(args.enron_config)));
    } else if (!args.files.empty()) {
      reports.push_back(run_files(args));
    } else {
      reports.push_back(run_synthetic(args));
      if (std::filesystem::exists(std::filesystem::path(SALESMETRICS_SHARED_DATA_DIR) / "enron-email-activity/messages.tsv")) {
        arguments enron = args;
        enron.id.clear();  // --id names a synthetic record here
        enron.opportunity.clear();
        enron.kind.reset();
        reports.push_back(run_enron(enron, default_config));
      }
    }
    if (args.json) std::cout << (reports.size() == 1 ? reports[0] : reports).dump(2) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "relationship_report: " << e.what() << "\n";
    return 2;
  }
}
