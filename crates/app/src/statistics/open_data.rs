//! The statistics as open data: the same figures as the dashboard, as JSON
//! and as CSV, under names that stay put (they are an interface).

use motcua_domain::statistics::{Column, Figures};
use serde_json::{Map, Value, json};

use super::Statistics;
use crate::{AppError, Services};

/// The stable name of a column in open data.
pub fn column_name(column: Column) -> &'static str {
    match column {
        Column::Received => "received",
        Column::ReceivedOnline => "received_online",
        Column::ReceivedInPerson => "received_in_person_or_post",
        Column::CarriedOver => "carried_over",
        Column::Resolved => "resolved",
        Column::Early => "resolved_early",
        Column::OnTime => "resolved_on_time",
        Column::Late => "resolved_late",
        Column::Pending => "pending",
        Column::WithinLimit => "pending_within_limit",
        Column::Overdue => "pending_overdue",
    }
}

/// Every figure, by its stable name, in a fixed order: counts first, then
/// shares (fractions of one, rounded to four places) and the average.
pub fn named(f: &Figures) -> Vec<(&'static str, Value)> {
    let mut out: Vec<(&'static str, Value)> = Column::ALL
        .iter()
        .map(|c| (column_name(*c), json!(f.get(*c))))
        .collect();
    let counts = [
        ("new", f.new),
        ("new_by_post", f.new_by_post),
        ("new_level4", f.new_level4),
        ("new_level4_online", f.new_level4_online),
        ("new_with_fees", f.new_with_fees),
        ("new_paid_online", f.new_paid_online),
        ("new_digitised", f.new_digitised),
        ("refused", f.refused),
        ("withdrawn", f.withdrawn),
        ("stopped", f.stopped),
        ("awaiting_supplement", f.awaiting_supplement),
        ("not_received", f.not_received),
        ("results_by_post", f.results_by_post),
        ("decided", f.decided),
        ("rated", f.rated),
        ("satisfied", f.satisfied),
    ];
    out.extend(counts.into_iter().map(|(k, v)| (k, json!(v))));
    let round = |x: Option<f64>, places: i32| {
        x.map_or(Value::Null, |v| {
            let p = 10f64.powi(places);
            json!((v * p).round() / p)
        })
    };
    out.extend([
        ("online_share", round(f.online_share(), 4)),
        ("postal_share", round(f.postal_share(), 4)),
        ("level4_share", round(f.level4_share(), 4)),
        ("timely_share", round(f.timely_share(), 4)),
        ("paid_online_share", round(f.paid_online_share(), 4)),
        ("digitised_share", round(f.digitised_share(), 4)),
        ("satisfied_share", round(f.satisfied_share(), 4)),
        (
            "average_processing_days",
            round(f.average_processing_days(), 2),
        ),
    ]);
    out
}

fn object(f: &Figures) -> Value {
    Value::Object(
        named(f)
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect::<Map<_, _>>(),
    )
}

fn period(stats: &Statistics) -> Value {
    json!({
        "period": stats.spec.to_string(),
        "first_day": stats.first.to_string(),
        "last_day": stats.last.to_string(),
        "cut_off_day": stats.cut_off.day(),
        "law_modelled_from": stats.before_law.map(|d| d.to_string()),
        "counted_until": stats.counted_until.to_rfc3339(),
        "computed_at": stats.computed_at.to_rfc3339(),
        "running": stats.running(),
    })
}

/// The period's figures as one JSON document: the province, each agency,
/// and each procedure at each agency.
pub async fn json(svc: &Services, stats: &Statistics) -> Result<Value, AppError> {
    let mut agencies = Vec::new();
    for row in stats.agencies(svc).await? {
        let procedures: Vec<Value> = stats
            .procedures(row.agency.id)
            .iter()
            .map(|p| {
                json!({
                    "code": p.code,
                    "name": p.name,
                    "field": p.field,
                    "figures": object(&p.figures),
                })
            })
            .collect();
        agencies.push(json!({
            "identifier": row.agency.identifier.to_string(),
            "name": row.agency.name,
            "figures": object(&row.figures),
            "procedures": procedures,
        }));
    }
    Ok(json!({
        "period": period(stats),
        "province": object(&stats.total(None)),
        "agencies": agencies,
    }))
}

/// The same as CSV: a row for the province, each agency and each procedure
/// at an agency, told apart by `level`.
pub async fn csv(svc: &Services, stats: &Statistics) -> Result<Vec<u8>, AppError> {
    let internal = |e: csv::Error| AppError::Internal(e.to_string());
    let mut out = csv::Writer::from_writer(Vec::new());
    let names: Vec<&str> = named(&Figures::default()).iter().map(|(k, _)| *k).collect();
    let mut header = vec![
        "period",
        "first_day",
        "last_day",
        "counted_until",
        "level",
        "agency_identifier",
        "agency_name",
        "field",
        "procedure_code",
        "procedure_name",
    ];
    header.extend(names);
    out.write_record(&header).map_err(internal)?;
    let lead = [
        stats.spec.to_string(),
        stats.first.to_string(),
        stats.last.to_string(),
        stats.counted_until.to_rfc3339(),
    ];
    let mut write = |level: &str, who: [&str; 5], f: &Figures| -> Result<(), AppError> {
        let mut record: Vec<String> = lead.to_vec();
        record.push(level.to_owned());
        record.extend(who.iter().map(|s| (*s).to_owned()));
        record.extend(named(f).into_iter().map(|(_, v)| match v {
            Value::Null => String::new(),
            v => v.to_string(),
        }));
        out.write_record(&record).map_err(internal)
    };
    write("province", ["", "", "", "", ""], &stats.total(None))?;
    for row in stats.agencies(svc).await? {
        let identifier = row.agency.identifier.to_string();
        write(
            "agency",
            [&identifier, &row.agency.name, "", "", ""],
            &row.figures,
        )?;
        for p in stats.procedures(row.agency.id) {
            write(
                "procedure",
                [&identifier, &row.agency.name, &p.field, &p.code, &p.name],
                &p.figures,
            )?;
        }
    }
    out.into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))
}
