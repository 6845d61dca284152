// salesmetrics/io/enron.hpp: adapter for the Enron e-mail activity tables (Perry & Wolfe, 156 employees).
//
// Input: a folder with employees.txt (eid, name, department, unit, title, gender, seniority),
// messages.tsv (mid, filename, unix_time, subject, sender_id) and recipients.tsv (mid, rno,
// receiver_id): tab-separated, no header, read with quoting off (subjects hold stray quotes).
// Output: one activity per recipient row, appended to data.activities with the columns ts (the
// message's unix_time), type email, direction, rep_id, contact_id (employee names in the reps and
// contacts dictionaries), subject (the subjects dictionary; an empty subject is missing) and
// status completed.
// The "our side" rule (options.our_department, e.g. "Legal"; empty = no rule):
//   no rule                       every sender is a rep, every recipient a contact, all outbound
//                                 (the same rows as data/mappings/enron.json)
//   sender on our side            outbound, rep = sender, contact = recipient (also when the
//                                 recipient is on our side too: counted in `internal`)
//   only the recipient on our side inbound, rep = recipient, contact = sender
//   neither                       skipped by rule (counted in result.rows.skipped and skips)
// Every recipient row is loaded, rejected (unknown message or employee, bad fields) or skipped:
// rows.loaded + rows.rejected + rows.skipped = the data lines of recipients.tsv. A bad line of
// messages.tsv is a problem of its own (strict: thrown) and rejects the recipient rows that use it.
// A bad line of employees.txt is a file-level error (input_error in both modes).
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/problems.hpp>
#include <salesmetrics/io/csv_reader.hpp>
#include <salesmetrics/io/loader.hpp>
#include <salesmetrics/io/values.hpp>
#include <salesmetrics/table/dataset.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

SALESMETRICS_BEGIN_NAMESPACE
namespace io {

struct enron_options {
  std::string our_department;  // "Legal", "Trading" or "Other"; empty = no rule
  bool strict = true;
};

struct enron_result {
  load_result rows;                // the recipient rows (file recipients.tsv)
  problem_report message_problems; // bad lines of messages.tsv (lenient mode)
  std::int64_t outbound = 0, inbound = 0, internal = 0;
  std::int64_t employees = 0, messages = 0;
};

[[nodiscard]] inline enron_result load_enron(const std::filesystem::path& dir, crm_data& data, const enron_options& options = {}) {
  const csv_options tsv{'\t', false, true};
  enron_result out;
  out.rows.file = "recipients.tsv";
  out.rows.table = table_kind::activities;
  activity_store& a = data.activities;
  const std::size_t n0 = a.size();
  if (n0 > 0 && (a.contact_id.size() != n0 || a.subject_id.size() != n0 || a.status.size() != n0 || !a.activity_id.empty() ||
                 !a.account_id.empty() || !a.opportunity_id.empty() || !a.lead_id.empty() || !a.duration_min.empty() ||
                 !a.thread_id.empty() || !a.our_attendees.empty()))
    throw std::invalid_argument("load_enron: can only append to an activity table with the columns ts, type, direction, "
                                "rep_id, contact_id, subject, status");
  // employees
  struct employee {
    std::string name;
    bool ours = false;
  };
  std::unordered_map<std::string, employee> employees;
  {
    const std::string text = read_text_file(dir / "employees.txt");
    csv_reader reader(text, tsv);
    csv_record rec;
    std::int64_t row = -1;
    while (reader.next(rec)) {
      ++row;
      if (!rec.ok() || rec.size() != 7 || rec[0].empty() || rec[1].empty())
        throw input_error(problem{"employees.txt", row, {},
                                  rec.ok() ? "expected 7 fields (eid, name, department, unit, title, gender, seniority) with "
                                             "eid and name, found " + std::to_string(rec.size()) + " fields"
                                           : rec.error_message(),
                                  rec.line()});
      if (!employees.emplace(std::string(rec[0]), employee{std::string(rec[1]), rec[2] == options.our_department}).second)
        throw input_error(problem{"employees.txt", row, "eid", "duplicate eid '" + std::string(rec[0]) + "'", rec.line()});
    }
    out.employees = static_cast<std::int64_t>(employees.size());
  }
  if (!options.our_department.empty()) {
    bool any = false;
    for (const auto& [eid, e] : employees) any = any || e.ours;
    if (!any) throw std::invalid_argument("load_enron: no employee is in department '" + options.our_department + "'");
  }
  // messages
  struct message {
    timestamp ts = no_time;
    std::string subject;
    const employee* sender = nullptr;
    std::string problem;  // non-empty: the message line is unusable
  };
  std::unordered_map<std::string, message> messages;
  {
    const std::string text = read_text_file(dir / "messages.tsv");
    csv_reader reader(text, tsv);
    csv_record rec;
    std::int64_t row = -1;
    while (reader.next(rec)) {
      ++row;
      std::string column, reason;
      message m;
      if (!rec.ok()) reason = rec.error_message();
      else if (rec.size() != 5) reason = "expected 5 fields, found " + std::to_string(rec.size());
      else if (rec[0].empty()) column = "mid", reason = "missing message id";
      else if (auto t = parse_timestamp(rec[2]); !t) column = "unix_time", reason = "not a unix time: '" + std::string(rec[2]) + "'";
      else if (auto e = employees.find(std::string(rec[4])); e == employees.end())
        column = "sender_id", reason = "unknown employee '" + std::string(rec[4]) + "'";
      else
        m = message{*t, std::string(rec[3]), &e->second, {}};
      if (!reason.empty()) {
        problem p{"messages.tsv", row, column, reason, rec.line()};
        if (options.strict) throw input_error(p);
        out.message_problems.add(p);
        m.problem = "message line " + std::to_string(rec.line()) + " of messages.tsv is unusable: " + reason;
      }
      if (rec.ok() && !rec[0].empty() && !messages.emplace(std::string(rec[0]), std::move(m)).second) {
        problem p{"messages.tsv", row, "mid", "duplicate message id '" + std::string(rec[0]) + "'", rec.line()};
        if (options.strict) throw input_error(p);
        out.message_problems.add(p);
      }
    }
    out.messages = static_cast<std::int64_t>(messages.size());
  }
  // recipients
  const std::string text = read_text_file(dir / "recipients.tsv");
  csv_reader reader(text, tsv);
  csv_record rec;
  std::int64_t row = -1;
  std::int64_t skipped = 0;
  auto rollback = [&] {
    for (auto* c : {&a.rep_id, &a.contact_id, &a.subject_id}) c->resize(n0);
    a.ts.resize(n0);
    a.type.resize(n0);
    a.direction.resize(n0);
    a.status.resize(n0);
  };
  while (reader.next(rec)) {
    ++row;
    ++out.rows.records;
    std::string column, reason;
    const message* m = nullptr;
    const employee* to = nullptr;
    if (!rec.ok()) reason = rec.error_message();
    else if (rec.size() != 3) reason = "expected 3 fields, found " + std::to_string(rec.size());
    else if (auto it = messages.find(std::string(rec[0])); it == messages.end())
      column = "mid", reason = "unknown message id '" + std::string(rec[0]) + "'";
    else if (!it->second.problem.empty()) column = "mid", reason = it->second.problem;
    else if (auto e = employees.find(std::string(rec[2])); e == employees.end())
      column = "receiver_id", reason = "unknown employee '" + std::string(rec[2]) + "'";
    else
      m = &it->second, to = &e->second;
    if (!reason.empty()) {
      ++out.rows.rejected;
      problem p{"recipients.tsv", row, column, reason, rec.line()};
      if (options.strict) {
        rollback();
        throw input_error(p);
      }
      out.rows.problems.add(p);
      continue;
    }
    const employee* rep = m->sender;
    const employee* contact = to;
    direction dir_ = direction::outbound;
    if (!options.our_department.empty()) {
      if (m->sender->ours) {
        if (to->ours) ++out.internal;
      } else if (to->ours) {
        dir_ = direction::inbound;
        rep = to;
        contact = m->sender;
      } else {
        ++skipped;
        continue;
      }
    }
    (dir_ == direction::outbound ? out.outbound : out.inbound) += 1;
    a.ts.push_back(m->ts);
    a.type.push_back(activity_type::email);
    a.direction.push_back(dir_);
    a.rep_id.push_back(data.dictionaries.reps.encode(rep->name));
    a.contact_id.push_back(data.dictionaries.contacts.encode(contact->name));
    a.subject_id.push_back(m->subject.empty() ? no_id : data.dictionaries.subjects.encode(m->subject));
    a.status.push_back(activity_status::completed);
    ++out.rows.loaded;
  }
  out.rows.blank_lines = reader.blank_lines();
  out.rows.skipped = skipped;
  if (skipped > 0)
    out.rows.skips.push_back({"mail between two employees outside department '" + options.our_department + "'", skipped});
  return out;
}

}  // namespace io
SALESMETRICS_END_NAMESPACE
