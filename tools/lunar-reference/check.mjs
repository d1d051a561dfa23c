// Sanity checks for crates/domain/tests/data/lunar_months.csv.
// Exits non-zero if any hard check fails. Run from the npm scratch directory:
//   node /path/to/tools/lunar-reference/check.mjs [lunar_months.csv]
//
// Hard checks:
//  - header, date format, rows strictly increasing;
//  - every month is 29 or 30 days long (consecutive rows);
//  - month sequence 1..12 with a leap month only right after the regular month
//    of the same number; every complete lunar year (1900..2198) has 12 or 13
//    months, 13 exactly when it has one leap month;
//  - known Vietnamese Tet dates and leap months;
//  - an independent copy of Ho Ngoc Duc's own JavaScript (npm `amlich`),
//    called at UTC+7 for every day 1900-01-01..2199-12-31, yields exactly the
//    same month starts.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const file = process.argv[2] ? resolve(process.argv[2]) : resolve(here, '../../crates/domain/tests/data/lunar_months.csv');
function load(name) {
  for (const base of [process.cwd() + '/', here + '/']) {
    try { return createRequire(base)(name); } catch (e) { if (e.code !== 'MODULE_NOT_FOUND') throw e; }
  }
  throw new Error(`cannot find ${name}: run "npm ci" (see README.md)`);
}

let failures = 0;
const fail = (msg) => { failures++; console.log(`FAIL ${msg}`); };
const ok = (msg) => console.log(`ok   ${msg}`);

const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
if (lines[0] !== 'solar_date,lunar_year,lunar_month,leap') fail(`header is ${lines[0]}`);
const DAY_MS = 86400000;
const rows = lines.slice(1).map((line, i) => {
  const m = /^(\d{4})-(\d{2})-(\d{2}),(\d{4}),(\d{1,2}),([01])$/.exec(line);
  if (!m) { fail(`line ${i + 2} malformed: ${line}`); return null; }
  return {
    date: line.slice(0, 10),
    day: Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY_MS,
    year: +m[4], month: +m[5], leap: +m[6],
  };
}).filter(Boolean);
ok(`${rows.length} rows, first ${rows[0].date}, last ${rows.at(-1).date}`);

// Month lengths and month order.
const lengths = { 29: 0, 30: 0 };
for (let i = 1; i < rows.length; i++) {
  const a = rows[i - 1], b = rows[i];
  const len = b.day - a.day;
  if (len !== 29 && len !== 30) fail(`month ${a.year}/${a.month}${a.leap ? 'L' : ''} starting ${a.date} has ${len} days`);
  else lengths[len]++;
  let expected;
  if (b.leap) expected = { year: a.year, month: a.month };
  else if (a.month === 12) expected = { year: a.year + 1, month: 1 };
  else expected = { year: a.year, month: a.month + 1 };
  if (b.year !== expected.year || b.month !== expected.month) fail(`${b.date} ${b.year}/${b.month}${b.leap ? 'L' : ''} does not follow ${a.year}/${a.month}${a.leap ? 'L' : ''}`);
  if (b.leap && a.leap) fail(`${b.date}: two leap months in a row`);
}
ok(`month lengths checked: ${lengths[29]} of 29 days, ${lengths[30]} of 30 days (last month's length is outside the range)`);

// Per-year counts.
const byYear = new Map();
for (const r of rows) {
  if (!byYear.has(r.year)) byYear.set(r.year, []);
  byYear.get(r.year).push(r);
}
const leapOf = new Map();
let leapYears = 0;
for (let y = 1900; y <= 2198; y++) {
  const ms = byYear.get(y) || [];
  const leaps = ms.filter((r) => r.leap);
  if (ms.length === 13 && leaps.length === 1) { leapYears++; leapOf.set(y, leaps[0].month); }
  else if (!(ms.length === 12 && leaps.length === 0)) fail(`lunar year ${y}: ${ms.length} months, ${leaps.length} leap`);
  if (ms.length && (ms[0].month !== 1 || ms[0].leap)) fail(`lunar year ${y} starts with month ${ms[0].month}`);
}
{
  const ms2199 = byYear.get(2199) || [];
  const l = ms2199.filter((r) => r.leap);
  if (l.length) leapOf.set(2199, l[0].month);
  ok(`lunar years 1900..2198 all have 12 or 13 months; ${leapYears} leap years; 2199 partial (${ms2199.length} months in range)`);
}

// Tet (lunar 1/1) for known years.
const tet = new Map(rows.filter((r) => r.month === 1 && !r.leap).map((r) => [r.year, r.date]));
const TET = { 1968: '1968-01-29', 1985: '1985-01-21', 2007: '2007-02-17', 2030: '2030-02-02', 2018: '2018-02-16', 2025: '2025-01-29', 2026: '2026-02-17' };
for (const [y, d] of Object.entries(TET)) {
  if (tet.get(+y) === d) ok(`Tet ${y} = ${d}`); else fail(`Tet ${y}: table ${tet.get(+y)}, expected ${d}`);
}

// Leap months, Vietnamese calendar. Note 1984/1985: China (UTC+8) had leap
// month 10 in 1984 and none in 1985; Vietnam (UTC+7) had none in 1984 and
// leap month 2 in 1985 -- which is why Vietnamese Tet 1985 (01-21) is one
// lunation before the Chinese one (02-20). The UTC+8 contrast is printed below.
const LEAP = { 1985: 2, 2001: 4, 2004: 2, 2006: 7, 2009: 5, 2012: 4, 2014: 9, 2017: 6, 2020: 4, 2023: 2, 2025: 6, 2028: 5 };
for (const [y, m] of Object.entries(LEAP)) {
  if (leapOf.get(+y) === m) ok(`lunar ${y} leap month ${m}`); else fail(`lunar ${y}: table leap ${leapOf.get(+y)}, expected ${m}`);
}
for (const y of [1984, 2024, 2026, 2027]) {
  if (leapOf.has(y)) fail(`lunar ${y} should have no leap month, table says ${leapOf.get(y)}`); else ok(`lunar ${y} has no leap month`);
}

// Cross-check against Ho Ngoc Duc's original code (npm `amlich`), every day.
const amlich = load('amlich');
const starts = new Set(rows.map((r) => `${r.date},${r.year},${r.month},${r.leap}`));
const pad = (n, w = 2) => String(n).padStart(w, '0');
let seen = 0, mismatches = 0, dayZero = [];
for (let t = Date.UTC(1900, 0, 1); t <= Date.UTC(2199, 11, 31); t += DAY_MS) {
  const d = new Date(t);
  const [y, m, dd] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
  const [ld, lm, ly, leap] = amlich.convertSolar2Lunar(dd, m, y, 7);
  const iso = `${pad(y, 4)}-${pad(m)}-${pad(dd)}`;
  if (ld <= 0) dayZero.push(iso);
  if (ld !== 1) continue;
  seen++;
  const key = `${iso},${ly},${lm},${leap}`;
  if (!starts.has(key)) { mismatches++; if (mismatches <= 20) fail(`amlich month start ${key} not in table`); }
}
if (seen !== rows.length) fail(`amlich found ${seen} month starts, table has ${rows.length}`);
if (mismatches === 0 && seen === rows.length) ok(`amlich 0.0.2 (HND original code, UTC+7) gives the same ${seen} month starts`);
console.log(`note amlich also returns lunar day <= 0 on: ${dayZero.join(', ') || 'none'} (HND k-estimate edge case; no effect on month starts)`);

// Contrast: the same code at UTC+8 (Chinese calendar) for 1984/1985.
{
  const cn = [];
  for (let t = Date.UTC(1984, 0, 1); t <= Date.UTC(1986, 2, 1); t += DAY_MS) {
    const d = new Date(t);
    const [ld, lm, ly, leap] = amlich.convertSolar2Lunar(d.getUTCDate(), d.getUTCMonth() + 1, d.getUTCFullYear(), 8);
    if (ld === 1 && (leap || lm === 1)) cn.push(`${d.toISOString().slice(0, 10)}=${ly}/${lm}${leap ? ' leap' : ''}`);
  }
  console.log(`note UTC+8 (China) for contrast: ${cn.join(', ')}`);
}

console.log(failures ? `${failures} check(s) FAILED` : 'all checks passed');
process.exit(failures ? 1 : 0);
