//! Fees paid online, end to end on a real SQLite store: the VNPay
//! protocol against vectors computed outside this code, a checkout across
//! two collecting agencies through the sandbox gateway, notices that are
//! forged, repeated, for another amount or an unknown order, an assessed
//! fee that pauses the clock until it is paid, and refunds after a
//! refusal.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use motcua_app::AppError;
use motcua_app::payments::provider::{SANDBOX_SECRET, SANDBOX_TMN_CODE};
use motcua_app::payments::reconcile::{self, Difference};
use motcua_app::payments::{self, VnPay, sandbox, vnpay};
use motcua_domain::catalog::{Fee, FeeDue, ServiceLevel};
use motcua_domain::lifecycle::{Action, ActionKind, AssessedFee, Stage};
use motcua_store::{Agency, DossierRecord, FeeAccount, PaymentState, User};

use super::office::{Office, office, vn};

/// Independently computed: `tools/vnpay-vectors/vectors.py` (CI checks
/// that these are its output).
mod vectors {
    pub const SECRET: &str = "VNPAYTESTSECRET0123456789ABCDEFG";
    pub const PAY_CANONICAL: &str = "vnp_Amount=20800000&vnp_Command=pay&vnp_CreateDate=20260302091500&vnp_CurrCode=VND&vnp_ExpireDate=20260302093000&vnp_IpAddr=203.162.4.190&vnp_Locale=vn&vnp_OrderInfo=Nop+phi%2C+le+phi+ho+so+000.00.12.H29-260302-0001&vnp_OrderType=other&vnp_ReturnUrl=https%3A%2F%2Fdichvucong.example.vn%2Fthanh-toan%2Fket-qua&vnp_TmnCode=DEMOV210&vnp_TxnRef=MC0192ABCDEF&vnp_Version=2.1.0";
    pub const PAY_HASH: &str = "34f0b4556964e3116fff4016eec3bd20393ed03c8900b38064c6d5f676908e6d757b43a69fef3f7ca083309dd4eec91c3cbf7f853e92ab5990001ba1ba06d3b5";
    pub const IPN_CANONICAL: &str = "vnp_Amount=20800000&vnp_BankCode=NCB&vnp_BankTranNo=&vnp_CardType=ATM&vnp_OrderInfo=N%E1%BB%99p+ph%C3%AD+h%E1%BB%93+s%C6%A1%3A+2+kho%E1%BA%A3n%3F&vnp_PayDate=20260302091742&vnp_ResponseCode=00&vnp_TmnCode=DEMOV210&vnp_TransactionNo=14226112&vnp_TransactionStatus=00&vnp_TxnRef=MC0192ABCDEF";
    pub const IPN_HASH: &str = "70085ccbe88761e33476dc135b628ae64b8b72851106ea80c3abcd20b2d7a9738bc232be66a756c83ea0bb380a5da863691ed30b4a23f8902eabd30aad5a09f5";
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn pay_params() -> Vec<(String, String)> {
    pairs(&[
        ("vnp_Version", "2.1.0"),
        ("vnp_Command", "pay"),
        ("vnp_TmnCode", "DEMOV210"),
        ("vnp_Amount", "20800000"),
        ("vnp_CurrCode", "VND"),
        ("vnp_TxnRef", "MC0192ABCDEF"),
        (
            "vnp_OrderInfo",
            "Nop phi, le phi ho so 000.00.12.H29-260302-0001",
        ),
        ("vnp_OrderType", "other"),
        ("vnp_Locale", "vn"),
        (
            "vnp_ReturnUrl",
            "https://dichvucong.example.vn/thanh-toan/ket-qua",
        ),
        ("vnp_IpAddr", "203.162.4.190"),
        ("vnp_CreateDate", "20260302091500"),
        ("vnp_ExpireDate", "20260302093000"),
    ])
}

fn ipn_params() -> Vec<(String, String)> {
    pairs(&[
        ("vnp_Amount", "20800000"),
        ("vnp_BankCode", "NCB"),
        ("vnp_BankTranNo", ""),
        ("vnp_CardType", "ATM"),
        ("vnp_OrderInfo", "Nộp phí hồ sơ: 2 khoản?"),
        ("vnp_PayDate", "20260302091742"),
        ("vnp_ResponseCode", "00"),
        ("vnp_TmnCode", "DEMOV210"),
        ("vnp_TransactionNo", "14226112"),
        ("vnp_TransactionStatus", "00"),
        ("vnp_TxnRef", "MC0192ABCDEF"),
    ])
}

#[test]
fn the_signature_is_the_one_computed_independently() {
    for (params, canonical, hash) in [
        (pay_params(), vectors::PAY_CANONICAL, vectors::PAY_HASH),
        (ipn_params(), vectors::IPN_CANONICAL, vectors::IPN_HASH),
    ] {
        assert_eq!(vnpay::canonical(&params), canonical);
        assert_eq!(vnpay::sign(&params, vectors::SECRET), hash);
        // Signed, in either case of hex, whatever the order of the query.
        let mut signed = params.clone();
        signed.reverse();
        signed.push((vnpay::SECURE_HASH.into(), hash.to_ascii_uppercase()));
        signed.push(("vnp_SecureHashType".into(), "HmacSHA512".into()));
        assert!(vnpay::verify(&signed, vectors::SECRET));
        // Another key, a changed amount, no signature: not believed.
        assert!(!vnpay::verify(&signed, "another secret"));
        let tampered: Vec<(String, String)> = signed
            .iter()
            .map(|(k, v)| {
                if k == "vnp_Amount" {
                    (k.clone(), "100".to_owned())
                } else {
                    (k.clone(), v.clone())
                }
            })
            .collect();
        assert!(!vnpay::verify(&tampered, vectors::SECRET));
        assert!(!vnpay::verify(&params, vectors::SECRET));
    }
    assert_eq!(vnpay::parse_amount("20800000"), Some(208_000));
    assert_eq!(vnpay::parse_amount("20800050"), None);
    assert_eq!(
        vnpay::parse_timestamp("20260302091742"),
        Some(vn(2026, 3, 2, 9, 17) + TimeDelta::seconds(42))
    );
}

/// The office with a citizen, the marital-status certificate (level 4)
/// charging 10 000 đ on filing (refundable) and 8 000 đ a copy when
/// assessed, and both communes' fee accounts.
struct Payments {
    o: Office,
    citizen: User,
}

const FILING_FEE: &str = "Lệ phí cấp Giấy xác nhận tình trạng hôn nhân";
const COPY_FEE: &str = "Phí cấp bản sao";

async fn payments_office() -> Payments {
    let o = office().await;
    let store = &o.svc.store;
    let mut version = store
        .procedure_in_force("1.004873", NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())
        .await
        .unwrap()
        .unwrap();
    version.procedure.level = ServiceLevel::Full;
    version.procedure.fees = vec![
        Fee {
            name: FILING_FEE.into(),
            amount_vnd: 10_000,
            note: None,
            due: FeeDue::Submission,
            refundable: true,
            collected_by: None,
        },
        Fee {
            name: COPY_FEE.into(),
            amount_vnd: 8_000,
            note: None,
            due: FeeDue::Assessed,
            refundable: false,
            collected_by: None,
        },
    ];
    store.put_procedure_version(&version).await.unwrap();
    for (agency, symbol) in [(&o.commune, "BL-CL"), (&o.other, "BL-SD")] {
        store
            .set_fee_account(&FeeAccount {
                agency: agency.id,
                number: format!("3511.{symbol}"),
                holder: agency.name.clone(),
                treasury: "Kho bạc Nhà nước khu vực XVIII".into(),
                receipt_symbol: symbol.into(),
            })
            .await
            .unwrap();
    }
    let citizen = super::citizen(store.as_ref(), "Nguyễn Văn An", "an@example.vn").await;
    Payments { o, citizen }
}

impl Payments {
    /// A dossier `citizen` filed online at `agency`.
    async fn filed(&self, agency: &Agency, at: DateTime<Utc>) -> DossierRecord {
        self.o
            .filed_online(agency, Some(self.citizen.id), at, "Nguyễn Văn An")
            .await
    }

    /// The query of the payment URL for `reference`.
    async fn pay_query(&self, reference: &str, at: DateTime<Utc>) -> Vec<(String, String)> {
        let url = payments::pay_url(&self.o.svc, &self.citizen, reference, "10.0.0.7", false, at)
            .await
            .unwrap();
        let url = url::Url::parse(&url).unwrap();
        assert_eq!(
            url.as_str().split('?').next().unwrap(),
            "https://dichvucong.example.vn/thanh-toan/thu-nghiem"
        );
        url.query_pairs().into_owned().collect()
    }

    async fn events(&self, d: &DossierRecord) -> Vec<Action> {
        self.o
            .svc
            .store
            .events(d.id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.event.action)
            .collect()
    }
}

/// A notice signed with the sandbox's key, as the gateway would send it.
fn notice(reference: &str, amount_vnd: u64, code: &str) -> Vec<(String, String)> {
    let params = pairs(&[
        ("vnp_Amount", &(amount_vnd * 100).to_string()),
        ("vnp_PayDate", "20260302100000"),
        ("vnp_ResponseCode", code),
        ("vnp_TmnCode", SANDBOX_TMN_CODE),
        ("vnp_TransactionNo", "555001"),
        ("vnp_TransactionStatus", code),
        ("vnp_TxnRef", reference),
    ]);
    let query = vnpay::signed_query(&params, SANDBOX_SECRET);
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

#[tokio::test]
async fn a_checkout_across_two_agencies_settles_each_once() {
    let p = payments_office().await;
    let svc = &p.o.svc;
    assert_eq!(svc.payments.name(), "sandbox");
    let at = vn(2026, 3, 2, 9, 0);
    let here = p.filed(&p.o.commune, at).await;
    let there = p.filed(&p.o.other, at).await;
    let fees = payments::fees_of(svc, &here).await.unwrap();
    assert!(fees.online);
    assert_eq!(fees.total_owed(), 10_000);
    assert_eq!(fees.owed[0].beneficiary, p.o.commune.id);

    let checkout = payments::checkout(svc, &p.citizen, &[here.id, there.id, here.id], at)
        .await
        .unwrap();
    let lines = payments::checkout_of(svc, &p.citizen, checkout)
        .await
        .unwrap();
    assert_eq!(lines.len(), 2, "one payment per collecting agency");
    let by = |agency: &Agency| {
        lines
            .iter()
            .find(|l| l.payment.beneficiary == agency.id)
            .unwrap()
            .payment
            .clone()
    };
    let (first, second) = (by(&p.o.commune), by(&p.o.other));
    assert_eq!(first.amount_vnd, 10_000);
    assert_eq!(first.dossiers(), vec![here.id]);
    assert_eq!(second.dossiers(), vec![there.id]);

    // The payment URL is signed and says what is paid; the sandbox pays it.
    let at = at + TimeDelta::minutes(5);
    let query = p.pay_query(&first.reference, at).await;
    let get = |name: &str| vnpay::param(&query, name).unwrap().to_owned();
    assert!(vnpay::verify(&query, SANDBOX_SECRET));
    assert_eq!(get("vnp_Amount"), "1000000");
    assert_eq!(get("vnp_TxnRef"), first.reference);
    assert_eq!(get("vnp_IpAddr"), "10.0.0.7");
    assert!(get("vnp_OrderInfo").contains(here.code.as_str()));
    assert_eq!(
        sandbox::order(svc, &query).await.unwrap().amount_vnd,
        first.amount_vnd
    );
    let back = sandbox::pay(svc, &query, true, at).await.unwrap();
    assert!(back.starts_with("https://dichvucong.example.vn/thanh-toan/ket-qua?"));
    let returned: Vec<(String, String)> = url::Url::parse(&back)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    let (paid, said) = payments::returned(svc, &p.citizen, &returned)
        .await
        .unwrap();
    assert!(said);
    assert_eq!(paid.state, PaymentState::Settled);
    let receipt = paid.receipt.clone().unwrap();
    assert_eq!((receipt.symbol.as_str(), receipt.number), ("BL-CL", 1));
    assert!(matches!(
        p.events(&here).await.last(),
        Some(Action::FeePaid {
            amount_vnd: 10_000,
            ..
        })
    ));
    assert!(payments::fees_of(svc, &here).await.unwrap().owed.is_empty());
    // Paid, it cannot be sent to the gateway again.
    assert!(
        payments::pay_url(svc, &p.citizen, &first.reference, "10.0.0.7", false, at)
            .await
            .is_err()
    );

    // The same notice again, one forged, one for another amount, one for
    // an unknown order: each answered in the gateway's codes, none changes
    // anything.
    let events_before = p.events(&here).await.len();
    let mut forged = notice(&second.reference, 10_000, "00");
    forged.iter_mut().for_each(|(k, v)| {
        if k == vnpay::SECURE_HASH {
            v.replace_range(0..2, if v.starts_with("00") { "11" } else { "00" });
        }
    });
    let answers = [
        payments::notify(svc, &returned, at).await.code,
        payments::notify(svc, &forged, at).await.code,
        payments::notify(svc, &notice(&second.reference, 9_000, "00"), at)
            .await
            .code,
        payments::notify(svc, &notice("MC0000UNKNOWN", 10_000, "00"), at)
            .await
            .code,
    ];
    assert_eq!(answers, ["02", "97", "04", "01"]);
    assert_eq!(p.events(&here).await.len(), events_before);
    let second_now = svc
        .store
        .payment_by_reference(&second.reference)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second_now.state, PaymentState::Pending);
    // Its dossier shows the attempt started, nothing more.
    assert!(matches!(
        p.events(&there).await.as_slice(),
        [_, Action::FeePaymentStarted { payment, amount_vnd: 10_000 }] if *payment == second.reference
    ));

    // The second is cancelled at the gateway. That attempt is not sent
    // again (the gateway takes a reference once); a new checkout pays it,
    // and a checkout replaces the attempts still open before it.
    let query = p.pay_query(&second.reference, at).await;
    sandbox::pay(svc, &query, false, at).await.unwrap();
    let failed = payments::payment_of(svc, &p.citizen, &second.reference)
        .await
        .unwrap();
    assert_eq!(failed.state, PaymentState::Failed);
    assert!(
        payments::pay_url(svc, &p.citizen, &second.reference, "10.0.0.7", false, at)
            .await
            .is_err()
    );
    let citizen = &p.citizen;
    let retry = |checkout| async move {
        payments::checkout_of(svc, citizen, checkout).await.unwrap()[0]
            .payment
            .clone()
    };
    let stale = retry(
        payments::checkout(svc, &p.citizen, &[there.id], at)
            .await
            .unwrap(),
    )
    .await;
    let fresh = retry(
        payments::checkout(svc, &p.citizen, &[there.id], at)
            .await
            .unwrap(),
    )
    .await;
    let stale = payments::payment_of(svc, &p.citizen, &stale.reference)
        .await
        .unwrap();
    assert_eq!(stale.state, PaymentState::Failed);
    assert_eq!(
        stale.failure.as_deref(),
        Some("Thay bằng lần thanh toán mới")
    );
    // Each attempt's end is on the timeline, in words: the one cancelled at
    // the gateway, then the one replaced.
    let failures: Vec<String> = p
        .events(&there)
        .await
        .into_iter()
        .filter_map(|a| match a {
            Action::FeePaymentFailed { reason, .. } => Some(reason),
            _ => None,
        })
        .collect();
    assert_eq!(
        failures,
        [
            "Người nộp hủy giao dịch (mã 24)",
            "Thay bằng lần thanh toán mới"
        ]
    );
    let query = p.pay_query(&fresh.reference, at).await;
    sandbox::pay(svc, &query, true, at).await.unwrap();
    let settled = payments::payment_of(svc, &p.citizen, &fresh.reference)
        .await
        .unwrap();
    assert_eq!(settled.state, PaymentState::Settled);
    let receipt_there = settled.receipt.unwrap();
    assert_eq!(
        (receipt_there.symbol.as_str(), receipt_there.number),
        ("BL-SD", 1)
    );

    // The day's totals per collecting agency, and the provider's file for
    // the day: one line it has that we do not, one of ours it lacks.
    let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let report = reconcile::day_report(svc, day).await.unwrap();
    for agency in [&p.o.commune, &p.o.other] {
        let line = &report[&agency.id];
        assert_eq!((line.collected, line.collected_vnd), (1, 10_000));
        assert_eq!(line.pending, 0);
    }
    let line = |reference: &str, amount_vnd| reconcile::SettlementLine {
        reference: reference.to_owned(),
        transaction: "14226112".into(),
        amount_vnd,
    };
    let differences = reconcile::reconcile(
        svc,
        day,
        vec![line(&first.reference, 10_000), line("MCNOTOURS", 5_000)],
    )
    .await
    .unwrap();
    assert_eq!(differences.len(), 2, "{differences:?}");
    assert!(matches!(&differences[0], Difference::Extra(l) if l.reference == "MCNOTOURS"));
    assert!(matches!(&differences[1], Difference::Missing(p) if p.reference == fresh.reference));
    let differences = reconcile::reconcile(
        svc,
        day,
        vec![
            line(&first.reference, 9_000),
            line(&fresh.reference, 10_000),
        ],
    )
    .await
    .unwrap();
    assert!(
        matches!(&differences[..], [Difference::Amount { line, .. }] if line.amount_vnd == 9_000)
    );
    assert!(
        reconcile::day_report(svc, day.succ_opt().unwrap())
            .await
            .unwrap()
            .is_empty()
    );

    // The receipt: its number, the fee, the amount in words.
    let printout = payments::receipt(svc, &paid).await.unwrap();
    assert_eq!(printout.title, "BIÊN LAI THU TIỀN PHÍ, LỆ PHÍ");
    let texts = printout.texts().join("\n");
    for expected in [
        "Số: 0000001",
        "Ký hiệu: BL-CL/2026",
        FILING_FEE,
        here.code.as_str(),
        "10.000",
        "Mười nghìn đồng",
        "Nguyễn Văn An",
    ] {
        assert!(texts.contains(expected), "{expected} in\n{texts}");
    }
    // Nothing owed any more: a new checkout is refused.
    assert!(matches!(
        payments::checkout(svc, &p.citizen, &[here.id], at).await,
        Err(AppError::Invalid(_))
    ));
}

#[tokio::test]
async fn an_assessed_fee_pauses_the_clock_until_it_is_paid() {
    let p = payments_office().await;
    let (o, svc) = (&p.o, &p.o.svc);
    let at = vn(2026, 3, 2, 9, 0);
    let hour = TimeDelta::hours(1);
    let d = p.filed(&o.commune, at).await;
    let d = o
        .act(&o.reception, &d, Action::Accept, at + hour)
        .await
        .unwrap();
    let d = o
        .act(
            &o.specialist,
            &d,
            Action::Assign { to: None },
            at + hour * 2,
        )
        .await
        .unwrap();
    // A fee the catalog does not list is refused; the amount is the
    // catalog's times the count, whatever was typed.
    let unknown = o
        .act(
            &o.specialist,
            &d,
            Action::RequestPayment {
                fees: vec![AssessedFee {
                    name: "Phí tự đặt".into(),
                    count: 1,
                    amount_vnd: 1,
                }],
            },
            at + hour * 3,
        )
        .await;
    assert!(matches!(unknown, Err(AppError::Invalid(_))));
    let d = o
        .act(
            &o.specialist,
            &d,
            Action::RequestPayment {
                fees: vec![AssessedFee {
                    name: COPY_FEE.into(),
                    count: 2,
                    amount_vnd: 1,
                }],
            },
            at + hour * 3,
        )
        .await
        .unwrap();
    assert_eq!(d.state.stage, Stage::AwaitingPayment);
    let fees = payments::fees_of(svc, &d).await.unwrap();
    assert_eq!(
        fees.owed
            .iter()
            .map(|f| (f.fee.as_str(), f.count, f.amount_vnd))
            .collect::<Vec<_>>(),
        vec![(FILING_FEE, 1, 10_000), (COPY_FEE, 2, 16_000)]
    );

    let paid_at = at + hour * 4;
    let checkout = payments::checkout(svc, &p.citizen, &[d.id], paid_at)
        .await
        .unwrap();
    let payment = payments::checkout_of(svc, &p.citizen, checkout)
        .await
        .unwrap()[0]
        .payment
        .clone();
    assert_eq!(payment.amount_vnd, 26_000);
    let query = p.pay_query(&payment.reference, paid_at).await;
    sandbox::pay(svc, &query, true, paid_at).await.unwrap();
    let d = svc.store.dossier(d.id).await.unwrap().unwrap();
    assert_eq!(
        d.state.stage,
        Stage::InProcess,
        "paid: the clock runs again"
    );
    let kinds: Vec<ActionKind> = svc
        .store
        .events(d.id)
        .await
        .unwrap()
        .iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        kinds[kinds.len() - 2..],
        [ActionKind::FeePaid, ActionKind::ConfirmPayment]
    );
}

#[tokio::test]
async fn a_refusal_gives_back_the_refundable_fee_once() {
    let p = payments_office().await;
    let (o, svc) = (&p.o, &p.o.svc);
    let at = vn(2026, 3, 2, 9, 0);
    let d = p.filed(&o.commune, at).await;
    let checkout = payments::checkout(svc, &p.citizen, &[d.id], at)
        .await
        .unwrap();
    let payment = payments::checkout_of(svc, &p.citizen, checkout)
        .await
        .unwrap()[0]
        .payment
        .clone();
    let query = p.pay_query(&payment.reference, at).await;
    sandbox::pay(svc, &query, true, at).await.unwrap();
    let d = svc.store.dossier(d.id).await.unwrap().unwrap();
    let refused = o
        .act(
            &o.reception,
            &d,
            Action::RefuseAtReception {
                reason: "Không thuộc thẩm quyền".into(),
            },
            at + TimeDelta::hours(1),
        )
        .await
        .unwrap();
    assert_eq!(refused.state.stage, Stage::NotAccepted);
    let refunds = svc.store.refunds_of_payment(payment.id).await.unwrap();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].amount_vnd, 10_000);
    assert_eq!(refunds[0].reason, "Không thuộc thẩm quyền");
    assert!(
        refunds[0].provider_ref.is_some(),
        "the sandbox refunds itself"
    );
    assert!(matches!(
        p.events(&d).await.last(),
        Some(Action::FeeRefunded {
            amount_vnd: 10_000,
            ..
        })
    ));
    // Once: nothing more to give back.
    assert!(
        payments::refund_for(svc, d.id, "again", at + TimeDelta::hours(2))
            .await
            .unwrap()
            .is_empty()
    );
    // The receipt notes the refund.
    let receipt = payments::receipt(
        svc,
        &svc.store
            .payment_by_reference(&payment.reference)
            .await
            .unwrap()
            .unwrap(),
    )
    .await
    .unwrap();
    assert!(
        receipt
            .notes
            .iter()
            .any(|n| n.contains("Đã hoàn trả 10.000 đồng"))
    );
    let day = reconcile::day_report(svc, NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())
        .await
        .unwrap();
    assert_eq!(day[&o.commune.id].refunded_vnd, 10_000);
    assert_eq!(day[&o.commune.id].collected_vnd, 10_000);
    // Through the gateway the agency pays it back by hand: no reference.
    let gateway = VnPay::gateway(vnpay::Merchant {
        tmn_code: "DEMOV210".into(),
        secret: "x".into(),
        pay_url: "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html".into(),
    });
    assert!(!motcua_app::payments::PaymentProvider::refunds_itself(
        &gateway
    ));
    let _ = Arc::new(gateway);
}

/// The dossier `d` after reception, assignment and a request for the copy
/// fee (non-refundable): it owes the filing fee and the copy fee.
async fn awaiting_both_fees(p: &Payments, at: DateTime<Utc>) -> DossierRecord {
    let o = &p.o;
    let hour = TimeDelta::hours(1);
    let d = p.filed(&o.commune, at).await;
    let d = o
        .act(&o.reception, &d, Action::Accept, at + hour)
        .await
        .unwrap();
    let d = o
        .act(
            &o.specialist,
            &d,
            Action::Assign { to: None },
            at + hour * 2,
        )
        .await
        .unwrap();
    o.act(
        &o.specialist,
        &d,
        Action::RequestPayment {
            fees: vec![AssessedFee {
                name: COPY_FEE.into(),
                count: 1,
                amount_vnd: 8_000,
            }],
        },
        at + hour * 3,
    )
    .await
    .unwrap()
}

/// The only payment of `checkout`.
async fn only_payment(p: &Payments, checkout: motcua_store::CheckoutId) -> motcua_store::Payment {
    let lines = payments::checkout_of(&p.o.svc, &p.citizen, checkout)
        .await
        .unwrap();
    assert_eq!(lines.len(), 1);
    lines[0].payment.clone()
}

#[tokio::test]
async fn an_attempt_replaced_but_paid_anyway_is_given_back_whole() {
    let p = payments_office().await;
    let svc = &p.o.svc;
    let at = vn(2026, 3, 2, 9, 0);
    let d = awaiting_both_fees(&p, at).await;
    let later = at + TimeDelta::hours(4);
    // The payer starts paying, leaves the gateway's page open, starts again
    // and pays the new attempt; then completes the old page too.
    let first = only_payment(
        &p,
        payments::checkout(svc, &p.citizen, &[d.id], later)
            .await
            .unwrap(),
    )
    .await;
    let second = only_payment(
        &p,
        payments::checkout(svc, &p.citizen, &[d.id], later + TimeDelta::minutes(2))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(first.amount_vnd, 18_000);
    assert_eq!(second.amount_vnd, 18_000);
    let paid = later + TimeDelta::minutes(5);
    assert_eq!(
        payments::notify(svc, &notice(&second.reference, 18_000, "00"), paid)
            .await
            .code,
        "00"
    );
    let d = svc.store.dossier(d.id).await.unwrap().unwrap();
    assert_eq!(d.state.stage, Stage::InProcess);
    assert!(
        svc.store
            .refunds_of_payment(second.id)
            .await
            .unwrap()
            .is_empty()
    );

    let twice = paid + TimeDelta::minutes(1);
    assert_eq!(
        payments::notify(svc, &notice(&first.reference, 18_000, "00"), twice)
            .await
            .code,
        "00"
    );
    // Both settled (each the provider's money) and the whole of the one
    // that settled last (the first attempt) given back, the non-refundable
    // copy fee too: it was paid twice.
    let first = svc
        .store
        .payment_by_reference(&first.reference)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.state, PaymentState::Settled);
    let refunds = svc.store.refunds_of_payment(first.id).await.unwrap();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].amount_vnd, 18_000);
    assert!(
        refunds[0].reason.contains("nộp trùng"),
        "{}",
        refunds[0].reason
    );
    assert!(matches!(
        p.events(&d).await.last(),
        Some(Action::FeeRefunded { amount_vnd: 18_000, payment, .. }) if *payment == first.reference
    ));
    let fees = payments::fees_of(svc, &d).await.unwrap();
    assert!(fees.owed.is_empty());
    // The same notice again gives nothing back twice.
    assert_eq!(
        payments::notify(svc, &notice(&first.reference, 18_000, "00"), twice)
            .await
            .code,
        "02"
    );
    assert_eq!(
        svc.store.refunds_of_payment(first.id).await.unwrap().len(),
        1
    );
    // A later refusal gives back the refundable filing fee once, from the
    // payment that counted.
    let d = svc.store.dossier(d.id).await.unwrap().unwrap();
    let d =
        p.o.act(
            &p.o.specialist,
            &d,
            Action::SubmitForApproval,
            twice + TimeDelta::hours(1),
        )
        .await
        .unwrap();
    p.o.act(
        &p.o.approver,
        &d,
        Action::Refuse {
            reason: "Không đủ điều kiện".into(),
        },
        twice + TimeDelta::hours(2),
    )
    .await
    .unwrap();
    let back = svc.store.refunds_of_payment(second.id).await.unwrap();
    assert_eq!(back.iter().map(|r| r.amount_vnd).sum::<u64>(), 10_000);
    assert_eq!(
        svc.store.refunds_of_payment(first.id).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn a_repeated_notice_finishes_what_the_first_left_undone() {
    let p = payments_office().await;
    let svc = &p.o.svc;
    let at = vn(2026, 3, 2, 9, 0);
    let d = awaiting_both_fees(&p, at).await;
    let later = at + TimeDelta::hours(4);
    let payment = only_payment(
        &p,
        payments::checkout(svc, &p.citizen, &[d.id], later)
            .await
            .unwrap(),
    )
    .await;
    // Settled, then the process stopped before the dossier was resumed.
    svc.store
        .settle_payment(motcua_store::Settlement {
            reference: payment.reference.clone(),
            provider_txn: "555001".into(),
            paid_at: later,
            at: later,
        })
        .await
        .unwrap();
    let d = svc.store.dossier(d.id).await.unwrap().unwrap();
    assert_eq!(d.state.stage, Stage::AwaitingPayment);
    // The gateway, not having had its answer, sends the notice again.
    let again = later + TimeDelta::minutes(3);
    assert_eq!(
        payments::notify(svc, &notice(&payment.reference, 18_000, "00"), again)
            .await
            .code,
        "02"
    );
    let d = svc.store.dossier(d.id).await.unwrap().unwrap();
    assert_eq!(d.state.stage, Stage::InProcess, "resumed on the repeat");
    // And once only.
    assert_eq!(
        payments::notify(svc, &notice(&payment.reference, 18_000, "00"), again)
            .await
            .code,
        "02"
    );
    let confirms = p
        .events(&d)
        .await
        .iter()
        .filter(|a| matches!(a, Action::ConfirmPayment))
        .count();
    assert_eq!(confirms, 1);
}

#[tokio::test]
async fn a_fee_paid_at_the_counter_and_online_is_given_back_once_and_a_refusal_adds_the_rest() {
    let p = payments_office().await;
    let (o, svc) = (&p.o, &p.o.svc);
    let at = vn(2026, 3, 2, 9, 0);
    let d = awaiting_both_fees(&p, at).await;
    let later = at + TimeDelta::hours(4);
    // The payer starts paying both fees online; meanwhile the copy fee is
    // paid in cash at the counter and the officer confirms it.
    let payment = only_payment(
        &p,
        payments::checkout(svc, &p.citizen, &[d.id], later)
            .await
            .unwrap(),
    )
    .await;
    let d = svc.store.dossier(d.id).await.unwrap().unwrap();
    let d = o
        .act(
            &o.reception,
            &d,
            Action::ConfirmPayment,
            later + TimeDelta::minutes(1),
        )
        .await
        .unwrap();
    assert_eq!(d.state.stage, Stage::InProcess);
    // Then the online payment completes: the filing fee counts, the copy
    // fee was paid twice.
    svc.store
        .settle_payment(motcua_store::Settlement {
            reference: payment.reference.clone(),
            provider_txn: "555001".into(),
            paid_at: later + TimeDelta::minutes(2),
            at: later + TimeDelta::minutes(2),
        })
        .await
        .unwrap();
    let fees = payments::fees_of(svc, &d).await.unwrap();
    assert!(fees.owed.is_empty());
    assert_eq!(
        fees.paid[&payment.id],
        payments::Paid {
            surplus: 8_000,
            refundable: 10_000
        }
    );
    // Two follow-ups at once (a notice and its repeat) give it back once.
    let then = later + TimeDelta::minutes(3);
    let (a, b) = tokio::join!(
        payments::refund_for(svc, d.id, "unused", then),
        payments::refund_for(svc, d.id, "unused", then),
    );
    let recorded = [a, b]
        .into_iter()
        .map(|r| match r {
            Ok(list) => list.len(),
            Err(AppError::Store(motcua_store::StoreError::Conflict { .. })) => 0,
            Err(e) => panic!("{e}"),
        })
        .sum::<usize>();
    assert_eq!(recorded, 1);
    let refunds = svc.store.refunds_of_payment(payment.id).await.unwrap();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].amount_vnd, 8_000);
    assert_eq!(refunds[0].reason, "Khoản đã nộp trước đó (nộp trùng)");
    // Not refused: the filing fee stays paid, whatever is asked again.
    assert!(
        payments::refund_for(svc, d.id, "unused", then)
            .await
            .unwrap()
            .is_empty()
    );
    // Refused after appraisal: the refundable filing fee goes back too, no
    // more.
    let d = svc.store.dossier(d.id).await.unwrap().unwrap();
    let d = o
        .act(
            &o.specialist,
            &d,
            Action::SubmitForApproval,
            then + TimeDelta::hours(1),
        )
        .await
        .unwrap();
    o.act(
        &o.approver,
        &d,
        Action::Refuse {
            reason: "Không đủ điều kiện".into(),
        },
        then + TimeDelta::hours(2),
    )
    .await
    .unwrap();
    let refunds = svc.store.refunds_of_payment(payment.id).await.unwrap();
    assert_eq!(
        refunds
            .iter()
            .map(|r| (r.amount_vnd, r.reason.as_str()))
            .collect::<Vec<_>>(),
        [
            (8_000, "Khoản đã nộp trước đó (nộp trùng)"),
            (10_000, "Không đủ điều kiện")
        ]
    );
}
