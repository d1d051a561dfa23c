//! The review document of a period, filled from its statistics.

use chrono::{DateTime, Utc};
use motcua_domain::regime::EvaluationId;
use motcua_domain::statistics::review::{Line, Row, Section, Table, period_words};
use motcua_domain::statistics::{Figures, Review};
use motcua_i18n::Lang;

use motcua_store::AgencyKind;

use super::{RegimeEvaluation, Statistics};
use crate::printouts::vi;
use crate::{AppError, Services};

/// A share as the review writes it: "37,5%"; "—" when nothing was counted.
pub fn percent(share: Option<f64>) -> String {
    share.map_or_else(
        || "—".to_owned(),
        |s| format!("{:.1}%", s * 100.0).replace('.', ","),
    )
}

/// A count with the share it is of a whole: "12 (37,5%)".
fn count_and_share(n: u64, share: Option<f64>) -> String {
    format!("{n} ({})", percent(share))
}

const NOT_MEASURED: &str = "Chưa đo được (hệ thống chưa ghi nhận dữ liệu trong kỳ)";

fn summary(f: &Figures) -> Vec<Line> {
    let line = |label: &str, value: String| Line {
        label: label.to_owned(),
        value,
    };
    let measured = |value: Option<String>| value.unwrap_or_else(|| NOT_MEASURED.to_owned());
    vec![
        line("Hồ sơ tiếp nhận mới trong kỳ", f.new.to_string()),
        line(
            "Tỷ lệ hồ sơ nộp trực tuyến",
            measured(f.online_share().map(|s| percent(Some(s)))),
        ),
        line(
            "Hồ sơ nộp qua dịch vụ bưu chính công ích",
            count_and_share(f.new_by_post, f.postal_share()),
        ),
        line(
            "Tỷ lệ hồ sơ trực tuyến của thủ tục toàn trình (mức độ 4, TT 23/2018/TT-BTTTT)",
            measured(f.level4_share().map(|s| percent(Some(s)))),
        ),
        line(
            "Tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn",
            measured(f.timely_share().map(|s| percent(Some(s)))),
        ),
        line(
            "Hồ sơ từ chối giải quyết (sau thẩm định)",
            f.refused.to_string(),
        ),
        line("Hồ sơ rút sau khi tiếp nhận", f.withdrawn.to_string()),
        line("Hồ sơ dừng giải quyết", f.stopped.to_string()),
        line(
            "Hồ sơ đang chờ người nộp bổ sung (tính vào cột 9)",
            f.awaiting_supplement.to_string(),
        ),
        line("Hồ sơ không được tiếp nhận", f.not_received.to_string()),
        line(
            "Hồ sơ thanh toán trực tuyến",
            count_and_share(f.new_paid_online, f.paid_online_share()),
        ),
        line(
            "Hồ sơ có giấy tờ được số hóa",
            count_and_share(f.new_digitised, f.digitised_share()),
        ),
        line(
            "Kết quả trả qua dịch vụ bưu chính công ích",
            f.results_by_post.to_string(),
        ),
        line(
            "Mức độ hài lòng (hài lòng và rất hài lòng)",
            measured(
                f.satisfied_share()
                    .map(|s| format!("{} trên {} lượt đánh giá", percent(Some(s)), f.rated)),
            ),
        ),
        line(
            "Thời gian giải quyết bình quân (không tính thời gian chờ người nộp)",
            measured(
                f.average_processing_days()
                    .map(|d| format!("{d:.2} ngày làm việc").replace('.', ",")),
            ),
        ),
    ]
}

/// A share in `lang`: "37,5%" in Vietnamese, "37.5%" in English.
pub fn percent_in(lang: Lang, share: Option<f64>) -> String {
    let text = percent(share);
    if lang == Lang::Vi {
        text
    } else {
        text.replace(',', ".")
    }
}

/// The evaluation under each set of rules, worded in `lang`: a titled list
/// per set, its last line the total and grade (or why there is none). The
/// review words it in Vietnamese, the dashboard in the visitor's language.
pub fn evaluation(evaluations: &[RegimeEvaluation], lang: Lang) -> Vec<Section> {
    let t = |key: &str| lang.tr(key);
    let decimal = |x: f64| {
        let text = format!("{x:.1}");
        if lang == Lang::Vi {
            text.replace('.', ",")
        } else {
            text
        }
    };
    let line = |label: String, value: String| Line { label, value };
    evaluations
        .iter()
        .map(|e| {
            let mut lines = Vec::new();
            if let Some(tt01) = &e.tt01 {
                for i in &tt01.indices {
                    let value = match (i.recorded, i.score) {
                        (true, Some(score)) => lang.tr_args(
                            "eval-score-over",
                            &[("score", decimal(score).into()), ("over", i.over.into())],
                        ),
                        (true, None) => t("eval-none"),
                        (false, _) => t("eval-not-measured"),
                    };
                    lines.push(line(t(i.key), value));
                }
                let verdict = match (tt01.total, tt01.grade) {
                    (Some(total), Some(grade)) => {
                        format!("{} — {}", decimal(total), t(grade.key()))
                    }
                    _ => t("eval-no-grade"),
                };
                lines.push(line(t("eval-total"), verdict));
            }
            if let Some(groups) = &e.nd118 {
                for g in groups {
                    let label = lang.tr_args(
                        "eval-group-points",
                        &[
                            ("code", g.code.into()),
                            ("name", t(g.key).into()),
                            ("points", u64::from(g.points).into()),
                        ],
                    );
                    let value = match (g.recorded, g.rate) {
                        (false, _) => t("eval-not-measured"),
                        (true, Some(rate)) => percent_in(lang, Some(rate)),
                        (true, None) => t("eval-none"),
                    };
                    lines.push(line(label, value));
                }
                lines.push(line(t("eval-points"), t("eval-points-note")));
            }
            Section {
                title: t(match e.rules {
                    EvaluationId::Tt01Art13 => "eval-rules-tt01-art13",
                    EvaluationId::Nd118Art32 => "eval-rules-nd118-art32",
                }),
                lines,
            }
        })
        .collect()
}

fn row(label: &str, f: &Figures) -> Row {
    Row {
        label: label.to_owned(),
        values: f.columns,
    }
}

/// The review of `stats`, dated `now`.
pub async fn build(
    svc: &Services,
    stats: &Statistics,
    now: DateTime<Utc>,
) -> Result<Review, AppError> {
    let province = stats.total(None);
    let by_field = Table {
        title: "I. Theo lĩnh vực".to_owned(),
        row_heading: "Lĩnh vực".to_owned(),
        rows: stats
            .fields(None)
            .iter()
            .map(|(field, f)| {
                let label = if field.is_empty() { "Khác" } else { field };
                row(label, f)
            })
            .collect(),
        total: row("Tổng cộng", &province),
    };
    let by_agency = Table {
        title: "II. Theo cơ quan giải quyết".to_owned(),
        row_heading: "Cơ quan".to_owned(),
        rows: stats
            .agencies(svc)
            .await?
            .iter()
            .map(|a| row(&a.agency.name, &a.figures))
            .collect(),
        total: row("Tổng cộng", &province),
    };
    let mut notes = vec![format!(
        "Số liệu được tổng hợp tự động từ hồ sơ trên hệ thống lúc {}.",
        vi::moment(stats.computed_at)
    )];
    if stats.running() {
        notes.push(format!(
            "Kỳ báo cáo chưa kết thúc: số liệu tính đến hết ngày {}.",
            stats.last_counted().format("%d/%m/%Y")
        ));
    }
    if let Some(from) = stats.before_law {
        notes.push(format!(
            "Kỳ báo cáo bắt đầu trước ngày {}, ngày sớm nhất hệ thống áp dụng quy định về một cửa; \
             số liệu chỉ có từ ngày đó.",
            from.format("%d/%m/%Y")
        ));
    }
    notes.push(
        "Cột (9) gồm cả hồ sơ đang chờ bổ sung, hồ sơ trả lại (dừng giải quyết) và hồ sơ rút."
            .to_owned(),
    );
    // The province's own agency issues the report; without one in the
    // record, the province named in the settings.
    let root = svc
        .store
        .child_agencies(None)
        .await?
        .into_iter()
        .find(|a| a.kind == AgencyKind::Province);
    let (issuer, province_name) = match &root {
        Some(a) => {
            let bare = ["Ủy ban nhân dân ", "UBND "]
                .iter()
                .find_map(|p| a.name.strip_prefix(p))
                .unwrap_or(&a.name);
            (vi::caps(&a.name), bare.to_owned())
        }
        None => (
            format!("UBND {}", vi::caps(&svc.settings.province_name)),
            svc.settings.province_name.clone(),
        ),
    };
    let province_name = &province_name;
    Ok(Review {
        issuer,
        period_label: if stats.spec.is_days() {
            format!("Kỳ báo cáo: {}", period_words(stats.spec))
        } else {
            format!(
                "Kỳ báo cáo: {} (từ ngày {} đến ngày {})",
                period_words(stats.spec),
                stats.first.format("%d/%m/%Y"),
                stats.last.format("%d/%m/%Y")
            )
        },
        place_and_date: format!("{}, {}", vi::place(province_name), vi::day_of(now)),
        notes,
        tables: vec![by_field, by_agency],
        summary: summary(&province),
        evaluation: evaluation(&stats.evaluations(None), Lang::Vi),
        file_stem: format!("bao-cao-{}", stats.spec).replace("..", "-den-"),
    })
}

/// The review as an XLSX workbook, written off the async workers.
pub async fn xlsx(svc: &Services, review: Review) -> Result<Vec<u8>, AppError> {
    let renderer = std::sync::Arc::clone(&svc.renderer);
    tokio::task::spawn_blocking(move || renderer.review_xlsx(&review))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(AppError::from)
}
