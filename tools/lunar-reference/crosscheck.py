"""Informational cross-checks of crates/domain/tests/data/lunar_months.csv.

Prints every month start on which the table and another source disagree; it
never fails (exit 0) unless the table cannot be read. Sources:

  A. vnlunar (PyPI, MIT): Ho Ngoc Duc's published year tables TK19..TK22,
     which follow the calendar as actually issued -- UTC+8 before 1968.
  B. vnlunar's own port of HND's algorithm at UTC+7 (a third, independently
     written port of the same algorithm; should agree everywhere).
  C. True astronomy with PyEphem (VSOP87/ELP-based, no downloads): new moons
     and apparent solar longitude at 105 deg E (UTC+7) midnight, applying the
     calendar rules HND describes (month 11 holds the winter solstice; in a
     13-month year the first month after month 11 without a major solar term
     is leap). Differences from the table show where HND's simplified
     astronomy (truncated Meeus series, approximate Delta-T) decides
     differently from precise ephemerides -- expected to be rare, and growing
     after ~2100.

Usage:  python crosscheck.py [lunar_months.csv]
"""
from __future__ import annotations

import csv
import datetime as dt
import math
import sys
from pathlib import Path

import ephem
import vnlunar.core as vc

HERE = Path(__file__).resolve().parent
CSV = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "../../crates/domain/tests/data/lunar_months.csv"
FIRST, LAST = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
TZ = 7


def load_table() -> dict[dt.date, tuple[int, int, int]]:
    with open(CSV, newline="") as f:
        return {
            dt.date.fromisoformat(r["solar_date"]): (int(r["lunar_year"]), int(r["lunar_month"]), int(r["leap"]))
            for r in csv.DictReader(f)
        }


def jd_to_date(jd: int) -> dt.date:
    d, m, y = vc.jdn2date(jd)
    return dt.date(y, m, d)


def report(name: str, table: dict, other: dict, note_fn=None) -> None:
    only_t = sorted(set(table.items()) - set(other.items()))
    only_o = sorted(set(other.items()) - set(table.items()))
    years = sorted({lab[0] for _, lab in only_t + only_o})
    print(f"== {name}: {len(other)} month starts; {len(only_t)} table rows differ; lunar years affected: {len(years)}")
    if years:
        print("   years: " + " ".join(map(str, years)))
    for d, lab in only_t:
        print(f"   table {d} {lab[0]}/{lab[1]}{' leap' if lab[2] else ''}")
    for d, lab in only_o:
        print(f"   other {d} {lab[0]}/{lab[1]}{' leap' if lab[2] else ''}")
    if note_fn:
        note_fn(years)


def source_tables() -> dict:
    out = {}
    for y in range(1899, 2200):
        for m in vc.get_year_info(y):
            d = jd_to_date(m["jd"])
            if FIRST <= d <= LAST:
                out[d] = (m["year"], m["month"], m["leap"])
    return out


def source_vnlunar_computed() -> dict:
    out = {}
    d = FIRST
    while d <= LAST:
        r = vc.convert_solar_to_lunar(d.day, d.month, d.year, float(TZ))
        if r["day"] == 1:
            out[d] = (r["year"], r["month"], r["leap"])
        d += dt.timedelta(days=1)
    return out


# --- C: precise astronomy -------------------------------------------------
def local_day(edate: float) -> dt.date:
    """Civil date at UTC+7 of an ephem.Date (UT)."""
    t = ephem.Date(edate + TZ * ephem.hour).datetime()
    return t.date()


def sun_lon_deg(edate: float) -> float:
    s = ephem.Sun(ephem.Date(edate))
    ecl = ephem.Ecliptic(ephem.Equatorial(s.g_ra, s.g_dec, epoch=ephem.Date(edate)), epoch=ephem.Date(edate))
    return math.degrees(ecl.lon) % 360.0


def local_midnight(d: dt.date) -> float:
    """ephem.Date (UT) of 00:00 at UTC+7 on civil date d."""
    return ephem.Date(dt.datetime(d.year, d.month, d.day)) - TZ * ephem.hour


def source_astronomy() -> dict:
    starts = []
    t = ephem.Date(dt.datetime(1898, 9, 1))
    end = ephem.Date(dt.datetime(2201, 3, 1))
    while t < end:
        t = ephem.next_new_moon(t)
        starts.append(local_day(t))
        t = ephem.Date(t + 1)
    # sector of the apparent solar longitude at local midnight opening each month
    sector = [int(sun_lon_deg(local_midnight(d)) // 30) for d in starts]
    # month 11 = month i with sector[i] < 9 <= sector[i+1] (holds the winter
    # solstice, 270 deg); a month may hold two major terms, so 7->9, 8->10 occur.
    m11 = [i for i in range(len(starts) - 1) if 6 <= sector[i] < 9 <= sector[i + 1] <= 11]
    out = {}
    for a, b in zip(m11, m11[1:]):
        if b - a not in (12, 13):
            raise RuntimeError(f"{b - a} months between month-11 starts {starts[a]} and {starts[b]}")
        ws_year = starts[a].year  # Gregorian year of that winter solstice month
        leap_off = None
        if b - a == 13:
            for i in range(a + 1, b):
                if sector[i] == sector[i + 1]:
                    leap_off = i - a
                    break
            if leap_off is None:
                raise RuntimeError(f"no month without a major term after {starts[a]}")
        for o in range(b - a):
            if leap_off is None or o < leap_off:
                num, leap = 11 + o, 0
            elif o == leap_off:
                num, leap = 11 + o - 1, 1
            else:
                num, leap = 11 + o - 1, 0
            num = (num - 1) % 12 + 1
            year = ws_year if num >= 11 and o < 4 else ws_year + 1
            d = starts[a + o]
            if FIRST <= d <= LAST:
                out[d] = (year, num, leap)
    return out


def main() -> None:
    table = load_table()
    print(f"table: {len(table)} rows from {CSV}")

    def note_pre1968(years):
        pre = [y for y in years if y < 1968]
        post = [y for y in years if y >= 1968]
        print(f"   -> {len(pre)} affected years before 1968 (tables use UTC+8 there), {len(post)} from 1968 on")

    report("A vnlunar 1.0.5 HND tables TK19-TK22", table, source_tables(), note_pre1968)
    report("B vnlunar 1.0.5 computed, UTC+7", table, source_vnlunar_computed())
    report("C PyEphem astronomy, UTC+7", table, source_astronomy())


if __name__ == "__main__":
    main()
