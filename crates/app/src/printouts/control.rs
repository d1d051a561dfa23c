//! The control sheet (*Phiếu kiểm soát quá trình giải quyết hồ sơ*, TT 01
//! form 05, TT 03 form 06): one row per hand-over of the dossier, who gave
//! it, who took it, when, and whether the one who gave it back was early,
//! on time or late.
//!
//! A hand-over to another agency's step is judged against that step's own
//! due date; every other hand-over against the dossier's legal due date in
//! force at that moment (it moves when the clock restarts after a
//! supplement or pauses for a payment).

use chrono::{DateTime, Utc};
use motcua_domain::indicators::{Timeliness, timeliness};
use motcua_domain::lifecycle::Action;
use motcua_domain::printout::{Block, Printout};
use motcua_domain::regime::FormSpec;
use motcua_store::EventRecord;

use super::{Paperwork, signature, vi};

/// One hand-over.
struct Row {
    from: String,
    to: String,
    at: DateTime<Utc>,
    due: Option<DateTime<Utc>>,
    note: String,
}

impl Row {
    fn cells(self) -> Vec<String> {
        let judged = match self.due.map(|due| timeliness(self.at, due)) {
            Some(Timeliness::Early) => "Trước hạn",
            Some(Timeliness::OnTime) => "Đúng hạn",
            Some(Timeliness::Late) => "Quá hạn",
            None => "—",
        };
        vec![
            format!("Giao: {}\nNhận: {}", self.from, self.to),
            vi::moment_short(self.at),
            judged.to_owned(),
            self.note,
        ]
    }
}

impl Paperwork {
    fn with_name(&self, unit: &str, event: &EventRecord) -> String {
        match self.official(event) {
            Some(name) => format!("{unit} ({name})"),
            None => unit.to_owned(),
        }
    }

    fn step_agency(&self, identifier: &str) -> String {
        self.step_agencies
            .get(identifier)
            .cloned()
            .unwrap_or_else(|| identifier.to_owned())
    }

    /// The rows of the sheet, in the order of the timeline.
    fn handovers(&self) -> Vec<Row> {
        let mut rows = Vec::new();
        let mut due: Option<DateTime<Utc>> = None;
        // Open steps: agency identifier and its own due date.
        let mut steps: Vec<(String, Option<DateTime<Utc>>)> = Vec::new();
        // The unit is in the letterhead; a row names only its part.
        let reception = "Bộ phận tiếp nhận và trả kết quả".to_owned();
        let deciding = &self.deciding.name;
        for event in &self.events {
            if let Some(d) = event.event.effect.original_due {
                due = Some(d);
            }
            let row = |from: String, to: String, due, note: &str| Row {
                from,
                to,
                at: event.at,
                due,
                note: note.to_owned(),
            };
            match &event.event.action {
                Action::Accept => rows.push(row(
                    format!("Người nộp hồ sơ ({})", self.dossier.applicant.name),
                    self.with_name(&reception, event),
                    None,
                    "Tiếp nhận hồ sơ",
                )),
                Action::Assign { to } => {
                    let specialist = to
                        .as_deref()
                        .and_then(|id| id.parse().ok())
                        .and_then(|id| self.officials.get(&id).cloned());
                    let taker = match specialist {
                        Some(name) => format!("{deciding} ({name})"),
                        None => deciding.clone(),
                    };
                    rows.push(row(
                        self.with_name(&reception, event),
                        taker,
                        due,
                        "Chuyển xử lý",
                    ));
                }
                Action::SendToAgency(handover) => {
                    let dues = &event.event.effect.step_dues;
                    for (i, step) in handover.steps.iter().enumerate() {
                        let step_due = dues.get(i).copied().flatten();
                        steps.push((step.agency.clone(), step_due));
                        rows.push(row(
                            self.with_name(deciding, event),
                            self.step_agency(&step.agency),
                            due,
                            &step.task,
                        ));
                    }
                }
                Action::ReturnFromAgency { agency } => {
                    let at = match agency {
                        Some(a) => steps.iter().position(|(s, _)| s == a),
                        None => (!steps.is_empty()).then_some(0),
                    };
                    let (identifier, step_due) = match at {
                        Some(i) => steps.remove(i),
                        None => (agency.clone().unwrap_or_default(), None),
                    };
                    rows.push(row(
                        self.step_agency(&identifier),
                        self.with_name(deciding, event),
                        step_due.or(due),
                        "Trả kết quả phối hợp",
                    ));
                }
                Action::SubmitForApproval => rows.push(row(
                    self.with_name(deciding, event),
                    format!("Lãnh đạo {deciding}"),
                    due,
                    "Trình phê duyệt",
                )),
                Action::SendBack { reason } => rows.push(row(
                    self.with_name(&format!("Lãnh đạo {deciding}"), event),
                    deciding.clone(),
                    due,
                    reason,
                )),
                Action::Approve | Action::Refuse { .. } => rows.push(row(
                    self.with_name(&format!("Lãnh đạo {deciding}"), event),
                    reception.clone(),
                    due,
                    if matches!(event.event.action, Action::Approve) {
                        "Phê duyệt, chuyển trả kết quả"
                    } else {
                        "Từ chối giải quyết, chuyển trả kết quả"
                    },
                )),
                Action::ReturnResult { recipient } => {
                    let taker = match recipient {
                        Some(r) => format!("{} (giấy tờ tùy thân số {})", r.name, r.identity),
                        None => self.dossier.applicant.name.clone(),
                    };
                    rows.push(row(
                        self.with_name(&reception, event),
                        taker,
                        due,
                        "Trả kết quả",
                    ));
                }
                _ => {}
            }
        }
        rows
    }
}

/// The control sheet, as it stands now; it starts at acceptance.
pub fn sheet(p: &Paperwork, spec: &FormSpec, accepted: &EventRecord) -> Printout {
    let code = p.dossier.code.as_str();
    let partners: Vec<String> = p.step_agencies.values().cloned().collect();
    Printout {
        kind: spec.kind,
        form_label: p.form_label(spec),
        paper: spec.paper,
        landscape: false,
        letterhead: p.receiving_letterhead(),
        place_and_date: p.place_and_date(accepted.at),
        title: vi::caps(spec.title_vi),
        subtitle: vec![
            format!("Mã hồ sơ: {code}"),
            format!("(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả, mã hồ sơ {code})"),
        ],
        blocks: vec![
            Block::Field {
                label: "Cơ quan (bộ phận) giải quyết hồ sơ".to_owned(),
                value: p.deciding.name.clone(),
            },
            Block::Field {
                label: "Cơ quan phối hợp giải quyết hồ sơ".to_owned(),
                value: if partners.is_empty() {
                    "Không".to_owned()
                } else {
                    partners.join("; ")
                },
            },
            Block::Table {
                columns: vec![
                    "Tên cơ quan".to_owned(),
                    "Thời gian giao, nhận hồ sơ".to_owned(),
                    "Kết quả giải quyết hồ sơ (trước hạn / đúng hạn / quá hạn)".to_owned(),
                    "Ghi chú".to_owned(),
                ],
                rows: p.handovers().into_iter().map(Row::cells).collect(),
                widths: vec![4, 3, 2, 3],
            },
        ],
        signatures: vec![signature("NGƯỜI LẬP PHIẾU", p.official(accepted))],
        notes: vec![
            "Ghi chú: Phiếu kiểm soát được chuyển kèm theo hồ sơ; người giao và người nhận \
             ghi thời gian giao, nhận và kết quả giải quyết ở mỗi bước."
                .to_owned(),
        ],
        qr: None,
        file_stem: p.file_stem(spec),
    }
}
