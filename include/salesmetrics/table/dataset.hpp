// salesmetrics/table/dataset.hpp: the four tables together with their shared dictionaries.
//
// The tables reference each other by dense id (an activity's opportunity_id is an id in the
// `opportunities` dictionary, and so on), so a data set carries one dictionary per id space and
// the stage list. crm_data owns everything; crm_view is the cheap non-owning bundle the engines
// take. A table that is not loaded is simply empty.
#pragma once
#include <salesmetrics/core/config.hpp>
#include <salesmetrics/core/ids.hpp>
#include <salesmetrics/table/activity.hpp>
#include <salesmetrics/table/lead.hpp>
#include <salesmetrics/table/opportunity.hpp>
#include <salesmetrics/table/stage_history.hpp>
#include <salesmetrics/table/stages.hpp>

SALESMETRICS_BEGIN_NAMESPACE

/// One dictionary per id space; `reps` is shared by activities.rep_id, opportunities.owner_rep_id
/// and leads.owner_rep_id, `sources` by opportunities.source and leads.source.
struct crm_dictionaries {
  dictionary reps, contacts, accounts, opportunities, leads, threads, subjects, sources, activities;
};

struct crm_view {
  activity_view activities;
  opportunity_view opportunities;
  stage_history_view stage_history;
  lead_view leads;
  const crm_dictionaries* dictionaries = nullptr;  // null: ids print as numbers
  const stage_list* stages = nullptr;
};

struct crm_data {
  activity_store activities;
  opportunity_store opportunities;
  stage_history_store stage_history;
  lead_store leads;
  crm_dictionaries dictionaries;
  stage_list stages;

  [[nodiscard]] crm_view view() const {
    return {activities.view(), opportunities.view(), stage_history.view(), leads.view(), &dictionaries, &stages};
  }
};

SALESMETRICS_END_NAMESPACE
