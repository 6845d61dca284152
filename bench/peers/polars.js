// bench/peers/polars.js: Q1-Q5 in Polars (npm nodejs-polars), for bench/peers/run.sh.
//
//   POLARS_MAX_THREADS=n [POLARS_ENGINE=auto|streaming] node polars.js CSVDIR OUTPREFIX [RUNS=7]
//
// Polars reads POLARS_MAX_THREADS once, when the process starts, so run.sh starts one process per
// thread count. Load (timed apart): pl.readCSV of the three files with explicit dtypes. Then every
// query, a lazy plan ending in its sort, is collected once as warm-up and RUNS times timed with
// collectSync({engine}); the DataFrame stays in Polars' memory. Result files are written afterwards
// (untimed). The measured cpu time / wall time ratio per query shows whether the thread setting
// took effect. Output: OUTPREFIX-t<n>.json and OUTPREFIX-t<n>/q*.csv (engine name polars or
// polars-streaming).
const pl = require('nodejs-polars');
const fs = require('node:fs');
const path = require('node:path');

const [csvDir, outPrefix, runsArg = '7'] = process.argv.slice(2);
if (!csvDir || !outPrefix) {
  console.error('usage: POLARS_MAX_THREADS=n node polars.js CSVDIR OUTPREFIX [RUNS]');
  process.exit(2);
}
const runs = Number(runsArg);
const threads = Number(process.env.POLARS_MAX_THREADS || 0);
const engine = process.env.POLARS_ENGINE || 'auto';
const name = engine === 'streaming' ? 'polars-streaming' : 'polars';
const collect = (lf) => lf.collectSync({ engine });
const { col, lit } = pl;

const seconds = (t0) => (performance.now() - t0) / 1000;
const t0 = performance.now();
const act = pl.readCSV(path.join(csvDir, 'activities.csv'), {
  dtypes: {
    activity_id: pl.Int64, ts: pl.Int64, type: pl.UInt8, direction: pl.UInt8, rep_id: pl.Int32, contact_id: pl.Int32,
    account_id: pl.Int32, opportunity_id: pl.Int32, duration_min: pl.Float32, thread_id: pl.Int64,
  },
});
const opp = pl.readCSV(path.join(csvDir, 'opportunities.csv'), {
  dtypes: {
    opportunity_id: pl.Int32, account_id: pl.Int32, owner_rep_id: pl.Int32, created_ts: pl.Int64, expected_close_ts: pl.Int64,
    closed_ts: pl.Int64, stage: pl.UInt8, status: pl.UInt8, amount: pl.Float64,
  },
});
const hist = pl.readCSV(path.join(csvDir, 'stage_history.csv'), {
  dtypes: { opportunity_id: pl.Int32, ts: pl.Int64, from_stage: pl.Int8, to_stage: pl.Int8 },
});
const loadS = seconds(t0);
console.error(`${name} ${require('nodejs-polars/package.json').version}: ${act.height} activities loaded in ${loadS.toFixed(2)} s`);

// Count of rows where `cond` holds (booleans summed as unsigned integers).
const countIf = (cond, alias) => cond.cast(pl.UInt32).sum().cast(pl.Int64).alias(alias);
const typeDir = (t, d) => col('type').eq(lit(t)).and(col('direction').eq(lit(d)));
const int64 = (v) => lit(v).cast(pl.Int64);
const weight = pl.when(col('stage').eq(lit(0))).then(lit(0.1))
  .when(col('stage').eq(lit(1))).then(lit(0.2))
  .when(col('stage').eq(lit(2))).then(lit(0.4))
  .when(col('stage').eq(lit(3))).then(lit(0.6))
  .otherwise(lit(0.8));

const QUERIES = {
  q1: () => ({
    q1: collect(act.lazy()
      .groupBy('rep_id')
      .agg(pl.len().cast(pl.Int64).alias('n'),
        countIf(typeDir(0, 0), 'email_out'), countIf(typeDir(0, 1), 'email_in'),
        countIf(typeDir(1, 0), 'meeting_out'), countIf(typeDir(1, 1), 'meeting_in'),
        countIf(typeDir(2, 0), 'call_out'), countIf(typeDir(2, 1), 'call_in'),
        col('duration_min').cast(pl.Float64).sum().alias('sum_duration'),
        col('ts').max().alias('max_ts'))
      .sort('rep_id')),
  }),
  q2: () => ({
    q2: collect(act.lazy()
      .filter(col('ts').gtEq(col('ts').max().sub(int64(60 * 86400))))
      .groupBy(['rep_id', 'contact_id'])
      .agg(countIf(typeDir(0, 0), 'emails_out'), countIf(typeDir(0, 1), 'emails_in'),
        countIf(col('type').eq(lit(1)), 'meetings'), countIf(col('type').eq(lit(2)), 'calls'))
      .withColumns(pl.when(col('emails_out').eq(int64(0))).then(lit(null).cast(pl.Float64))
        .otherwise(col('emails_in').cast(pl.Float64).div(col('emails_out').cast(pl.Float64))).alias('ratio'))
      .sort(['rep_id', 'contact_id'])),
  }),
  q3: () => ({
    q3_transitions: collect(hist.lazy().groupBy(['from_stage', 'to_stage']).agg(pl.len().cast(pl.Int64).alias('n'))
      .sort(['from_stage', 'to_stage'])),
    q3_reached: collect(hist.lazy().groupBy('to_stage').agg(col('opportunity_id').nUnique().cast(pl.Int64).alias('n_opps'))
      .rename({ to_stage: 'stage' }).sort('stage')),
  }),
  q4: () => ({
    q4: collect(opp.lazy()
      .filter(col('status').eq(lit(0)))
      .withColumns(col('expected_close_ts').mul(int64(1000)).cast(pl.Datetime('ms')).alias('close_at'))
      .withColumns(col('close_at').dt.year().cast(pl.Int64).mul(int64(100))
        .add(col('close_at').dt.month().cast(pl.Int64)).alias('month'),
        col('amount').mul(weight).alias('weighted'))
      .groupBy('month')
      .agg(pl.len().cast(pl.Int64).alias('n'), col('amount').sum().alias('sum_amount'), col('weighted').sum().alias('weighted_amount'))
      .sort('month')),
  }),
  q5: () => {
    const emails = act.lazy().filter(col('type').eq(lit(0)));
    const inbound = emails.filter(col('direction').eq(lit(1))).select('rep_id', 'thread_id', 'ts');
    const outbound = emails.filter(col('direction').eq(lit(0))).select(col('thread_id'), col('ts').alias('reply_ts'));
    return {
      q5: collect(inbound
        .joinAsof(outbound, { leftOn: 'ts', rightOn: 'reply_ts', by: 'thread_id', strategy: 'forward', allowExactMatches: false,
          checkSortedness: false })
        .withColumns(col('reply_ts').sub(col('ts')).alias('delay'))
        .groupBy('rep_id')
        .agg(pl.len().cast(pl.Int64).alias('n_inbound'), col('delay').count().cast(pl.Int64).alias('n_replied'),
          col('delay').mean().alias('mean_delay_s'))
        .withColumns(col('n_replied').cast(pl.Float64).div(col('n_inbound').cast(pl.Float64)).alias('reply_rate'))
        .select('rep_id', 'n_inbound', 'n_replied', 'reply_rate', 'mean_delay_s')
        .sort('rep_id')),
    };
  },
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const dir = `${outPrefix}-t${threads}`;
fs.mkdirSync(dir, { recursive: true });
const result = {
  engine: name, version: require('nodejs-polars/package.json').version, collect_engine: engine, threads, rows: act.height,
  load_s: loadS, load_note: 'pl.readCSV with explicit dtypes', queries: {}, cpu_over_wall: {},
};
for (const [q, fn] of Object.entries(QUERIES)) {
  fn();
  const times = [];
  let out;
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  for (let r = 0; r < runs; r++) {
    const s = performance.now();
    out = fn();
    times.push(seconds(s));
  }
  const cpu = process.cpuUsage(cpu0);
  result.cpu_over_wall[q] = (cpu.user + cpu.system) / 1e3 / (performance.now() - w0);
  result.queries[q] = times;
  console.error(`${name} t${threads} ${q} median ${median(times).toFixed(6)} s (cpu/wall ${result.cpu_over_wall[q].toFixed(2)})`);
  for (const [file, df] of Object.entries(out)) df.writeCSV(path.join(dir, `${file}.csv`));
}
fs.writeFileSync(`${dir}.json`, JSON.stringify(result) + '\n');
