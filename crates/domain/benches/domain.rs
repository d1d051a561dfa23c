//! Throughput of the domain's hot paths: lunar conversion, due dates and
//! phone normalisation. `cargo bench -p motcua-domain` (see BENCHMARKS.md).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use motcua_domain::calendar::{LunarDate, OfficeHours, Period, WorkCalendar, lunar};
use motcua_domain::phone::{self, Recorded};

/// 1,000 days spread over the supported range (a fixed, cheap sequence).
fn spread_days() -> Vec<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
    (0..1000)
        .map(|i| first + chrono::Duration::days(i * 109))
        .collect()
}

/// 1,000 reception instants between 2018 and 2030, at all hours.
fn spread_instants() -> Vec<NaiveDateTime> {
    let first = NaiveDate::from_ymd_opt(2018, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    (0..1000)
        .map(|i| first + chrono::Duration::minutes(i * 6_571))
        .collect()
}

fn lunar_conversion(c: &mut Criterion) {
    let days = spread_days();
    let lunars: Vec<LunarDate> = days.iter().map(|d| lunar::to_lunar(*d).unwrap()).collect();
    let mut group = c.benchmark_group("lunar");
    group.throughput(Throughput::Elements(days.len() as u64));
    group.bench_function("solar_to_lunar", |b| {
        b.iter(|| {
            for d in &days {
                black_box(lunar::to_lunar(black_box(*d)).unwrap());
            }
        })
    });
    group.bench_function("lunar_to_solar", |b| {
        b.iter(|| {
            for l in &lunars {
                black_box(lunar::from_lunar(black_box(*l)).unwrap());
            }
        })
    });
    group.finish();
}

fn due_dates(c: &mut Criterion) {
    let cal = WorkCalendar::bundled().unwrap();
    let hours = OfficeHours::standard();
    let starts = spread_instants();
    // Warm the per-year tables, as a running server has them.
    for s in &starts {
        cal.due(*s, Period::WorkingDays(1), &hours).unwrap();
    }
    let mut group = c.benchmark_group("due");
    group.throughput(Throughput::Elements(starts.len() as u64));
    for (name, period) in [
        ("working_days_15", Period::WorkingDays(15)),
        ("working_hours_8", Period::WorkingHours(8)),
        ("calendar_days_15", Period::CalendarDays(15)),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                for s in &starts {
                    black_box(cal.due(black_box(*s), period, &hours).unwrap());
                }
            })
        });
    }
    group.finish();
}

fn phone_normalisation(c: &mut Criterion) {
    // A mix as found in an imported register: current mobiles, old 11-digit
    // mobiles, old and new landlines, odd spellings, a few bad ones.
    let inputs: Vec<String> = (0..1000)
        .map(|i| match i % 8 {
            0 => format!("09{:08}", i * 7919 % 100_000_000),
            1 => format!("0168 {:03} {:04}", i % 1000, i * 31 % 10_000),
            2 => format!("+84 277 {:07}", i * 7 % 10_000_000),
            3 => format!("(067) {:07}", i * 13 % 10_000_000),
            4 => format!("84.9{:08}", i * 17 % 100_000_000),
            5 => format!("3{}{:07}", i % 10, i * 19 % 10_000_000),
            6 => format!("028-{:04}-{:04}", i % 10_000, i * 3 % 10_000),
            _ => format!("12-34{i}"),
        })
        .collect();
    let recorded = Recorded::On(NaiveDate::from_ymd_opt(2016, 6, 1).unwrap());
    let mut group = c.benchmark_group("phone");
    group.throughput(Throughput::Elements(inputs.len() as u64));
    group.bench_function("normalize_unknown_date", |b| {
        b.iter(|| {
            for s in &inputs {
                let _ = black_box(phone::normalize(black_box(s), Recorded::Unknown));
            }
        })
    });
    group.bench_function("normalize_recorded_2016", |b| {
        b.iter(|| {
            for s in &inputs {
                let _ = black_box(phone::normalize(black_box(s), recorded));
            }
        })
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = lunar_conversion, due_dates, phone_normalisation
}
criterion_main!(benches);
