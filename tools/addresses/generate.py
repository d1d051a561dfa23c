"""Export Vietnam's administrative units in force (two tiers since 01/07/2025)
to data/addresses/provinces.csv and data/addresses/communes.csv.

Source: PyPI `vietnam-provinces` (pinned in requirements.txt; it needs
Python >= 3.12). See data/addresses/README.md for the licence, the version,
the counts and how to run this. Nothing here is part of the Rust build.

The output is deterministic: UTF-8, NFC, LF line endings, rows sorted by
code, plain CSV without quoting (the script refuses a field that would need
quoting). It fails loudly rather than write something the Rust loader would
have to guess about.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from importlib import metadata
from pathlib import Path

PACKAGE = "vietnam-provinces"
PINNED = "2026.9.0"

# The counts of the 2025 arrangement (NQ 202/2025/QH15 and the commune-level
# resolutions): 34 provinces, 3,321 communes. A new package version that
# changes them must be looked at by a person (and the README updated).
EXPECTED_PROVINCES = 34
EXPECTED_COMMUNES = 3321

# Division type (as the package names it) -> (our key, the name's prefix).
PROVINCE_KINDS = {
    "tỉnh": ("tinh", "Tỉnh"),
    "thành phố trung ương": ("thanh-pho", "Thành phố"),
}
COMMUNE_KINDS = {
    "xã": ("xa", "Xã"),
    "phường": ("phuong", "Phường"),
    "đặc khu": ("dac-khu", "Đặc khu"),
}


def fail(message: str) -> None:
    print(f"generate.py: {message}", file=sys.stderr)
    sys.exit(1)


def clean(text: str) -> str:
    """NFC, single spaces, trimmed; refuses what plain CSV cannot hold."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if any(c in text for c in ',"\r\n') or not text:
        fail(f"field {text!r} is empty or would need CSV quoting")
    return text


def split_name(name: str, prefix: str, what: str) -> tuple[str, str]:
    """The name with its kind prefix spelled canonically, and the short name.

    The package spells one prefix in lower case ("xã Bắc Sơn"); the prefix is
    the kind, so it is written the way every other unit writes it.
    """
    if not name.casefold().startswith(prefix.casefold() + " "):
        fail(f"{what} {name!r} does not start with {prefix!r}")
    short = name[len(prefix) + 1 :].strip()
    fixed = f"{prefix} {short}"
    if fixed != name:
        print(f"note: {what} {name!r} written as {fixed!r}", file=sys.stderr)
    return fixed, short


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_out = Path(__file__).resolve().parents[2] / "data" / "addresses"
    parser.add_argument("--out", type=Path, default=default_out)
    args = parser.parse_args()

    installed = metadata.version(PACKAGE)
    if installed != PINNED:
        fail(f"{PACKAGE} {installed} is installed; this script is pinned to {PINNED}")

    import vietnam_provinces as vp
    from vietnam_provinces import Province, Ward

    provinces = []
    for p in Province.iter_all():
        kind, prefix = PROVINCE_KINDS.get(str(p.division_type), (None, None))
        if kind is None:
            fail(f"province {p.name!r} has an unknown kind {p.division_type!r}")
        name, short = split_name(clean(p.name), prefix, "province")
        provinces.append((int(p.code), name, short, kind))
    provinces.sort()

    communes = []
    for w in Ward.iter_all():
        kind, prefix = COMMUNE_KINDS.get(str(w.division_type), (None, None))
        if kind is None:
            fail(f"commune {w.name!r} has an unknown kind {w.division_type!r}")
        name, short = split_name(clean(w.name), prefix, "commune")
        communes.append((int(w.code), name, short, kind, int(w.province_code)))
    communes.sort()

    province_codes = [p[0] for p in provinces]
    commune_codes = [c[0] for c in communes]
    if len(set(province_codes)) != len(province_codes):
        fail("duplicate province code")
    if len(set(commune_codes)) != len(commune_codes):
        fail("duplicate commune code")
    if any(not 0 < c < 100 for c in province_codes):
        fail("a province code does not fit two digits")
    if any(not 0 < c < 100_000 for c in commune_codes):
        fail("a commune code does not fit five digits")
    unknown = {c[4] for c in communes} - set(province_codes)
    if unknown:
        fail(f"communes refer to unknown provinces {sorted(unknown)}")
    empty = set(province_codes) - {c[4] for c in communes}
    if empty:
        fail(f"provinces without communes {sorted(empty)}")
    if (len(provinces), len(communes)) != (EXPECTED_PROVINCES, EXPECTED_COMMUNES):
        fail(
            f"{len(provinces)} provinces and {len(communes)} communes, expected "
            f"{EXPECTED_PROVINCES} and {EXPECTED_COMMUNES}: check the source, then "
            "update the expected counts here and in the README"
        )

    args.out.mkdir(parents=True, exist_ok=True)
    lines = ["code,name,short_name,kind"]
    lines += [f"{code:02d},{name},{short},{kind}" for code, name, short, kind in provinces]
    (args.out / "provinces.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["code,name,short_name,kind,province"]
    lines += [
        f"{code:05d},{name},{short},{kind},{province:02d}"
        for code, name, short, kind, province in communes
    ]
    (args.out / "communes.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    # The package also ships JSON files; in 2026.9.0 they lag behind its
    # Python tables (older apostrophes; Quảng Ninh, Bắc Ninh and Đồng Nai
    # still "tỉnh"). We export the Python tables, the ones the changelog
    # says were updated, and say where the two disagree.
    import json

    nested = json.loads(vp.NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))
    json_units = {("p", p["code"]): (p["name"], p["division_type"]) for p in nested}
    json_units |= {
        ("c", w["code"]): (w["name"], w["division_type"]) for p in nested for w in p["wards"]
    }
    table_units = {("p", int(p.code)): (p.name, str(p.division_type)) for p in Province.iter_all()}
    table_units |= {("c", int(w.code)): (w.name, str(w.division_type)) for w in Ward.iter_all()}
    for key in sorted(set(json_units) | set(table_units)):
        if json_units.get(key) != table_units.get(key):
            print(
                f"note: the package's JSON has {json_units.get(key)} where its tables have "
                f"{table_units.get(key)}; the tables are exported",
                file=sys.stderr,
            )

    by_kind: dict[str, int] = {}
    for c in communes:
        by_kind[c[3]] = by_kind.get(c[3], 0) + 1
    cities = sum(1 for p in provinces if p[3] == "thanh-pho")
    print(
        f"{PACKAGE} {installed} (data {vp.__data_version__}): "
        f"{len(provinces)} provinces ({cities} centrally-run cities), "
        f"{len(communes)} communes {dict(sorted(by_kind.items()))} -> {args.out}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
