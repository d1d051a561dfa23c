//! The forms written as letters: the receipt (01), the supplement request
//! (02), the refusal (03), the apology (04) and, under TT 03/2025, the stop
//! notice (05). Their wording follows the TT 01/2018 annex.

use motcua_domain::calendar;
use motcua_domain::lifecycle::Action;
use motcua_domain::printout::{Block, Printout, Signature};
use motcua_domain::regime::{DecreeId, FormKind, FormSpec};
use motcua_store::{Delivery, EventRecord};

use super::{Paperwork, signature, vi};

fn field(label: &str, value: impl Into<String>) -> Block {
    Block::Field {
        label: label.to_owned(),
        value: value.into(),
    }
}

fn paragraph(text: impl Into<String>) -> Block {
    Block::Paragraph { text: text.into() }
}

/// What was given, or a dash where the applicant gave nothing.
fn given(value: Option<&String>) -> String {
    value
        .filter(|v| !v.trim().is_empty())
        .cloned()
        .unwrap_or_else(|| "—".to_owned())
}

impl Paperwork {
    fn letter(&self, spec: &FormSpec, event: &EventRecord) -> Printout {
        Printout {
            kind: spec.kind,
            form_label: self.form_label(spec),
            paper: spec.paper,
            landscape: false,
            letterhead: self.receiving_letterhead(),
            place_and_date: self.place_and_date(event.at),
            title: vi::caps(spec.title_vi),
            subtitle: vec![format!("Mã hồ sơ: {}", self.dossier.code.as_str())],
            blocks: Vec::new(),
            signatures: Vec::new(),
            notes: Vec::new(),
            qr: None,
            file_stem: self.file_stem(spec),
        }
    }

    /// Name, address, phone and e-mail, as the dossier declared them.
    fn applicant_fields(&self, name_label: &str) -> Vec<Block> {
        let a = &self.dossier.applicant;
        vec![
            field(name_label, a.name.clone()),
            field("Địa chỉ", given(a.address.as_ref())),
            field("Số điện thoại", given(a.phone.as_ref())),
            field("Email", given(a.email.as_ref())),
        ]
    }

    /// Where the result is to be collected, as the applicant chose.
    fn collection(&self) -> String {
        match self.dossier.delivery {
            Delivery::Counter => format!("Bộ phận Một cửa — {}", self.receiving.name),
            Delivery::Post => format!(
                "Nhận qua dịch vụ bưu chính công ích tại địa chỉ: {}",
                given(self.dossier.applicant.address.as_ref())
            ),
            Delivery::Online => "Nhận trực tuyến trên Cổng dịch vụ công".to_owned(),
        }
    }

    /// The required documents of the procedure, numbered under item 1.
    fn components(&self) -> Vec<String> {
        let mut items: Vec<String> = self
            .procedure
            .iter()
            .flat_map(|p| &p.documents)
            .enumerate()
            .map(|(i, d)| {
                format!(
                    "1.{}. {} ({}: {:02} bộ)",
                    i + 1,
                    d.name,
                    vi::document_form(d.form),
                    d.sets
                )
            })
            .collect();
        let files = self.attachment_names();
        if !files.is_empty() {
            items.push(format!(
                "1.{}. Tệp điện tử kèm theo: {}",
                items.len() + 1,
                files.join("; ")
            ));
        }
        if items.is_empty() {
            items.push("1.1. Theo quy định của thủ tục".to_owned());
        }
        items
    }

    /// The dossier's files, by name.
    fn attachment_names(&self) -> Vec<String> {
        self.attachments
            .iter()
            .map(|a| a.file_name.clone())
            .collect()
    }
}

/// Form 01: *Giấy tiếp nhận hồ sơ và hẹn trả kết quả*, issued at acceptance.
pub fn receipt(
    p: &Paperwork,
    spec: &FormSpec,
    accepted: &EventRecord,
    pin: Option<&str>,
) -> Printout {
    let d = &p.dossier;
    let mut out = p.letter(spec, accepted);
    out.subtitle
        .push("(Liên: Lưu / Giao người nộp hồ sơ)".to_owned());
    out.blocks.push(paragraph(format!(
        "{} tiếp nhận hồ sơ của:",
        p.receiving.name
    )));
    out.blocks.extend(p.applicant_fields("Ông/Bà"));
    out.blocks
        .push(field("Nội dung yêu cầu giải quyết", p.procedure_name()));
    out.blocks.push(Block::List {
        label: "1. Thành phần hồ sơ nộp gồm:".to_owned(),
        items: p.components(),
    });
    out.blocks.push(field("2. Số lượng hồ sơ", "01 (bộ)"));
    out.blocks.push(field(
        "3. Thời gian giải quyết hồ sơ theo quy định",
        vi::period(d.state.processing_time),
    ));
    out.blocks
        .push(field("4. Thời gian nhận hồ sơ", vi::moment(accepted.at)));
    let due = accepted
        .event
        .effect
        .due
        .or(d.state.clock.original_due)
        .map_or_else(|| "—".to_owned(), vi::moment);
    out.blocks
        .push(field("5. Thời gian trả kết quả giải quyết hồ sơ", due));
    out.blocks
        .push(field("6. Đăng ký nhận kết quả tại", p.collection()));
    // The logbook is kept per year and lists dossiers by their code, which
    // is unique; the daily sequence alone would repeat within the year.
    out.blocks.push(paragraph(format!(
        "Vào Sổ theo dõi hồ sơ, Quyển số: {}, Số thứ tự: {}",
        calendar::to_local(d.state.entered_at).format("%Y"),
        d.code.as_str()
    )));
    out.blocks.push(field(
        "Mã tra cứu (PIN)",
        pin.map_or_else(
            || "đã cấp cho người nộp hồ sơ khi nộp hồ sơ".to_owned(),
            str::to_owned,
        ),
    ));
    out.qr = p.qr(pin);
    out.signatures = vec![
        signature("NGƯỜI NỘP HỒ SƠ", Some(d.applicant.name.clone())),
        signature("NGƯỜI TIẾP NHẬN HỒ SƠ", p.official(accepted)),
    ];
    out.notes = vec![
        "Ghi chú: Giấy tiếp nhận hồ sơ và hẹn trả kết quả được lập thành 02 liên; \
         01 liên giao cho người nộp hồ sơ; 01 liên lưu tại Bộ phận tiếp nhận và trả kết quả."
            .to_owned(),
        "Người nộp hồ sơ có thể nhận kết quả trước thời hạn ghi trên Giấy tiếp nhận hồ sơ \
         và hẹn trả kết quả."
            .to_owned(),
        // The page only, not the link with the code: a long link breaks
        // across lines at its dashes. The QR code carries the whole link.
        format!(
            "Tra cứu tình trạng hồ sơ tại {} bằng mã hồ sơ và mã tra cứu (PIN).",
            p.lookup_url.split('?').next().unwrap_or(&p.lookup_url)
        ),
    ];
    out
}

/// Form 02: *Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ*, at reception or
/// after acceptance (the last one asked).
pub fn supplement_request(p: &Paperwork, spec: &FormSpec, asked: &EventRecord) -> Printout {
    let mut out = p.letter(spec, asked);
    let (items, reason) = match &asked.event.action {
        Action::RequestReceptionSupplement { items, reason }
        | Action::RequestAppraisalSupplement { items, reason } => (items.clone(), reason.clone()),
        _ => (Vec::new(), String::new()),
    };
    out.blocks.extend(p.applicant_fields("Hồ sơ của"));
    out.blocks
        .push(field("Nội dung yêu cầu giải quyết", p.procedure_name()));
    out.blocks.push(Block::List {
        label: "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:".to_owned(),
        items: items
            .iter()
            .enumerate()
            .map(|(i, item)| format!("{}. {item}", i + 1))
            .collect(),
    });
    out.blocks.push(field("Lý do", reason));
    let who = p.official(asked).map_or_else(
        || p.receiving.name.clone(),
        |n| format!("{n}, {}", p.receiving.name),
    );
    out.blocks.push(paragraph(format!(
        "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ với {who} để được hướng dẫn."
    )));
    out.signatures = vec![signature("NGƯỜI HƯỚNG DẪN", p.official(asked))];
    out
}

/// Form 03: *Phiếu từ chối tiếp nhận giải quyết hồ sơ*.
pub fn refusal(p: &Paperwork, spec: &FormSpec, refused: &EventRecord) -> Printout {
    let mut out = p.letter(spec, refused);
    let reason = refused.event.action.text().unwrap_or_default().to_owned();
    out.blocks.push(paragraph(format!(
        "{} tiếp nhận hồ sơ của:",
        p.receiving.name
    )));
    out.blocks.extend(p.applicant_fields("Ông/Bà"));
    out.blocks
        .push(field("Nội dung yêu cầu giải quyết", p.procedure_name()));
    out.blocks.push(paragraph(format!(
        "Qua xem xét, {} thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
        p.receiving.name
    )));
    out.blocks.push(paragraph(reason));
    out.blocks.push(paragraph(
        "Xin thông báo để Ông/Bà được biết và thực hiện./.",
    ));
    out.signatures = vec![signature("NGƯỜI TIẾP NHẬN HỒ SƠ", p.official(refused))];
    out
}

/// Form 04: *Phiếu xin lỗi và hẹn lại ngày trả kết quả* (TT 01); under
/// ND 118, *Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết*.
pub fn apology(p: &Paperwork, spec: &FormSpec, apologised: &EventRecord) -> Printout {
    let d = &p.dossier;
    let mut out = p.letter(spec, apologised);
    out.letterhead = p.deciding_letterhead();
    let (reason, new_due) = match &apologised.event.action {
        Action::Apologize { reason, new_due } => (reason.clone(), Some(*new_due)),
        _ => (String::new(), None),
    };
    out.blocks
        .push(field("Kính gửi", format!("Ông/Bà {}", d.applicant.name)));
    out.blocks.push(paragraph(format!(
        "Ngày {}, {} tiếp nhận giải quyết hồ sơ đề nghị {} của Ông/Bà. Mã hồ sơ: {}.",
        d.state.clock.accepted_at.map_or_else(
            || "—".to_owned(),
            |t| vi::day_of(t).replacen("ngày ", "", 1)
        ),
        p.receiving.name,
        p.procedure_name(),
        d.code.as_str()
    )));
    out.blocks.push(field(
        "Thời hạn giải quyết theo quy định",
        d.state
            .clock
            .original_due
            .map_or_else(|| "—".to_owned(), vi::moment),
    ));
    out.blocks.push(paragraph(format!(
        "Nhưng đến nay, {}, {} chưa trả kết quả giải quyết hồ sơ của Ông/Bà.",
        vi::day_of(apologised.at),
        p.deciding.name
    )));
    out.blocks.push(field("Lý do", reason));
    let new_date = new_due.map_or_else(|| "—".to_owned(), vi::day_of);
    let promise = if d.state.regime.decree == DecreeId::Nd118_2025 {
        format!(
            "Sự chậm trễ này đã gây phiền hà cho Ông/Bà. {} xin lỗi Ông/Bà và đề nghị gia hạn \
             thời gian giải quyết hồ sơ đến {new_date}.",
            p.deciding.name
        )
    } else {
        format!(
            "Sự chậm trễ này đã gây phiền hà cho Ông/Bà. {} xin lỗi Ông/Bà và sẽ trả kết quả \
             giải quyết hồ sơ cho Ông/Bà vào {new_date}.",
            p.deciding.name
        )
    };
    out.blocks.push(paragraph(promise));
    out.blocks.push(paragraph(
        "Rất mong nhận được sự thông cảm của Ông/Bà vì sự chậm trễ này./.",
    ));
    out.signatures = vec![head_of_agency(p.official(apologised))];
    out
}

/// Form 05 of TT 03/2025: *Thông báo dừng giải quyết hồ sơ* (ND 118
/// Art. 21), at the applicant's request or under a sector law.
pub fn stop_notice(p: &Paperwork, spec: &FormSpec, stopped: &EventRecord) -> Printout {
    let d = &p.dossier;
    let mut out = p.letter(spec, stopped);
    out.letterhead = p.deciding_letterhead();
    out.blocks
        .push(field("Kính gửi", format!("Ông/Bà {}", d.applicant.name)));
    out.blocks.push(paragraph(format!(
        "{} đã tiếp nhận hồ sơ đề nghị {} của Ông/Bà, mã hồ sơ {}.",
        p.receiving.name,
        p.procedure_name(),
        d.code.as_str()
    )));
    let why = match &stopped.event.action {
        Action::StopAtApplicantRequest { .. } => format!(
            "Theo đề nghị của Ông/Bà, {} thông báo dừng giải quyết hồ sơ nêu trên kể từ {}.",
            p.deciding.name,
            vi::day_of(stopped.at)
        ),
        _ => format!(
            "Căn cứ quy định của pháp luật chuyên ngành, {} thông báo dừng giải quyết hồ sơ \
             nêu trên kể từ {}.",
            p.deciding.name,
            vi::day_of(stopped.at)
        ),
    };
    out.blocks.push(paragraph(why));
    out.blocks.push(field(
        "Lý do",
        stopped.event.action.text().unwrap_or_default().to_owned(),
    ));
    out.blocks
        .push(paragraph("Xin thông báo để Ông/Bà được biết./."));
    out.signatures = vec![head_of_agency(p.official(stopped))];
    debug_assert_eq!(spec.kind, FormKind::StopNotice);
    out
}

/// The head of the deciding agency signs and seals the letters it sends.
fn head_of_agency(name: Option<String>) -> Signature {
    Signature {
        title: "THỦ TRƯỞNG CƠ QUAN".to_owned(),
        hint: "(Ký, ghi rõ họ tên và đóng dấu)".to_owned(),
        name,
    }
}
