// salesmetrics/io/presets.hpp: ready-made mappings for Salesforce and Dynamics 365 exports.
//
// Each preset is the JSON mapping shown below, parsed by parse_mapping (so it obeys exactly the
// rules of mapping.hpp); print it, copy it to a file and edit it when your export differs. Columns
// marked optional may be missing from an export; every other named column must be in the header.
//
// Salesforce (Data Loader / report exports, API field names):
//   salesforce_tasks()    Task: Id, ActivityDate (else CompletedDateTime, else CreatedDate), Subject,
//                         OwnerId, WhoId (003... = contact, 00Q... = lead), WhatId (006... =
//                         opportunity), AccountId, TaskSubtype or Type (Call -> phone_call, Email and
//                         ListEmail -> email, Task/Cadence/LinkedIn/Other -> task), Status (Completed
//                         -> completed; Not Started, In Progress, Waiting on someone else, Deferred
//                         -> scheduled), CallDurationInSeconds (/60). Salesforce tasks carry no
//                         direction: the preset says outbound (logged by our reps); map a custom
//                         field instead if your org has one.
//   salesforce_events()   Event: Id, ActivityDateTime (else StartDateTime, else ActivityDate), Subject,
//                         OwnerId, WhoId, WhatId, AccountId, DurationInMinutes; type meeting, outbound.
//   salesforce_opportunities()  Opportunity: Id, AccountId, OwnerId, CreatedDate, CloseDate (the
//                         expected close; also closed_ts for closed deals), StageName, status from
//                         IsClosed + IsWon, Amount, Probability (percent, /100), ForecastCategoryName,
//                         LeadSource, Type (attribute "type"). Stage list: the standard sales process
//                         (Prospecting ... Negotiation/Review, Closed Won, Closed Lost).
//   salesforce_opportunity_history()  OpportunityHistory: OpportunityId, CreatedDate, StageName,
//                         Amount, CloseDate. Rows are snapshots; from_stage is built by ordering them
//                         per opportunity (derive previous_stage, mapping.hpp).
// Dynamics 365 (Dataverse logical names):
//   dynamics_activities(entity)  activitypointer (activitytypecode 4202 email, 4201 appointment,
//                         4210 phonecall, 4212 task, or their names), or one entity file: "email",
//                         "appointment", "phonecall", "task" (type fixed). activityid; ts =
//                         actualstart, else actualend, else scheduledstart; actualdurationminutes;
//                         ownerid; regardingobjectid as opportunity/account/contact/lead by
//                         regardingobjecttypecode; directioncode (true/1 = outgoing = outbound,
//                         false/0 = inbound; appointments have none: outbound); subject; statecode
//                         (0 open and 3 scheduled -> scheduled, 1 completed; 2 canceled rows are
//                         skipped by rule and counted).
//   dynamics_opportunities()  opportunityid, parentaccountid (else customerid), ownerid, createdon,
//                         estimatedclosedate, actualclosedate, stepname (1-Qualify ... 4-Close) or
//                         salesstage (0..3), statecode (0 open, 1 won, 2 lost), estimatedvalue
//                         (amount) and actualvalue (numeric attribute actual_value), closeprobability
//                         (percent), msdyn_forecastcategory (100000001 pipeline, 100000002 best case,
//                         100000003 committed, 100000004 omitted, 100000005/6 won/lost = closed;
//                         empty = pipeline, Dynamics' default). Stages Qualify, Develop, Propose,
//                         Close, Won, Lost.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/io/mapping.hpp>

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

SALESMETRICS_BEGIN_NAMESPACE
namespace io {

namespace presets_json {

inline constexpr std::string_view salesforce_tasks = R"({
  "table": "activities", "name": "Salesforce Task",
  "columns": {
    "activity_id": "Id",
    "ts": {"sources": ["ActivityDate", "CompletedDateTime", "CreatedDate"], "optional": true},
    "type": {"sources": ["TaskSubtype", "Type"], "optional": true,
             "map": {"Call": "phone_call", "Email": "email", "ListEmail": "email", "Task": "task",
                     "Cadence": "task", "LinkedIn": "task", "Other": "task", "Meeting": "meeting"}},
    "direction": {"constant": "outbound"},
    "rep_id": "OwnerId",
    "contact_id": {"source": "WhoId", "prefix": "003", "optional": true},
    "lead_id": {"source": "WhoId", "prefix": "00Q", "optional": true},
    "opportunity_id": {"source": "WhatId", "prefix": "006", "optional": true},
    "account_id": {"source": "AccountId", "optional": true},
    "duration_min": {"source": "CallDurationInSeconds", "scale": 0.016666666666666666, "optional": true},
    "subject": {"source": "Subject", "optional": true},
    "status": {"source": "Status", "optional": true,
               "map": {"Completed": "completed", "Not Started": "scheduled", "In Progress": "scheduled",
                       "Waiting on someone else": "scheduled", "Deferred": "scheduled"}}
  }
})";

inline constexpr std::string_view salesforce_events = R"({
  "table": "activities", "name": "Salesforce Event",
  "columns": {
    "activity_id": "Id",
    "ts": {"sources": ["ActivityDateTime", "StartDateTime", "ActivityDate"], "optional": true},
    "type": {"constant": "meeting"},
    "direction": {"constant": "outbound"},
    "rep_id": "OwnerId",
    "contact_id": {"source": "WhoId", "prefix": "003", "optional": true},
    "lead_id": {"source": "WhoId", "prefix": "00Q", "optional": true},
    "opportunity_id": {"source": "WhatId", "prefix": "006", "optional": true},
    "account_id": {"source": "AccountId", "optional": true},
    "duration_min": {"source": "DurationInMinutes", "optional": true},
    "subject": {"source": "Subject", "optional": true}
  }
})";

inline constexpr std::string_view salesforce_opportunities = R"({
  "table": "opportunities", "name": "Salesforce Opportunity",
  "stages": {"open": ["Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
                      "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review"],
             "won": "Closed Won", "lost": "Closed Lost"},
  "columns": {
    "opportunity_id": "Id",
    "account_id": {"source": "AccountId", "optional": true},
    "owner_rep_id": {"source": "OwnerId", "optional": true},
    "created_ts": "CreatedDate",
    "expected_close_ts": {"source": "CloseDate", "optional": true},
    "closed_ts": {"source": "CloseDate", "when": "closed", "optional": true},
    "stage": "StageName",
    "status": {"sources": ["IsClosed", "IsWon"], "derive": "status_from_closed_won"},
    "amount": {"source": "Amount", "optional": true},
    "probability": {"source": "Probability", "scale": 0.01, "optional": true},
    "forecast_category": {"source": "ForecastCategoryName", "optional": true},
    "source": {"source": "LeadSource", "optional": true}
  },
  "attributes": {"type": {"source": "Type", "optional": true}}
})";

inline constexpr std::string_view salesforce_opportunity_history = R"({
  "table": "stage_history", "name": "Salesforce OpportunityHistory",
  "stages": {"open": ["Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
                      "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review"],
             "won": "Closed Won", "lost": "Closed Lost"},
  "columns": {
    "opportunity_id": "OpportunityId",
    "ts": "CreatedDate",
    "to_stage": "StageName",
    "from_stage": {"derive": "previous_stage"},
    "amount": {"source": "Amount", "optional": true},
    "expected_close_ts": {"source": "CloseDate", "optional": true}
  }
})";

inline constexpr std::string_view dynamics_activities = R"({
  "table": "activities", "name": "Dynamics 365 activity",
  "columns": {
    "activity_id": "activityid",
    "ts": {"sources": ["actualstart", "actualend", "scheduledstart"], "optional": true},
    "type": {"source": "activitytypecode",
             "map": {"4202": "email", "4201": "meeting", "4210": "phone_call", "4212": "task"}},
    "direction": {"source": "directioncode", "optional": true, "default": "outbound",
                  "map": {"true": "outbound", "1": "outbound", "outgoing": "outbound",
                          "false": "inbound", "0": "inbound", "incoming": "inbound"}},
    "rep_id": "ownerid",
    "opportunity_id": {"source": "regardingobjectid", "optional": true,
                       "only_if": {"column": "regardingobjecttypecode", "values": ["opportunity", "3"]}},
    "account_id": {"source": "regardingobjectid", "optional": true,
                   "only_if": {"column": "regardingobjecttypecode", "values": ["account", "1"]}},
    "contact_id": {"source": "regardingobjectid", "optional": true,
                   "only_if": {"column": "regardingobjecttypecode", "values": ["contact", "2"]}},
    "lead_id": {"source": "regardingobjectid", "optional": true,
                "only_if": {"column": "regardingobjecttypecode", "values": ["lead", "4"]}},
    "duration_min": {"source": "actualdurationminutes", "optional": true},
    "subject": {"source": "subject", "optional": true},
    "status": {"source": "statecode", "optional": true, "skip": ["2", "canceled", "cancelled"],
               "map": {"0": "scheduled", "open": "scheduled", "1": "completed", "3": "scheduled"}}
  }
})";

inline constexpr std::string_view dynamics_opportunities = R"({
  "table": "opportunities", "name": "Dynamics 365 opportunity",
  "stages": {"open": ["Qualify", "Develop", "Propose", "Close"], "won": "Won", "lost": "Lost"},
  "columns": {
    "opportunity_id": "opportunityid",
    "account_id": {"sources": ["parentaccountid", "customerid"], "optional": true},
    "owner_rep_id": {"source": "ownerid", "optional": true},
    "created_ts": "createdon",
    "expected_close_ts": {"source": "estimatedclosedate", "optional": true},
    "closed_ts": {"source": "actualclosedate", "optional": true},
    "stage": {"sources": ["stepname", "salesstage"], "optional": true,
              "map": {"1-Qualify": "Qualify", "2-Develop": "Develop", "3-Propose": "Propose", "4-Close": "Close",
                      "0": "Qualify", "1": "Develop", "2": "Propose", "3": "Close"}},
    "status": {"source": "statecode", "map": {"0": "open", "1": "won", "2": "lost"}},
    "amount": {"source": "estimatedvalue", "optional": true},
    "probability": {"source": "closeprobability", "scale": 0.01, "optional": true},
    "forecast_category": {"source": "msdyn_forecastcategory", "optional": true, "default": "pipeline",
                          "map": {"100000001": "pipeline", "100000002": "best_case", "100000003": "commit",
                                  "committed": "commit", "100000004": "omitted", "100000005": "closed",
                                  "100000006": "closed", "won": "closed", "lost": "closed"}}
  },
  "attributes": {"actual_value": {"source": "actualvalue", "kind": "number", "optional": true}}
})";

}  // namespace presets_json

// The presets are templates only so that parsing their JSON (nlohmann's templates) is instantiated
// in the translation units that use a preset, not in every one that includes this header; Json is
// always nlohmann::ordered_json.
template <class Json = nlohmann::ordered_json>
[[nodiscard]] table_mapping salesforce_tasks() {
  return parse_mapping_text<Json>(presets_json::salesforce_tasks, "salesforce_tasks");
}
template <class Json = nlohmann::ordered_json>
[[nodiscard]] table_mapping salesforce_events() {
  return parse_mapping_text<Json>(presets_json::salesforce_events, "salesforce_events");
}
template <class Json = nlohmann::ordered_json>
[[nodiscard]] table_mapping salesforce_opportunities() {
  return parse_mapping_text<Json>(presets_json::salesforce_opportunities, "salesforce_opportunities");
}
template <class Json = nlohmann::ordered_json>
[[nodiscard]] table_mapping salesforce_opportunity_history() {
  return parse_mapping_text<Json>(presets_json::salesforce_opportunity_history, "salesforce_opportunity_history");
}

/// entity: "activitypointer" (type from activitytypecode) or "email", "appointment", "phonecall", "task".
template <class Json = nlohmann::ordered_json>
[[nodiscard]] table_mapping dynamics_activities(std::string_view entity = "activitypointer") {
  table_mapping m = parse_mapping_text<Json>(presets_json::dynamics_activities, "dynamics_activities");
  if (entity == "activitypointer") return m;
  std::string type;
  if (entity == "email") type = "email";
  else if (entity == "appointment") type = "meeting";
  else if (entity == "phonecall") type = "phone_call";
  else if (entity == "task") type = "task";
  else
    throw std::invalid_argument("dynamics_activities: unknown entity '" + std::string(entity) +
                                "' (activitypointer, email, appointment, phonecall or task)");
  for (auto& [column, rule] : m.columns)
    if (column == "type") {
      rule = value_rule();
      rule.constant = type;
    }
  m.name = "Dynamics 365 " + std::string(entity);
  return m;
}
template <class Json = nlohmann::ordered_json>
[[nodiscard]] table_mapping dynamics_opportunities() {
  return parse_mapping_text<Json>(presets_json::dynamics_opportunities, "dynamics_opportunities");
}

}  // namespace io
SALESMETRICS_END_NAMESPACE
