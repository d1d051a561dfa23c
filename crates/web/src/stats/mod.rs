//! The public statistics: the dashboard `/thong-ke` (no log-in; figures per
//! agency and period, drill-down from the province to an agency and its
//! procedures, charts as SVG beside tables with the same numbers), the
//! open data behind it as JSON and CSV, and the review document for the
//! officials who file it.

mod cache;
mod chart;
mod periods;

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use motcua_app::Services;
use motcua_app::statistics::{self, Statistics, open_data};
use motcua_domain::calendar;
use motcua_domain::statistics::review::Section;
use motcua_domain::statistics::{Column, Figures, PeriodError, PeriodSpec};
use motcua_i18n::Lang;
use motcua_store::Agency;
use serde::Deserialize;

pub use cache::StatsCache;

use crate::error::{DomainText, ProblemKind, WebError};
use crate::extract::Query;
use crate::page::{PageCtx, render};
use crate::state::AppState;
use crate::visitor::OfficialVisitor;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct Params {
    /// The period: `2026-Q3`, `2026-H1`, `2026-07`, `2026`, or days.
    #[serde(default)]
    ky: String,
    /// An agency's identifier, to see its procedures.
    #[serde(default, rename = "co-quan")]
    co_quan: String,
    /// The review's format: `html` (default), `pdf` or `xlsx`.
    #[serde(default, rename = "dinh-dang")]
    dinh_dang: String,
}

/// The longest day range an official may ask for.
const MAX_DAYS: u64 = 366;

/// The period asked for, or the running quarter. Anyone may ask for a
/// month, quarter, half or year; a range of days (at most a year) is for
/// officials, so a visitor cannot make the server count a new range on
/// every request.
fn period_of(state: &AppState, params: &Params, official: bool) -> Result<PeriodSpec, WebError> {
    let text = params.ky.trim();
    if text.is_empty() {
        let today = calendar::to_local(Utc::now()).date();
        return Ok(periods::default(today, state.report_cut_off()));
    }
    let spec = text
        .parse::<PeriodSpec>()
        .map_err(|e| WebError::from(motcua_app::AppError::Period(e)))?;
    if spec.is_days() && (!official || spec.length_in_days(state.report_cut_off()) > MAX_DAYS) {
        return Err(WebError::from(motcua_app::AppError::Period(
            PeriodError::Malformed(text.to_owned()),
        )));
    }
    Ok(spec)
}

/// The statistics of `spec`, from the cache when fresh. Computed in a
/// task of its own, one at a time: a request that times out does not
/// throw the work away, the next asking finds it kept. A page never waits
/// for a long recount (after an upgrade): it gets the kept sums as they
/// are, marked [`Statistics::behind`].
async fn statistics_of(state: &AppState, spec: PeriodSpec) -> Result<Arc<Statistics>, WebError> {
    let svc = Arc::clone(
        state
            .services()
            .ok_or_else(|| WebError::Unavailable("no store is configured".into()))?,
    );
    let cut_off = state.report_cut_off();
    let key = format!("{spec}@{}", cut_off.day());
    let cache = state.stats_cache();
    if let Some(hit) = cache.get(&key) {
        return Ok(hit);
    }
    let work = tokio::spawn(async move {
        let _turn = cache.turn().await;
        if let Some(hit) = cache.get(&key) {
            return Ok(hit);
        }
        let stats = Arc::new(statistics::compute_promptly(&svc, spec, cut_off, Utc::now()).await?);
        cache.put(key, Arc::clone(&stats));
        Ok::<_, motcua_app::AppError>(stats)
    });
    match work.await {
        Ok(result) => Ok(result?),
        Err(e) => Err(WebError::from(motcua_app::AppError::Internal(
            e.to_string(),
        ))),
    }
}

/// The agency a drill-down names, if any.
async fn agency_of(svc: &Services, identifier: &str) -> Result<Option<Agency>, WebError> {
    let identifier = identifier.trim();
    if identifier.is_empty() {
        return Ok(None);
    }
    match svc
        .store
        .agency_by_identifier(identifier)
        .await
        .map_err(motcua_app::AppError::from)?
    {
        Some(a) => Ok(Some(a)),
        None => Err(WebError::from(motcua_app::AppError::NotFound("agency"))),
    }
}

/// One row of the page's table.
pub(crate) struct Line {
    label: String,
    /// A drill-down link, for an agency.
    href: Option<String>,
    /// The group it belongs to (a procedure's field).
    group: String,
    values: [u64; 11],
}

/// Rows under one heading (a field, at an agency; one unnamed group for
/// the province), each its own `<tbody>`.
pub(crate) struct LineGroup {
    name: String,
    lines: Vec<Line>,
}

/// Consecutive lines of the same group together.
fn grouped(lines: Vec<Line>) -> Vec<LineGroup> {
    let mut out: Vec<LineGroup> = Vec::new();
    for line in lines {
        match out.last_mut() {
            Some(g) if g.name == line.group => g.lines.push(line),
            _ => out.push(LineGroup {
                name: line.group.clone(),
                lines: vec![line],
            }),
        }
    }
    out
}

/// A headline figure.
pub(crate) struct Tile {
    label: String,
    value: String,
}

#[derive(Template)]
#[template(path = "stats/dashboard.html")]
struct Dashboard {
    ctx: PageCtx,
    period: String,
    period_value: String,
    days: String,
    running: Option<String>,
    before_law: Option<String>,
    /// Said when the figures are read before a recount caught up.
    behind: Option<String>,
    choices: Vec<(String, String)>,
    agency: Option<Agency>,
    tiles: Vec<Tile>,
    chart: String,
    evaluations: Vec<Section>,
    headings: Vec<(u8, String)>,
    row_heading: String,
    groups: Vec<LineGroup>,
    total: [u64; 11],
    province_href: String,
    json_href: String,
    csv_href: String,
    review_href: Option<String>,
}

fn tiles(ctx: &PageCtx, f: &Figures) -> Vec<Tile> {
    let lang = ctx.lang();
    let tile = |key: &str, value: String| Tile {
        label: ctx.t(key),
        value,
    };
    let days = f.average_processing_days().map_or_else(
        || "—".to_owned(),
        |d| {
            let text = format!("{d:.1}");
            if lang == Lang::Vi {
                text.replace('.', ",")
            } else {
                text
            }
        },
    );
    vec![
        tile("stats-tile-received", f.get(Column::Received).to_string()),
        tile("stats-tile-resolved", f.get(Column::Resolved).to_string()),
        tile(
            "stats-tile-timely",
            statistics::review::percent_in(lang, f.timely_share()),
        ),
        tile("stats-tile-overdue", f.get(Column::Overdue).to_string()),
        tile(
            "stats-tile-online",
            statistics::review::percent_in(lang, f.online_share()),
        ),
        tile(
            "stats-tile-post",
            statistics::review::percent_in(lang, f.postal_share()),
        ),
        tile(
            "stats-tile-level4",
            statistics::review::percent_in(lang, f.level4_share()),
        ),
        tile(
            "stats-tile-paid-online",
            statistics::review::percent_in(lang, f.paid_online_share()),
        ),
        tile(
            "stats-tile-digitised",
            statistics::review::percent_in(lang, f.digitised_share()),
        ),
        tile(
            "stats-tile-satisfied",
            statistics::review::percent_in(lang, f.satisfied_share()),
        ),
        tile("stats-tile-days", days),
    ]
}

fn query(spec: PeriodSpec, agency: Option<&Agency>) -> String {
    use crate::lang::percent_encode as enc;
    let mut q = format!("ky={}", enc(&spec.to_string()));
    if let Some(a) = agency {
        q.push_str(&format!("&co-quan={}", enc(a.identifier.as_str())));
    }
    q
}

/// `GET /thong-ke`: the dashboard.
pub(crate) async fn dashboard(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(params): Query<Params>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let lang = ctx.lang();
    let spec = period_of(&state, &params, ctx.official())?;
    let agency = agency_of(svc, &params.co_quan).await?;
    let stats = statistics_of(&state, spec).await?;
    let total = stats.total(agency.as_ref().map(|a| a.id));
    let lines: Vec<Line> = match &agency {
        None => stats
            .agencies(svc)
            .await?
            .into_iter()
            .map(|row| Line {
                href: Some(format!("/thong-ke?{}", query(spec, Some(&row.agency)))),
                label: row.agency.name,
                group: String::new(),
                values: row.figures.columns,
            })
            .collect(),
        Some(a) => stats
            .procedures(a.id)
            .into_iter()
            .map(|p| Line {
                label: format!("{} · {}", p.code, p.name),
                href: Some(format!("/thu-tuc/{}", p.code)),
                group: p.field,
                values: p.figures.columns,
            })
            .collect(),
    };
    let bars: Vec<chart::Bar> = lines
        .iter()
        .map(|l| chart::Bar {
            label: l.label.clone(),
            values: vec![
                l.values[Column::Early.index()],
                l.values[Column::OnTime.index()],
                l.values[Column::Late.index()],
            ],
        })
        .collect();
    let series = [
        ("stats-col-early", "#2e7d32"),
        ("stats-col-on-time", "#1565c0"),
        ("stats-col-late", "#c62828"),
    ]
    .map(|(key, colour)| chart::Series {
        label: ctx.t(key),
        colour,
    });
    let chart = chart::stacked_bars(
        "bieu-do",
        &ctx.t("stats-chart-resolved"),
        &ctx.t("stats-chart-desc"),
        &series,
        &bars,
    );
    let today = calendar::to_local(Utc::now()).date();
    let mut choices: Vec<(String, String)> = periods::choices(today, state.report_cut_off())
        .into_iter()
        .map(|p| (p.to_string(), periods::label(lang, p)))
        .collect();
    if !choices.iter().any(|(v, _)| *v == spec.to_string()) {
        choices.insert(0, (spec.to_string(), periods::label(lang, spec)));
    }
    let running = stats.running().then(|| ctx.date(&stats.last_counted()));
    let q = query(spec, None);
    let is_reporter = ctx.official();
    let page = Dashboard {
        period: periods::label(lang, spec),
        period_value: spec.to_string(),
        days: lang.tr_args(
            "stats-days",
            &[
                ("first", ctx.date(&stats.first).into()),
                ("last", ctx.date(&stats.last).into()),
            ],
        ),
        running,
        before_law: stats.before_law.map(|d| ctx.date(&d)),
        behind: stats.behind.map(|b| lang.describe(&b)),
        choices,
        tiles: tiles(&ctx, &total),
        chart,
        evaluations: statistics::review::evaluation(
            &stats.evaluations(agency.as_ref().map(|a| a.id)),
            lang,
        ),
        headings: Column::ALL
            .iter()
            .map(|c| (c.number(), ctx.t(c.key())))
            .collect(),
        row_heading: ctx.t(if agency.is_some() {
            "stats-row-procedure"
        } else {
            "stats-row-agency"
        }),
        groups: grouped(lines),
        total: total.columns,
        province_href: format!("/thong-ke?{q}"),
        json_href: format!("/thong-ke/du-lieu.json?{q}"),
        csv_href: format!("/thong-ke/du-lieu.csv?{q}"),
        review_href: is_reporter.then(|| format!("/can-bo/bao-cao-thong-ke?{q}")),
        agency,
        ctx,
    };
    render(lang, StatusCode::OK, &page)
}

fn file(bytes: Vec<u8>, content_type: &'static str, name: Option<&str>) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    // Public figures: a proxy may keep them as long as the cache here does.
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    if let Some(name) = name
        && let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
    {
        headers.insert(CONTENT_DISPOSITION, v);
    }
    response
}

/// The figures an open-data request asks for (a month, quarter, half or
/// year: anyone may ask).
async fn open_statistics<'s>(
    state: &'s AppState,
    params: &Params,
) -> Result<(&'s Services, PeriodSpec, Arc<Statistics>), WebError> {
    let svc = state.require_services()?;
    let spec = period_of(state, params, false)?;
    let stats = complete(statistics_of(state, spec).await?)?;
    Ok((svc, spec, stats))
}

/// The figures, when they count every dossier: a file (open data, the
/// review to file) is not published from sums a recount has not caught up
/// with; it is refused for a minute, with the reason, instead.
fn complete(stats: Arc<Statistics>) -> Result<Arc<Statistics>, WebError> {
    match stats.behind {
        None => Ok(stats),
        Some(behind) => Err(WebError::Refused {
            kind: ProblemKind::Unavailable,
            message: DomainText::of(&behind),
            retry_after: Some(60),
        }),
    }
}

/// `GET /thong-ke/du-lieu.json`: the period's figures as open data.
pub(crate) async fn open_json(
    State(state): State<AppState>,
    Query(params): Query<Params>,
) -> Result<Response, WebError> {
    let (svc, _, stats) = open_statistics(&state, &params).await?;
    let json = open_data::json(svc, &stats).await?;
    let bytes = serde_json::to_vec_pretty(&json)
        .map_err(|e| WebError::from(motcua_app::AppError::Internal(e.to_string())))?;
    Ok(file(bytes, "application/json; charset=utf-8", None))
}

/// `GET /thong-ke/du-lieu.csv`: the same as CSV.
pub(crate) async fn open_csv(
    State(state): State<AppState>,
    Query(params): Query<Params>,
) -> Result<Response, WebError> {
    let (svc, spec, stats) = open_statistics(&state, &params).await?;
    let bytes = open_data::csv(svc, &stats).await?;
    let name = format!("thong-ke-{spec}.csv").replace("..", "-den-");
    Ok(file(bytes, "text/csv; charset=utf-8", Some(&name)))
}

/// `GET /can-bo/bao-cao-thong-ke`: the review document to file, as HTML,
/// PDF or XLSX. Any official may draw it: its figures are the public
/// dashboard's, and whoever compiles the report (an administrator, the
/// one-stop unit's staff) signs it as the one who drew it up.
pub(crate) async fn review(
    State(state): State<AppState>,
    _who: OfficialVisitor,
    Query(params): Query<Params>,
) -> Result<Response, WebError> {
    let format = params.dinh_dang.as_str();
    if !matches!(format, "" | "html" | "pdf" | "xlsx") {
        return Err(WebError::BadRequest {
            reason: format!("dinh-dang must be html, pdf or xlsx, not “{format}”"),
        });
    }
    let svc = state.require_services()?;
    let spec = period_of(&state, &params, true)?;
    let stats = complete(statistics_of(&state, spec).await?)?;
    let review = statistics::review::build(svc, &stats, Utc::now()).await?;
    let stem = review.file_stem.clone();
    let no_store = |mut r: Response| {
        r.headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        r
    };
    match format {
        "xlsx" => {
            let bytes = statistics::review::xlsx(svc, review).await?;
            Ok(no_store(file(
                bytes,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                Some(&format!("{stem}.xlsx")),
            )))
        }
        "pdf" => {
            let bytes = motcua_app::printouts::pdf(svc, review.printout()).await?;
            Ok(no_store(file(
                bytes,
                "application/pdf",
                Some(&format!("{stem}.pdf")),
            )))
        }
        // "" or "html", as checked above.
        _ => Ok(no_store(file(
            review_page(&review, false)?.into_bytes(),
            "text/html; charset=utf-8",
            None,
        ))),
    }
}

#[derive(Template)]
#[template(path = "stats/review.html")]
struct ReviewPage<'a> {
    r: &'a motcua_domain::statistics::Review,
    headings: Vec<String>,
    charts: Vec<String>,
    /// The style written into the document (a file kept on its own), or
    /// none to link the site's style sheet (the page served here, whose
    /// content security policy allows no inline style).
    inline_css: Option<&'static str>,
    css_href: &'static str,
}

/// The review as one self-contained HTML document (its style inline, its
/// charts as SVG): what the command line writes with `--format html`.
pub fn review_document(review: &motcua_domain::statistics::Review) -> Result<String, WebError> {
    review_page(review, true)
}

/// The review as HTML: its style inline, or linked for the page served
/// here.
fn review_page(
    review: &motcua_domain::statistics::Review,
    inline: bool,
) -> Result<String, WebError> {
    let series = [
        ("Giải quyết trước hạn", "#2e7d32"),
        ("Giải quyết đúng hạn", "#1565c0"),
        ("Giải quyết quá hạn", "#c62828"),
    ]
    .map(|(label, colour)| chart::Series {
        label: label.to_owned(),
        colour,
    });
    let charts = review
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let bars: Vec<chart::Bar> = t
                .rows
                .iter()
                .map(|r| chart::Bar {
                    label: r.label.clone(),
                    values: [Column::Early, Column::OnTime, Column::Late]
                        .iter()
                        .map(|c| r.values[c.index()])
                        .collect(),
                })
                .collect();
            chart::stacked_bars(
                &format!("bieu-do-{}", i + 1),
                &t.title,
                "Số liệu ở bảng ngay phía trên.",
                &series,
                &bars,
            )
        })
        .collect();
    let page = ReviewPage {
        r: review,
        headings: Column::ALL
            .iter()
            .map(|c| motcua_domain::statistics::review::heading(*c).to_owned())
            .collect(),
        charts,
        inline_css: inline.then_some(crate::assets::REVIEW_CSS),
        css_href: crate::assets::review_css_path(),
    };
    page.render()
        .map_err(|e| WebError::from(motcua_app::AppError::Internal(e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use motcua_app::statistics::kept::Behind;
    use motcua_domain::statistics::CutOff;

    fn read(behind: Option<Behind>) -> Arc<Statistics> {
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        Arc::new(Statistics {
            spec: "2026-Q1".parse().unwrap(),
            cut_off: CutOff::ND09,
            first: day,
            last: day,
            before_law: None,
            counted_until: Utc::now(),
            computed_at: Utc::now(),
            cells: Vec::new(),
            behind,
        })
    }

    #[test]
    fn files_are_not_published_from_sums_a_recount_has_not_caught_up_with() {
        assert!(complete(read(None)).is_ok());
        for behind in [Behind::MoreThan(12_000), Behind::Everything] {
            match complete(read(Some(behind))) {
                Err(WebError::Refused {
                    kind,
                    message,
                    retry_after,
                }) => {
                    assert_eq!(kind, ProblemKind::Unavailable);
                    assert_eq!(retry_after, Some(60));
                    let said = message.say(Lang::Vi);
                    assert!(said.contains("chưa đầy đủ"), "{said}");
                    if let Behind::MoreThan(_) = behind {
                        assert!(said.contains("12"), "{said}");
                    }
                }
                other => panic!("{other:?}"),
            }
        }
    }
}
