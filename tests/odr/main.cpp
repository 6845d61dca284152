int salesmetrics_odr_first();
int salesmetrics_odr_second();
int main() { return salesmetrics_odr_first() == 4 && salesmetrics_odr_second() == 7 ? 0 : 1; }
