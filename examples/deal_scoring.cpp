// examples/deal_scoring.cpp: train win-probability scorers on part of the closed deals, score
// the rest, and say how good the scores are.
//
//   deal_scoring              the bundled Maven data (data/maven/sales_pipeline.csv with the
//                             joins of data/mappings/maven.json)
//   deal_scoring SHARE SEED   training share in (0, 1) (default 0.7) and split seed (default 2024)
//
// The closed (won/lost) opportunities are split at random (splitmix64 of SEED and the row
// number, uniform in [0, 1) < SHARE = training). Two scorers are trained on the training part:
//   naive Bayes (funnel/naive_bayes_scorer.hpp) over product, series, sector, office_location,
//     manager, regional_office and the owner; no stage feature (every closed Maven deal left from
//     Engaging, so the stage carries nothing).
//   logistic regression (funnel/logistic_scorer.hpp, lambda 1) on sales_price, revenue_musd,
//     employees, year_established (standardised) and one-hot product, sector, regional_office.
// The test part gets log-loss, Brier score and AUC (funnel/score_evaluation.hpp) for each, next
// to the base rate (the training win rate for every deal), and a decile calibration table.
// Maven's data are synthetic; expect weak signal (an AUC near 0.5 says the fields barely predict
// the outcome, which is the honest answer here).
#include <salesmetrics/funnel/logistic_scorer.hpp>
#include <salesmetrics/funnel/naive_bayes_scorer.hpp>
#include <salesmetrics/funnel/score_evaluation.hpp>
#include <salesmetrics/io/loader.hpp>
#include <salesmetrics/io/mapping.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#ifndef SALESMETRICS_SOURCE_DIR
#define SALESMETRICS_SOURCE_DIR "."
#endif

namespace sm = salesmetrics;
namespace fn = salesmetrics::funnel;

namespace {

double split_uniform(std::uint64_t seed, std::uint64_t row) {
  std::uint64_t z = seed + (row + 1) * 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

// One categorical column restricted to the given rows, with its cardinality.
struct cat_subset {
  std::vector<sm::dense_id> values;
  std::size_t cardinality = 0;
};

cat_subset subset(std::span<const sm::dense_id> col, std::size_t cardinality, const std::vector<std::size_t>& rows) {
  cat_subset c;
  c.cardinality = cardinality;
  for (std::size_t r : rows) c.values.push_back(col[r]);
  return c;
}

std::vector<double> subset(std::span<const double> col, const std::vector<std::size_t>& rows) {
  std::vector<double> v;
  for (std::size_t r : rows) v.push_back(col[r]);
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path root = SALESMETRICS_SOURCE_DIR;
  double share = 0.7;
  std::uint64_t seed = 2024;
  if (argc == 3) {
    share = std::stod(argv[1]);
    seed = std::stoull(argv[2]);
  } else if (argc != 1) {
    std::cerr << "usage: deal_scoring [SHARE SEED]\n";
    return 2;
  }
  if (!(share > 0 && share < 1)) {
    std::cerr << "deal_scoring: SHARE must be in (0, 1)\n";
    return 2;
  }
  try {
    sm::crm_data data;
    sm::io::load_options lo;
    lo.strict = false;
    sm::io::load_file(root / "data/maven/sales_pipeline.csv", sm::io::read_mapping_file(root / "data/mappings/maven.json"), data, lo);
    const sm::opportunity_view opps = data.opportunities.view();

    std::vector<std::size_t> train, test;
    for (std::size_t i = 0; i < opps.size(); ++i) {
      if (opps.status[i] == sm::deal_status::open) continue;
      (split_uniform(seed, i) < share ? train : test).push_back(i);
    }
    auto labels = [&](const std::vector<std::size_t>& rows) {
      std::vector<std::uint8_t> y;
      for (std::size_t r : rows) y.push_back(opps.status[r] == sm::deal_status::won ? 1 : 0);
      return y;
    };
    const std::vector<std::uint8_t> y_train = labels(train), y_test = labels(test);

    auto attribute = [&](const char* name) {
      const auto a = opps.attribute(name);
      if (!a) throw std::runtime_error(std::string("the Maven mapping has no attribute ") + name);
      return *a;
    };
    auto cats_for = [&](const std::vector<std::string>& names, const std::vector<std::size_t>& rows, bool with_owner) {
      std::vector<cat_subset> out;
      for (const auto& n : names) {
        const sm::attribute_view a = attribute(n.c_str());
        out.push_back(subset(a.codes, a.labels->size(), rows));
      }
      if (with_owner) out.push_back(subset(opps.owner_rep_id, data.dictionaries.reps.size(), rows));
      return out;
    };
    auto columns = [](const std::vector<cat_subset>& c) {
      std::vector<fn::categorical_column> out;
      for (const auto& x : c) out.push_back({x.values, x.cardinality});
      return out;
    };

    // Naive Bayes.
    const std::vector<std::string> nb_fields{"product", "series", "sector", "office_location", "manager", "regional_office"};
    const auto nb_train = cats_for(nb_fields, train, true), nb_test = cats_for(nb_fields, test, true);
    const fn::naive_bayes_scorer nb = fn::naive_bayes_scorer::fit(columns(nb_train), y_train);
    std::vector<double> p_nb(test.size());
    nb.score(columns(nb_test), {}, p_nb);

    // Logistic regression.
    const std::vector<std::string> num_fields{"sales_price", "revenue_musd", "employees", "year_established"};
    const std::vector<std::string> lr_cats{"product", "sector", "regional_office"};
    std::vector<std::vector<double>> num_train, num_test;
    for (const auto& n : num_fields) {
      const sm::attribute_view a = attribute(n.c_str());
      num_train.push_back(subset(a.numbers, train));
      num_test.push_back(subset(a.numbers, test));
    }
    std::vector<fn::numeric_column> ntr, nte;
    for (const auto& v : num_train) ntr.push_back({v});
    for (const auto& v : num_test) nte.push_back({v});
    const auto lr_train = cats_for(lr_cats, train, false), lr_test = cats_for(lr_cats, test, false);
    const fn::logistic_scorer lr = fn::logistic_scorer::fit(ntr, columns(lr_train), y_train);
    std::vector<double> p_lr(test.size());
    lr.score(nte, columns(lr_test), p_lr);

    // Base rate: the training win rate for every test deal.
    double won = 0;
    for (auto v : y_train) won += v;
    const std::vector<double> p_base(test.size(), won / static_cast<double>(y_train.size()));

    std::cout << "deal scoring on " << opps.size() << " Maven opportunities: " << train.size() + test.size() << " closed, "
              << train.size() << " to train, " << test.size() << " to test (share " << share << ", seed " << seed << ")\n";
    std::cout << "logistic regression: " << lr.iterations() << " Newton steps, " << (lr.converged() ? "converged" : "NOT converged") << "\n\n";
    std::printf("%-22s %9s %9s %9s\n", "scorer", "log-loss", "Brier", "AUC");
    auto row = [&](const char* name, const std::vector<double>& p) {
      std::printf("%-22s %9.4f %9.4f %9.4f\n", name, fn::log_loss(p, y_test), fn::brier_score(p, y_test), fn::auc(p, y_test));
    };
    row("base rate", p_base);
    row("naive Bayes", p_nb);
    row("logistic regression", p_lr);

    std::cout << "\ncalibration by decile of the predicted probability (test set)\n";
    std::printf("%4s | %6s %9s %9s | %6s %9s %9s\n", "bin", "n NB", "mean p", "observed", "n LR", "mean p", "observed");
    const auto c_nb = fn::calibration_table(p_nb, y_test), c_lr = fn::calibration_table(p_lr, y_test);
    for (std::size_t b = 0; b < c_nb.size(); ++b)
      std::printf("%4zu | %6zu %9.3f %9.3f | %6zu %9.3f %9.3f\n", b + 1, c_nb[b].count, c_nb[b].mean_predicted, c_nb[b].observed_rate,
                  c_lr[b].count, c_lr[b].mean_predicted, c_lr[b].observed_rate);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
}
