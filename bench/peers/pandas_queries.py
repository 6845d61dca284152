#!/usr/bin/python3
"""bench/peers/pandas_queries.py: Q1-Q5 in pandas (Debian python3-pandas), for bench/peers/run.sh.

    /usr/bin/python3 pandas_queries.py CSVDIR OUTPREFIX [RUNS=7]

pandas runs on one thread. Load (timed apart): pd.read_csv (C parser) with explicit dtypes. Then
every query (a function returning its result DataFrames, sorted by the group keys) runs once as
warm-up and RUNS times timed. Output: OUTPREFIX-t1.json and OUTPREFIX-t1/q*.csv."""
import json
import os
import sys
import time

import numpy as np
import pandas as pd

if len(sys.argv) < 3:
    sys.exit("usage: pandas_queries.py CSVDIR OUTPREFIX [RUNS]")
csv_dir, out_prefix = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 7

DTYPES = {
    "activities": {"activity_id": np.int64, "ts": np.int64, "type": np.uint8, "direction": np.uint8, "rep_id": np.int32,
                   "contact_id": np.int32, "account_id": np.int32, "opportunity_id": np.int32,
                   "duration_min": np.float32, "thread_id": np.int64},
    "opportunities": {"opportunity_id": np.int32, "account_id": np.int32, "owner_rep_id": np.int32,
                      "created_ts": np.int64, "expected_close_ts": np.int64, "closed_ts": np.int64,
                      "stage": np.uint8, "status": np.uint8, "amount": np.float64},
    "stage_history": {"opportunity_id": np.int32, "ts": np.int64, "from_stage": np.int8, "to_stage": np.int8},
}
t0 = time.perf_counter()
tables = {name: pd.read_csv(os.path.join(csv_dir, name + ".csv"), dtype=dt, engine="c") for name, dt in DTYPES.items()}
load_s = time.perf_counter() - t0
act, opp, hist = tables["activities"], tables["opportunities"], tables["stage_history"]
print(f"pandas {pd.__version__}: {len(act)} activities loaded in {load_s:.2f} s", file=sys.stderr)

STAGE_WEIGHT = np.array([0.1, 0.2, 0.4, 0.6, 0.8])
CELLS = ["email_out", "email_in", "meeting_out", "meeting_in", "call_out", "call_in"]  # type * 2 + direction


def q1():
    cell = act["type"].to_numpy(np.int64) * 2 + act["direction"].to_numpy(np.int64)
    frame = pd.DataFrame({"rep_id": act["rep_id"], "cell": cell,
                          "duration": act["duration_min"].astype(np.float64), "ts": act["ts"]})
    by_rep = frame.groupby("rep_id", sort=True)
    out = by_rep.agg(n=("ts", "size"), sum_duration=("duration", "sum"), max_ts=("ts", "max"))
    counts = pd.crosstab(frame["rep_id"], frame["cell"]).reindex(columns=range(6), fill_value=0)
    counts.columns = CELLS
    out = out.join(counts).reset_index()
    return {"q1": out[["rep_id", "n"] + CELLS + ["sum_duration", "max_ts"]]}


def q2():
    recent = act[act["ts"] >= act["ts"].max() - 60 * 86400]
    email = recent["type"] == 0
    flags = pd.DataFrame({"rep_id": recent["rep_id"], "contact_id": recent["contact_id"],
                          "emails_out": (email & (recent["direction"] == 0)).astype(np.int64),
                          "emails_in": (email & (recent["direction"] == 1)).astype(np.int64),
                          "meetings": (recent["type"] == 1).astype(np.int64),
                          "calls": (recent["type"] == 2).astype(np.int64)})
    out = flags.groupby(["rep_id", "contact_id"], sort=True).sum().reset_index()
    out["ratio"] = (out["emails_in"] / out["emails_out"]).where(out["emails_out"] > 0)
    return {"q2": out}


def q3():
    transitions = hist.groupby(["from_stage", "to_stage"], sort=True).size().reset_index(name="n")
    reached = (hist.drop_duplicates(["to_stage", "opportunity_id"]).groupby("to_stage", sort=True).size()
               .reset_index(name="n_opps").rename(columns={"to_stage": "stage"}))
    return {"q3_transitions": transitions, "q3_reached": reached}


def q4():
    live = opp[opp["status"] == 0]
    close_at = pd.to_datetime(live["expected_close_ts"], unit="s")
    frame = pd.DataFrame({"month": close_at.dt.year.astype(np.int64) * 100 + close_at.dt.month.astype(np.int64),
                          "amount": live["amount"],
                          "weighted": live["amount"].to_numpy() * STAGE_WEIGHT[live["stage"].to_numpy()]})
    out = frame.groupby("month", sort=True).agg(n=("amount", "size"), sum_amount=("amount", "sum"),
                                                weighted_amount=("weighted", "sum")).reset_index()
    return {"q4": out}


def q5():
    emails = act[act["type"] == 0]  # activities are sorted by ts, as merge_asof needs
    inbound = emails.loc[emails["direction"] == 1, ["rep_id", "thread_id", "ts"]]
    outbound = emails.loc[emails["direction"] == 0, ["thread_id", "ts"]].rename(columns={"ts": "reply_ts"})
    paired = pd.merge_asof(inbound, outbound, left_on="ts", right_on="reply_ts", by="thread_id",
                           direction="forward", allow_exact_matches=False)
    paired["delay"] = paired["reply_ts"] - paired["ts"]
    out = paired.groupby("rep_id", sort=True).agg(n_inbound=("ts", "size"), n_replied=("delay", "count"),
                                                  mean_delay_s=("delay", "mean")).reset_index()
    out["reply_rate"] = out["n_replied"] / out["n_inbound"]
    return {"q5": out[["rep_id", "n_inbound", "n_replied", "reply_rate", "mean_delay_s"]]}


out_dir = out_prefix + "-t1"
os.makedirs(out_dir, exist_ok=True)
result = {"engine": "pandas", "version": f"{pd.__version__} (numpy {np.__version__})", "threads": 1, "rows": len(act),
          "load_s": load_s, "load_note": "pd.read_csv (C parser) with explicit dtypes", "queries": {}, "cpu_over_wall": {}}
for name, fn in [("q1", q1), ("q2", q2), ("q3", q3), ("q4", q4), ("q5", q5)]:
    fn()
    times = []
    c0, w0 = time.process_time(), time.perf_counter()
    for _ in range(runs):
        s = time.perf_counter()
        frames = fn()
        times.append(time.perf_counter() - s)
    result["cpu_over_wall"][name] = (time.process_time() - c0) / (time.perf_counter() - w0)
    result["queries"][name] = times
    print(f"pandas t1 {name} median {float(np.median(times)):.6f} s", file=sys.stderr)
    for file, frame in frames.items():
        frame.to_csv(os.path.join(out_dir, file + ".csv"), index=False)
with open(out_prefix + "-t1.json", "w") as f:
    json.dump(result, f)
    f.write("\n")
