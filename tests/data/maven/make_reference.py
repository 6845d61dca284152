#!/usr/bin/env python3
"""Independent reference figures for the bundled Maven CRM pipeline (not computed with salesmetrics).

Reads data/maven/sales_pipeline.csv with Python's csv module and writes
tests/data/maven/reference.csv: per sales agent and overall ("*"):
won, lost, win_rate = won / (won + lost), avg_won_value = mean close_value of won deals,
cycle_mean_days / cycle_median_days = close_date - engage_date in days over won deals
(median: mean of the two middle values for an even count).
"""
import csv, datetime, statistics, sys, os

root = os.path.join(os.path.dirname(__file__), "..", "..", "..")
rows = list(csv.DictReader(open(os.path.join(root, "data", "maven", "sales_pipeline.csv"), newline="", encoding="utf-8")))
groups = {}
for r in rows:
    for key in (r["sales_agent"], "*"):
        g = groups.setdefault(key, {"won": 0, "lost": 0, "values": [], "cycles": []})
        if r["deal_stage"] == "Won":
            g["won"] += 1
            g["values"].append(int(r["close_value"]))
            d0 = datetime.date.fromisoformat(r["engage_date"])
            d1 = datetime.date.fromisoformat(r["close_date"])
            g["cycles"].append((d1 - d0).days)
        elif r["deal_stage"] == "Lost":
            g["lost"] += 1
out = csv.writer(open(os.path.join(os.path.dirname(__file__), "reference.csv"), "w", newline=""), lineterminator="\n")
out.writerow(["agent", "won", "lost", "win_rate", "avg_won_value", "cycle_mean_days", "cycle_median_days"])
for key in sorted(groups):
    g = groups[key]
    out.writerow([key, g["won"], g["lost"], repr(g["won"] / (g["won"] + g["lost"])),
                  repr(statistics.mean(g["values"])), repr(statistics.mean(g["cycles"])), repr(float(statistics.median(g["cycles"])))])
