//! The fee receipt (*biên lai thu tiền phí, lệ phí*) of a settled payment:
//! numbered in its collecting agency's series, listing each dossier's fees,
//! the total in figures and in words, and what was given back since.

use motcua_domain::printout::{Block, Letterhead, Printout, Signature};
use motcua_domain::regime::{FormKind, Paper};
use motcua_domain::text::thousands;
use motcua_store::{Payment, PaymentState};

use crate::printouts::vi;
use crate::{AppError, Services};

/// The receipt of `payment` (settled; anything else has none).
pub async fn receipt(svc: &Services, payment: &Payment) -> Result<Printout, AppError> {
    let (PaymentState::Settled, Some(number)) = (payment.state, &payment.receipt) else {
        return Err(AppError::NotFound("payment"));
    };
    let agency = svc
        .store
        .agency(payment.beneficiary)
        .await?
        .ok_or(AppError::NotFound("agency"))?;
    let superior = match agency.parent {
        Some(p) => svc.store.agency(p).await?,
        None => None,
    };
    let account = svc.store.fee_account(agency.id).await?;
    let mut payer = String::new();
    let mut rows = Vec::new();
    for (i, item) in payment.items.iter().enumerate() {
        let dossier = svc.store.dossier(item.dossier).await?;
        if payer.is_empty()
            && let Some(d) = &dossier
        {
            payer = d.applicant.name.clone();
        }
        rows.push(vec![
            (i + 1).to_string(),
            dossier
                .map(|d| d.code.as_str().to_owned())
                .unwrap_or_default(),
            item.fee.clone(),
            item.count.to_string(),
            thousands(item.amount_vnd),
        ]);
    }
    rows.push(vec![
        String::new(),
        String::new(),
        "Tổng cộng".to_owned(),
        String::new(),
        thousands(payment.amount_vnd),
    ]);
    let paid_at = payment.paid_at.or(payment.closed_at);
    let mut blocks = vec![
        Block::Field {
            label: "Đơn vị thu".to_owned(),
            value: agency.name.clone(),
        },
        Block::Field {
            label: "Người nộp".to_owned(),
            value: payer,
        },
        Block::Field {
            label: "Hình thức nộp".to_owned(),
            value: match payment.provider.as_str() {
                "vnpay" => "Trực tuyến qua cổng thanh toán VNPay".to_owned(),
                "sandbox" => "Trực tuyến (môi trường thử nghiệm, không thu tiền thật)".to_owned(),
                other => format!("Trực tuyến ({other})"),
            },
        },
        Block::Field {
            label: "Mã thanh toán".to_owned(),
            value: payment.reference.clone(),
        },
    ];
    if let Some(txn) = &payment.provider_txn {
        blocks.push(Block::Field {
            label: "Mã giao dịch".to_owned(),
            value: txn.clone(),
        });
    }
    if let Some(at) = paid_at {
        blocks.push(Block::Field {
            label: "Thời điểm nộp".to_owned(),
            value: vi::moment(at),
        });
    }
    if let Some(a) = &account {
        blocks.push(Block::Field {
            label: "Nộp vào tài khoản".to_owned(),
            value: format!("{} — {} — {}", a.number, a.holder, a.treasury),
        });
    }
    blocks.push(Block::Table {
        columns: ["STT", "Hồ sơ", "Khoản thu", "Số lượng", "Số tiền (đồng)"]
            .map(str::to_owned)
            .to_vec(),
        rows,
        widths: vec![5, 35, 34, 10, 16],
    });
    blocks.push(Block::Field {
        label: "Số tiền bằng chữ".to_owned(),
        value: vi::amount_in_words(payment.amount_vnd),
    });
    let notes = svc
        .store
        .refunds_of_payment(payment.id)
        .await?
        .into_iter()
        .map(|r| {
            format!(
                "Đã hoàn trả {} đồng ngày {}: {}.",
                thousands(r.amount_vnd),
                vi::day_of(r.at).trim_start_matches("ngày "),
                r.reason
            )
        })
        .chain(std::iter::once(
            "Chứng từ ghi nhận khoản đã nộp trên hệ thống; chưa phải biên lai điện tử theo \
             Nghị định số 123/2020/NĐ-CP."
                .to_owned(),
        ))
        .collect();
    let place = vi::place(&svc.settings.province_name).to_owned();
    Ok(Printout {
        kind: FormKind::FeeReceipt,
        // Not an electronic receipt under ND 123/2020 (no tax-authority
        // code, no digital signature): the printout says what it is.
        form_label: "Biên lai lập từ hệ thống".to_owned(),
        paper: Paper::A5,
        landscape: false,
        letterhead: Letterhead {
            superior: superior.map(|s| vi::caps(&s.name)),
            agency: vi::caps(&agency.name),
            number: None,
        },
        place_and_date: format!(
            "{place}, {}",
            vi::day_of(paid_at.unwrap_or(payment.created_at))
        ),
        title: "BIÊN LAI THU TIỀN PHÍ, LỆ PHÍ".to_owned(),
        subtitle: vec![
            format!("Ký hiệu: {}/{}", number.symbol, number.year),
            format!("Số: {:07}", number.number),
        ],
        blocks,
        signatures: vec![Signature {
            title: "ĐƠN VỊ THU".to_owned(),
            hint: "(Lập tự động từ hệ thống, không có chữ ký)".to_owned(),
            name: None,
        }],
        notes,
        qr: None,
        file_stem: format!(
            "bien-lai-{}-{}-{:07}",
            number.symbol, number.year, number.number
        ),
    })
}
