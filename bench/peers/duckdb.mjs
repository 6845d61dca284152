// bench/peers/duckdb.mjs: Q1-Q5 in DuckDB (npm @duckdb/node-api), for bench/peers/run.sh.
//
//   node duckdb.mjs CSVDIR OUTPREFIX [RUNS=7] [THREADS=1,2]
//
// Load (timed apart): the three CSV files into in-memory tables with explicit column types, using
// the largest thread count. Then, per thread count (SET threads = n): every query once as warm-up
// and RUNS timed runs of `await connection.run(sql)`, which returns a result materialised inside
// DuckDB (ORDER BY included). The result files are written afterwards with COPY ... TO (untimed).
// Output: OUTPREFIX-t<n>.json and OUTPREFIX-t<n>/q*.csv.
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [csvDir, outPrefix, runsArg = '7', threadsArg = '1,2'] = process.argv.slice(2);
if (!csvDir || !outPrefix) {
  console.error('usage: node duckdb.mjs CSVDIR OUTPREFIX [RUNS] [THREADS]');
  process.exit(2);
}
const runs = Number(runsArg);
const threadCounts = threadsArg.split(',').map(Number);

const TABLES = {
  activities: {
    activity_id: 'BIGINT', ts: 'BIGINT', type: 'UTINYINT', direction: 'UTINYINT', rep_id: 'INTEGER', contact_id: 'INTEGER',
    account_id: 'INTEGER', opportunity_id: 'INTEGER', duration_min: 'FLOAT', thread_id: 'BIGINT',
  },
  opportunities: {
    opportunity_id: 'INTEGER', account_id: 'INTEGER', owner_rep_id: 'INTEGER', created_ts: 'BIGINT', expected_close_ts: 'BIGINT',
    closed_ts: 'BIGINT', stage: 'UTINYINT', status: 'UTINYINT', amount: 'DOUBLE',
  },
  stage_history: { opportunity_id: 'INTEGER', ts: 'BIGINT', from_stage: 'TINYINT', to_stage: 'TINYINT' },
};

// One entry per query: [result file name, SQL] statements, timed together.
const is = (t, d) => `type = ${t} AND direction = ${d}`;
const QUERIES = {
  q1: [['q1', `
    SELECT rep_id,
           count(*) AS n,
           count(*) FILTER (WHERE ${is(0, 0)}) AS email_out,
           count(*) FILTER (WHERE ${is(0, 1)}) AS email_in,
           count(*) FILTER (WHERE ${is(1, 0)}) AS meeting_out,
           count(*) FILTER (WHERE ${is(1, 1)}) AS meeting_in,
           count(*) FILTER (WHERE ${is(2, 0)}) AS call_out,
           count(*) FILTER (WHERE ${is(2, 1)}) AS call_in,
           sum(CAST(duration_min AS DOUBLE)) AS sum_duration,
           max(ts) AS max_ts
    FROM activities
    GROUP BY rep_id
    ORDER BY rep_id`]],
  q2: [['q2', `
    WITH recent AS (
      SELECT rep_id, contact_id, type, direction FROM activities
      WHERE ts >= (SELECT max(ts) FROM activities) - 60 * 86400),
    g AS (
      SELECT rep_id, contact_id,
             count(*) FILTER (WHERE ${is(0, 0)}) AS emails_out,
             count(*) FILTER (WHERE ${is(0, 1)}) AS emails_in,
             count(*) FILTER (WHERE type = 1) AS meetings,
             count(*) FILTER (WHERE type = 2) AS calls
      FROM recent GROUP BY rep_id, contact_id)
    SELECT *, CASE WHEN emails_out = 0 THEN NULL ELSE CAST(emails_in AS DOUBLE) / emails_out END AS ratio
    FROM g
    ORDER BY rep_id, contact_id`]],
  q3: [
    ['q3_transitions', `
      SELECT from_stage, to_stage, count(*) AS n
      FROM stage_history GROUP BY ALL ORDER BY from_stage, to_stage`],
    ['q3_reached', `
      SELECT to_stage AS stage, count(DISTINCT opportunity_id) AS n_opps
      FROM stage_history GROUP BY to_stage ORDER BY stage`]],
  q4: [['q4', `
    WITH open_deals AS (
      SELECT epoch_ms(expected_close_ts * 1000) AS close_at, amount,
             amount * list_extract([0.1, 0.2, 0.4, 0.6, 0.8]::DOUBLE[], stage + 1) AS weighted
      FROM opportunities WHERE status = 0)
    SELECT year(close_at) * 100 + month(close_at) AS month, count(*) AS n,
           sum(amount) AS sum_amount, sum(weighted) AS weighted_amount
    FROM open_deals GROUP BY month ORDER BY month`]],
  q5: [['q5', `
    WITH inbound AS (SELECT rep_id, thread_id, ts FROM activities WHERE type = 0 AND direction = 1),
         outbound AS (SELECT thread_id, ts AS reply_ts FROM activities WHERE type = 0 AND direction = 0),
         paired AS (
           SELECT inbound.rep_id, reply_ts - inbound.ts AS delay
           FROM inbound ASOF LEFT JOIN outbound
             ON inbound.thread_id = outbound.thread_id AND outbound.reply_ts > inbound.ts)
    SELECT rep_id, count(*) AS n_inbound, count(delay) AS n_replied,
           count(delay) / count(*) AS reply_rate, avg(delay) AS mean_delay_s
    FROM paired GROUP BY rep_id ORDER BY rep_id`]],
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const seconds = (t0) => (performance.now() - t0) / 1000;

const instance = await DuckDBInstance.create(':memory:', { threads: String(Math.max(...threadCounts)) });
const con = await instance.connect();
await con.run(`SET TimeZone = 'UTC'`);
const t0 = performance.now();
for (const [table, columns] of Object.entries(TABLES)) {
  const spec = Object.entries(columns).map(([c, t]) => `'${c}': '${t}'`).join(', ');
  const path = resolve(join(csvDir, `${table}.csv`));
  await con.run(`CREATE TABLE ${table} AS SELECT * FROM read_csv('${path}', header = true, delim = ',', columns = {${spec}})`);
}
const loadS = seconds(t0);
const scalar = async (sql) => (await con.runAndReadAll(sql)).getRows()[0][0];
const version = String(await scalar('SELECT version()'));
const rows = Number(await scalar('SELECT count(*) FROM activities'));
const pkg = JSON.parse(readFileSync(new URL('./node_modules/@duckdb/node-api/package.json', import.meta.url)));
console.error(`duckdb ${version} (@duckdb/node-api ${pkg.version}): ${rows} activities loaded in ${loadS.toFixed(2)} s`);

for (const threads of threadCounts) {
  await con.run(`SET threads = ${threads}`);
  const dir = `${outPrefix}-t${threads}`;
  mkdirSync(dir, { recursive: true });
  const times = {};
  const cpuOverWall = {};
  for (const [q, statements] of Object.entries(QUERIES)) {
    for (const [, sql] of statements) await con.run(sql);
    times[q] = [];
    const cpu0 = process.cpuUsage();
    const w0 = performance.now();
    for (let r = 0; r < runs; r++) {
      const s = performance.now();
      for (const [, sql] of statements) await con.run(sql);
      times[q].push(seconds(s));
    }
    const cpu = process.cpuUsage(cpu0);
    cpuOverWall[q] = (cpu.user + cpu.system) / 1e3 / (performance.now() - w0);
    console.error(`duckdb t${threads} ${q} median ${median(times[q]).toFixed(6)} s (cpu/wall ${cpuOverWall[q].toFixed(2)})`);
    for (const [name, sql] of statements)
      await con.run(`COPY (${sql}) TO '${resolve(join(dir, name + '.csv'))}' (FORMAT csv, HEADER true)`);
  }
  const result = {
    engine: 'duckdb', version: `${version} (@duckdb/node-api ${pkg.version})`, threads, rows, load_s: loadS,
    load_note: `read_csv with explicit types into in-memory tables (threads=${Math.max(...threadCounts)})`, queries: times, cpu_over_wall: cpuOverWall,
  };
  writeFileSync(`${dir}.json`, JSON.stringify(result) + '\n');
}
