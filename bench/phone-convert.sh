#!/usr/bin/env bash
# `motcua phone convert` throughput on a generated CSV, against this
# machine's own ceiling measured in the same run: `cat FILE > /dev/null`
# (reading the same bytes from the page cache) and `cp` (reading and writing
# them). Usage: bench/phone-convert.sh [SIZE_MB]   (default 1024)
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-1024}
work=$(mktemp -d "${TMPDIR:-/tmp}/motcua-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet --bin motcua
bin=target/release/motcua

# A register of people with a phone column in every spelling found in the
# wild: current and old mobiles, old and new landlines, separators, a few
# broken ones. Deterministic, so runs compare.
python3 - "$work/in.csv" "$size_mb" <<'PY'
import sys, random
path, size_mb = sys.argv[1], int(sys.argv[2])
random.seed(2018)
names = ["Nguyễn Văn An", "Trần Thị Bích", "Lê Hoàng Phúc", "Phạm Ngọc Ánh", "Huỳnh Đức Trọng"]
spellings = [
    lambda: "09%08d" % random.randrange(10**8),
    lambda: "0168 %03d %04d" % (random.randrange(1000), random.randrange(10**4)),
    lambda: "+84 277 %07d" % random.randrange(10**7),
    lambda: "(067) %07d" % random.randrange(10**7),
    lambda: "84.9%08d" % random.randrange(10**8),
    lambda: "3%d%07d" % (random.randrange(2, 10), random.randrange(10**7)),
    lambda: "028-%04d-%04d" % (random.randrange(10**4), random.randrange(10**4)),
    lambda: "12-34%d" % random.randrange(100),
]
target = size_mb * 1024 * 1024
with open(path, "w", encoding="utf-8", newline="") as f:
    f.write("id,ho_ten,dien_thoai,dia_chi\n")
    written, i = 0, 0
    while written < target:
        rows = []
        for _ in range(10000):
            i += 1
            phone = random.choice(spellings)()
            rows.append(f'{i},{random.choice(names)},"{phone}","Số {i % 300}, Phường 1, Cao Lãnh, Đồng Tháp"\n')
        chunk = "".join(rows)
        f.write(chunk)
        written += len(chunk.encode("utf-8"))
PY
bytes=$(stat -c %s "$work/in.csv")
mb=$(python3 -c "print(round($bytes/1048576, 1))")

seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); python3 -c "print($e-$s)"; }
cat "$work/in.csv" >/dev/null   # warm the page cache once
t_cat=$(seconds sh -c "cat '$work/in.csv' > /dev/null")
t_cp=$(seconds cp "$work/in.csv" "$work/copy.csv"); rm -f "$work/copy.csv"
t_conv=$(seconds "$bin" phone convert "$work/in.csv" --column dien_thoai -o "$work/out.csv")
summary=$("$bin" phone convert "$work/in.csv" --column dien_thoai -o "$work/out2.csv" 2>&1 | tail -n 1)

python3 - "$mb" "$t_cat" "$t_cp" "$t_conv" "$summary" <<'PY'
import sys
mb, t_cat, t_cp, t_conv, summary = float(sys.argv[1]), *map(float, sys.argv[2:5]), sys.argv[5]
rate = lambda t: mb / t
print(f"input: {mb} MiB CSV")
print(f"| step | seconds | MiB/s | ratio to cat |")
print(f"|---|---|---|---|")
for name, t in [("cat FILE > /dev/null (ceiling)", t_cat), ("cp FILE (read+write ceiling)", t_cp), ("motcua phone convert", t_conv)]:
    print(f"| {name} | {t:.2f} | {rate(t):.0f} | {t_cat / t:.3f} |")
print(f"convert vs cp: {t_cp / t_conv:.3f}")
print(f"summary: {summary}")
PY
