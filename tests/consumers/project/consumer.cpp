// A minimal program of another project using the installed / embedded library.
#include <salesmetrics/salesmetrics.hpp>

#include <iostream>

int main() {
  const salesmetrics::stage_list stages = salesmetrics::maven_stages::runtime();
  if (stages.size() != 4) return 1;
  std::cout << "consumer ok\n";
}
