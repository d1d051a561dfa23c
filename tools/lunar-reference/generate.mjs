// Generates crates/domain/tests/data/lunar_months.csv: one row per Vietnamese
// lunar month that starts (lunar day 1) between 1900-01-01 and 2199-12-31.
//
// Source of truth: npm `vietnamese-lunar-calendar` (pinned in package.json),
// function convertSolar2Lunar(dd, mm, yyyy, timeZone) called with timeZone = 7
// (Vietnam, UTC+7) for every solar day of the range. The package's LunarDate
// class is NOT used: it silently takes the machine's local time zone.
//
// Run from a directory where `npm ci` was done with this folder's package.json
// and package-lock.json (see README.md):
//   node /path/to/tools/lunar-reference/generate.mjs [OUT.csv]
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const DEFAULT_OUT = resolve(here, '../../crates/domain/tests/data/lunar_months.csv');
const TIME_ZONE = 7;
const FIRST = [1900, 1, 1];
const LAST = [2199, 12, 31];

// Resolve packages from the current directory first (scratch install), then
// from this folder (in-place install).
function load(name) {
  for (const base of [process.cwd() + '/', here + '/']) {
    try {
      return createRequire(base)(name);
    } catch (e) {
      if (e.code !== 'MODULE_NOT_FOUND') throw e;
    }
  }
  throw new Error(`cannot find ${name}: run "npm ci" (see README.md)`);
}

const { convertSolar2Lunar } = load('vietnamese-lunar-calendar/build/solar-lunar');

const pad = (n, w = 2) => String(n).padStart(w, '0');
const DAY_MS = 86400000;

const out = process.argv[2] ? resolve(process.argv[2]) : DEFAULT_OUT;
const rows = ['solar_date,lunar_year,lunar_month,leap'];
let prev = null;
let days = 0;
let dayZero = 0;
for (let t = Date.UTC(FIRST[0], FIRST[1] - 1, FIRST[2]); t <= Date.UTC(LAST[0], LAST[1] - 1, LAST[2]); t += DAY_MS) {
  const d = new Date(t);
  const [y, m, dd] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
  let l = convertSolar2Lunar(dd, m, y, TIME_ZONE);
  const iso = `${pad(y, 4)}-${pad(m)}-${pad(dd)}`;
  // Known flaw of Ho Ngoc Duc's convertSolar2Lunar (this package copies it):
  // it only tries new moons k+1 and k, so on a day just before a new moon it
  // can return lunar day 0 (with the *next* month's number). That day is in
  // fact the last day (30) of the previous lunar month. It never produces a
  // month start, so the table is unaffected; we only repair it so the
  // continuity check below can stay strict, and list it on stderr.
  if (l.date === 0 && prev && prev.date === 29) {
    console.error(`note: ${iso}: package returned lunar day 0 (HND k-estimate edge case); taken as day 30 of ${prev.year}/${prev.month}${prev.isLeap ? ' leap' : ''}`);
    l = { ...prev, date: 30 };
    dayZero++;
  }
  // Day-to-day consistency: guards against the package's known edge cases
  // (e.g. a lunar day <= 0) leaking into the table.
  if (!(l.date >= 1 && l.date <= 30) || !(l.month >= 1 && l.month <= 12)) {
    throw new Error(`${iso}: implausible lunar date ${JSON.stringify(l)}`);
  }
  if (prev) {
    const continues = l.date === prev.date + 1 && l.month === prev.month && l.year === prev.year && l.isLeap === prev.isLeap;
    const restarts = l.date === 1 && (prev.date === 29 || prev.date === 30);
    if (!continues && !restarts) {
      throw new Error(`${iso}: lunar ${JSON.stringify(l)} does not follow ${JSON.stringify(prev)}`);
    }
  }
  if (l.date === 1) rows.push(`${iso},${l.year},${l.month},${l.isLeap ? 1 : 0}`);
  prev = l;
  days++;
}
writeFileSync(out, rows.join('\n') + '\n');
console.error(`scanned ${days} days (${dayZero} day-0 repairs), wrote ${rows.length - 1} month starts to ${out}`);
