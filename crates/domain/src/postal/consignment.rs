//! A consignment: one trip of a dossier by the public post — the dossier
//! from the applicant to the agency (a [`Leg::Pickup`]) or the result from
//! the agency to the applicant (a [`Leg::Delivery`]) — and the rules of its
//! steps (QĐ 45/2016 Art. 6, 7, 9; DOMAIN.md §3).
//!
//! Pickup: booked (address and time window) → picked up (the consignment
//! slip signed, its waybill number, postage and fees collected) → at the
//! agency (listed on a hand-over record both sides confirmed; that moment
//! is the legal filing time). Delivery: waiting for the post → with the
//! post (handed over on a record) → delivered to a recipient whose identity
//! document was checked, or, after failed attempts, back at the agency.
//!
//! **Two attempts, two working days apart** (Art. 9): a result goes back to
//! the agency only after at least two failed attempts, the last at least
//! two working days after the first. Until then the post tries again.
//!
//! The rules are pure: [`Consignment::apply`] answers the next state or why
//! the step is refused, and changes nothing.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::{self, CalendarError, WorkCalendar};
use crate::message::{Message, MessageArg};

/// Working days between the first and the last failed delivery attempt
/// before a result may go back to the agency (QĐ 45 Art. 9).
pub const DAYS_BETWEEN_ATTEMPTS: u32 = 2;
/// Failed delivery attempts before a result may go back to the agency.
pub const ATTEMPTS_BEFORE_RETURN: usize = 2;

/// Which way the post carries the dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Leg {
    /// The dossier, from the applicant's address to the agency.
    Pickup,
    /// The result, from the agency to the applicant's address.
    Delivery,
}

impl Leg {
    pub fn key(self) -> &'static str {
        match self {
            Leg::Pickup => "pickup",
            Leg::Delivery => "delivery",
        }
    }
}

/// Where a consignment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Pickup asked for; not yet collected.
    Booked,
    /// Collected from the applicant.
    PickedUp,
    /// Handed to the agency on a confirmed hand-over record.
    AtAgency,
    /// A result waiting for the post to collect it.
    AwaitingPost,
    /// Handed to the post on a confirmed hand-over record.
    WithPost,
    /// At least one delivery attempt failed; the post tries again.
    NotDelivered,
    /// Delivered to the recipient.
    Delivered,
    /// Back at the agency after the failed attempts.
    BackAtAgency,
    /// Cancelled before it was collected.
    Cancelled,
    /// Collected, then given back to the applicant (the agency could not
    /// receive the papers, or the applicant asked for them back).
    ReturnedToSender,
}

impl Status {
    pub fn key(self) -> &'static str {
        match self {
            Status::Booked => "booked",
            Status::PickedUp => "picked-up",
            Status::AtAgency => "at-agency",
            Status::AwaitingPost => "awaiting-post",
            Status::WithPost => "with-post",
            Status::NotDelivered => "not-delivered",
            Status::Delivered => "delivered",
            Status::BackAtAgency => "back-at-agency",
            Status::Cancelled => "cancelled",
            Status::ReturnedToSender => "returned-to-sender",
        }
    }

    /// Whether nothing more happens to the consignment.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Status::AtAgency
                | Status::Delivered
                | Status::BackAtAgency
                | Status::Cancelled
                | Status::ReturnedToSender
        )
    }
}

/// A step of a consignment, recorded by the post or the agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "kebab-case")]
pub enum Step {
    /// The postal worker collected the dossier: both signed the
    /// consignment slip, whose waybill number this is; the postage and the
    /// fees collected with it (handed to the agency in full, Art. 15).
    PickUp {
        waybill: String,
        postage_vnd: u64,
        fees_vnd: u64,
        /// The post office that holds the papers from now on (its
        /// identifier), when its postal worker recorded the collection
        /// here; an operator's push leaves it out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        post_office: Option<String>,
    },
    /// Listed on the hand-over record `record`, confirmed by both sides.
    HandToAgency { record: String },
    /// The agency handed the result to the post on the record `record`;
    /// the slip's waybill number.
    HandToPost { record: String, waybill: String },
    /// A delivery attempt failed, and why (nobody home, refused, …).
    Attempt { note: String },
    /// Delivered to `recipient`, whose identity document `identity` the
    /// postal worker checked (with an authorisation for a proxy).
    Deliver { recipient: String, identity: String },
    /// Taken back to the agency after the failed attempts.
    ReturnToAgency,
    /// Cancelled before collection, and why.
    Cancel { reason: String },
    /// Collected papers taken back to the applicant, and why; the draft
    /// can then change and be sent again.
    ReturnToSender { reason: String },
}

impl Step {
    pub fn key(&self) -> &'static str {
        match self {
            Step::PickUp { .. } => "pick-up",
            Step::HandToAgency { .. } => "hand-to-agency",
            Step::HandToPost { .. } => "hand-to-post",
            Step::Attempt { .. } => "attempt",
            Step::Deliver { .. } => "deliver",
            Step::ReturnToAgency => "return-to-agency",
            Step::Cancel { .. } => "cancel",
            Step::ReturnToSender { .. } => "return-to-sender",
        }
    }
}

/// Why a step is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsignmentError {
    /// The step does not follow from where the consignment stands.
    #[error("{step} is not possible while the consignment is {status}")]
    NotNow {
        step: &'static str,
        status: &'static str,
    },
    /// A required detail is blank.
    #[error("{field} is required")]
    Missing { field: &'static str },
    /// Not a waybill number (letters and digits; an S10 number's check digit
    /// must be right).
    #[error("{waybill} is not a valid waybill number")]
    Waybill { waybill: String },
    /// Too soon to take the result back: the post tries again first.
    #[error(
        "the result goes back only after {ATTEMPTS_BEFORE_RETURN} failed attempts {DAYS_BETWEEN_ATTEMPTS} working days apart; the next attempt is due from {next}"
    )]
    TooSoon { next: NaiveDate },
    /// A step dated before the consignment's last one.
    #[error("the step is dated before the consignment's last step")]
    Backwards,
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

impl Message for ConsignmentError {
    fn message_key(&self) -> &'static str {
        match self {
            ConsignmentError::NotNow { .. } => "consignment-error-not-now",
            ConsignmentError::Missing { .. } => "consignment-error-missing",
            ConsignmentError::Waybill { .. } => "consignment-error-waybill",
            ConsignmentError::TooSoon { .. } => "consignment-error-too-soon",
            ConsignmentError::Backwards => "consignment-error-backwards",
            ConsignmentError::Calendar(e) => e.message_key(),
        }
    }

    fn message_args(&self) -> Vec<(&'static str, MessageArg)> {
        match self {
            ConsignmentError::NotNow { step, status } => vec![
                ("step", MessageArg::key("consignment-step-", step)),
                ("status", MessageArg::key("consignment-status-", status)),
            ],
            ConsignmentError::Missing { field } => {
                vec![("field", MessageArg::key("consignment-field-", field))]
            }
            ConsignmentError::Waybill { waybill } => {
                vec![("waybill", MessageArg::text(waybill.clone()))]
            }
            ConsignmentError::TooSoon { next } => vec![
                ("attempts", MessageArg::Count(ATTEMPTS_BEFORE_RETURN as u64)),
                ("days", MessageArg::Count(u64::from(DAYS_BETWEEN_ATTEMPTS))),
                ("next", MessageArg::Date(*next)),
            ],
            ConsignmentError::Backwards => Vec::new(),
            ConsignmentError::Calendar(e) => e.message_args(),
        }
    }
}

/// A consignment's state, as its steps left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consignment {
    pub leg: Leg,
    pub status: Status,
    /// The waybill number on the consignment slip, once there is one.
    pub waybill: Option<String>,
    /// When each delivery attempt failed, in order.
    pub failed_attempts: Vec<DateTime<Utc>>,
    /// When the last step was taken (or the consignment made).
    pub last_at: DateTime<Utc>,
}

impl Consignment {
    /// A pickup booked at `at`.
    pub fn pickup(at: DateTime<Utc>) -> Self {
        Consignment::new(Leg::Pickup, Status::Booked, at)
    }

    /// A result to deliver, ready for the post at `at`.
    pub fn delivery(at: DateTime<Utc>) -> Self {
        Consignment::new(Leg::Delivery, Status::AwaitingPost, at)
    }

    fn new(leg: Leg, status: Status, at: DateTime<Utc>) -> Self {
        Consignment {
            leg,
            status,
            waybill: None,
            failed_attempts: Vec::new(),
            last_at: at,
        }
    }

    /// The state after `step` taken at `at`, or why it is refused.
    pub fn apply(
        &self,
        step: &Step,
        at: DateTime<Utc>,
        calendar: &WorkCalendar,
    ) -> Result<Consignment, ConsignmentError> {
        if at < self.last_at {
            return Err(ConsignmentError::Backwards);
        }
        let not_now = || ConsignmentError::NotNow {
            step: step.key(),
            status: self.status.key(),
        };
        let mut next = Consignment {
            last_at: at,
            ..self.clone()
        };
        match (self.status, step) {
            (Status::Booked, Step::PickUp { waybill, .. }) => {
                next.waybill = Some(waybill_number(waybill)?);
                next.status = Status::PickedUp;
            }
            (Status::PickedUp, Step::HandToAgency { record }) => {
                required("record", record)?;
                next.status = Status::AtAgency;
            }
            (Status::AwaitingPost, Step::HandToPost { record, waybill }) => {
                required("record", record)?;
                next.waybill = Some(waybill_number(waybill)?);
                next.status = Status::WithPost;
            }
            (Status::WithPost | Status::NotDelivered, Step::Attempt { note }) => {
                required("note", note)?;
                next.failed_attempts.push(at);
                next.status = Status::NotDelivered;
            }
            (
                Status::WithPost | Status::NotDelivered,
                Step::Deliver {
                    recipient,
                    identity,
                },
            ) => {
                required("recipient", recipient)?;
                required("identity", identity)?;
                next.status = Status::Delivered;
            }
            (Status::NotDelivered, Step::ReturnToAgency) => {
                if let Some(from) = self.next_attempt_from(calendar)? {
                    return Err(ConsignmentError::TooSoon { next: from });
                }
                next.status = Status::BackAtAgency;
            }
            (Status::Booked, Step::Cancel { reason }) => {
                required("reason", reason)?;
                next.status = Status::Cancelled;
            }
            (Status::PickedUp, Step::ReturnToSender { reason }) => {
                required("reason", reason)?;
                next.status = Status::ReturnedToSender;
            }
            _ => return Err(not_now()),
        }
        Ok(next)
    }

    /// While the result may not yet go back to the agency: the day from
    /// which the attempt that would allow it may be made (two working days
    /// after the first failed attempt, in Vietnam's dates). `None` when it
    /// may go back now, or when no attempt failed yet.
    pub fn next_attempt_from(
        &self,
        calendar: &WorkCalendar,
    ) -> Result<Option<NaiveDate>, ConsignmentError> {
        let (Some(first), Some(last)) = (self.failed_attempts.first(), self.failed_attempts.last())
        else {
            return Ok(None);
        };
        let first = calendar::to_local(*first).date();
        let last = calendar::to_local(*last).date();
        let apart = calendar.working_days_between(first, last)?;
        if self.failed_attempts.len() >= ATTEMPTS_BEFORE_RETURN && apart >= DAYS_BETWEEN_ATTEMPTS {
            return Ok(None);
        }
        Ok(Some(
            calendar.add_working_days(first, DAYS_BETWEEN_ATTEMPTS)?,
        ))
    }
}

fn required(field: &'static str, value: &str) -> Result<(), ConsignmentError> {
    if value.trim().is_empty() {
        return Err(ConsignmentError::Missing { field });
    }
    Ok(())
}

/// A waybill number as written on the slip: upper-case letters and digits,
/// 6 to 30 of them. One in the UPU S10 form (two letters, eight digits, a
/// check digit, two letters: `EE123456785VN`) must have the right check
/// digit, which catches a mistyped digit.
pub fn waybill_number(typed: &str) -> Result<String, ConsignmentError> {
    let number: String = typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if number.is_empty() {
        return Err(ConsignmentError::Missing { field: "waybill" });
    }
    let invalid = || ConsignmentError::Waybill {
        waybill: typed.trim().to_owned(),
    };
    if !(6..=30).contains(&number.len()) || !number.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(invalid());
    }
    if let Some(digits) = s10_digits(&number)
        && s10_check_digit(&digits[..8]) != digits[8]
    {
        return Err(invalid());
    }
    Ok(number)
}

/// The nine digits of an S10 number (`AA` + 9 digits + `AA`), if it is one.
fn s10_digits(number: &str) -> Option<Vec<u32>> {
    let bytes = number.as_bytes();
    if bytes.len() != 13
        || !bytes[..2].iter().all(u8::is_ascii_alphabetic)
        || !bytes[11..].iter().all(u8::is_ascii_alphabetic)
    {
        return None;
    }
    number[2..11].chars().map(|c| c.to_digit(10)).collect()
}

/// The S10 check digit of eight serial digits (UPU S10: weights 8 6 4 2 3 5
/// 9 7; 11 less the sum modulo 11, with 10 written 0 and 11 written 5).
fn s10_check_digit(serial: &[u32]) -> u32 {
    let sum: u32 = serial
        .iter()
        .zip([8, 6, 4, 2, 3, 5, 9, 7])
        .map(|(d, w)| d * w)
        .sum();
    match 11 - sum % 11 {
        10 => 0,
        11 => 5,
        d => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn calendar() -> WorkCalendar {
        WorkCalendar::bundled().unwrap()
    }

    /// 09:00 in Vietnam on the given day.
    fn vn(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        chrono::FixedOffset::east_opt(7 * 3600)
            .unwrap()
            .with_ymd_and_hms(y, m, d, 9, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn s10_check_digits_follow_the_weights() {
        // 4·8 + 7·6 + 3·4 + 1·2 + 2·3 + 4·5 + 8·9 + 2·7 = 200; 200 mod 11
        // = 2; 11 − 2 = 9 (checked apart with a Python one-liner).
        assert_eq!(s10_check_digit(&[4, 7, 3, 1, 2, 4, 8, 2]), 9);
        // A sum leaving 1 gives 10, written 0; one leaving 0 gives 11,
        // written 5.
        assert_eq!(s10_check_digit(&[0, 0, 0, 0, 4, 0, 0, 0]), 0);
        assert_eq!(s10_check_digit(&[0, 0, 0, 0, 0, 0, 0, 0]), 5);
        assert_eq!(
            waybill_number(" ee 473124829 vn ").unwrap(),
            "EE473124829VN"
        );
        assert!(matches!(
            waybill_number("EE473124828VN"),
            Err(ConsignmentError::Waybill { .. })
        ));
        // Not S10-shaped: letters and digits are enough.
        assert_eq!(waybill_number("CT0012345").unwrap(), "CT0012345");
        assert!(waybill_number("AB-12").is_err());
        assert!(matches!(
            waybill_number("  "),
            Err(ConsignmentError::Missing { field: "waybill" })
        ));
    }

    #[test]
    fn a_pickup_goes_from_the_booking_to_the_agency() {
        let cal = calendar();
        let c = Consignment::pickup(vn(2026, 3, 2));
        // Not handed over before it is collected.
        assert_eq!(
            c.apply(
                &Step::HandToAgency {
                    record: "BB-1".into()
                },
                vn(2026, 3, 2),
                &cal
            ),
            Err(ConsignmentError::NotNow {
                step: "hand-to-agency",
                status: "booked"
            })
        );
        let c = c
            .apply(
                &Step::PickUp {
                    waybill: "EE473124829VN".into(),
                    postage_vnd: 25_000,
                    fees_vnd: 10_000,
                    post_office: None,
                },
                vn(2026, 3, 2),
                &cal,
            )
            .unwrap();
        assert_eq!(c.status, Status::PickedUp);
        assert_eq!(c.waybill.as_deref(), Some("EE473124829VN"));
        // Nor cancelled once collected.
        assert!(
            c.apply(
                &Step::Cancel {
                    reason: "đổi ý".into()
                },
                vn(2026, 3, 3),
                &cal
            )
            .is_err()
        );
        assert_eq!(
            c.apply(
                &Step::HandToAgency { record: " ".into() },
                vn(2026, 3, 3),
                &cal
            ),
            Err(ConsignmentError::Missing { field: "record" })
        );
        let c = c
            .apply(
                &Step::HandToAgency {
                    record: "BB-1".into(),
                },
                vn(2026, 3, 3),
                &cal,
            )
            .unwrap();
        assert_eq!(c.status, Status::AtAgency);
        assert!(c.status.is_final());
        // A step dated before the last is refused.
        assert_eq!(
            Consignment::pickup(vn(2026, 3, 3)).apply(
                &Step::Cancel { reason: "x".into() },
                vn(2026, 3, 2),
                &cal
            ),
            Err(ConsignmentError::Backwards)
        );
    }

    fn with_post(cal: &WorkCalendar) -> Consignment {
        Consignment::delivery(vn(2026, 3, 2))
            .apply(
                &Step::HandToPost {
                    record: "BB-2".into(),
                    waybill: "CT0012345".into(),
                },
                vn(2026, 3, 2),
                cal,
            )
            .unwrap()
    }

    fn attempt(c: &Consignment, at: DateTime<Utc>, cal: &WorkCalendar) -> Consignment {
        c.apply(
            &Step::Attempt {
                note: "Không có người nhận".into(),
            },
            at,
            cal,
        )
        .unwrap()
    }

    #[test]
    fn a_result_goes_back_only_after_two_attempts_two_working_days_apart() {
        let cal = calendar();
        let c = with_post(&cal);
        assert_eq!(c.next_attempt_from(&cal).unwrap(), None);
        assert!(
            c.apply(&Step::ReturnToAgency, vn(2026, 3, 3), &cal)
                .is_err()
        );
        // Friday 06/03/2026: the next attempt that counts is from Tuesday
        // 10/03 (Saturday and Sunday are not working days).
        let c = attempt(&c, vn(2026, 3, 6), &cal);
        assert_eq!(c.status, Status::NotDelivered);
        let tuesday = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        assert_eq!(c.next_attempt_from(&cal).unwrap(), Some(tuesday));
        assert_eq!(
            c.apply(&Step::ReturnToAgency, vn(2026, 3, 9), &cal),
            Err(ConsignmentError::TooSoon { next: tuesday })
        );
        // A second attempt on Monday is one working day later: not enough.
        let c = attempt(&c, vn(2026, 3, 9), &cal);
        assert_eq!(
            c.apply(&Step::ReturnToAgency, vn(2026, 3, 9), &cal),
            Err(ConsignmentError::TooSoon { next: tuesday })
        );
        // One on Tuesday is: it may go back.
        let c = attempt(&c, vn(2026, 3, 10), &cal);
        assert_eq!(c.next_attempt_from(&cal).unwrap(), None);
        let back = c
            .apply(&Step::ReturnToAgency, vn(2026, 3, 10), &cal)
            .unwrap();
        assert_eq!(back.status, Status::BackAtAgency);
        assert_eq!(back.failed_attempts.len(), 3);
        // Or the attempt succeeds instead, with the recipient's document.
        assert_eq!(
            c.apply(
                &Step::Deliver {
                    recipient: "Trần Thị Bích".into(),
                    identity: "".into()
                },
                vn(2026, 3, 10),
                &cal
            ),
            Err(ConsignmentError::Missing { field: "identity" })
        );
        let done = c
            .apply(
                &Step::Deliver {
                    recipient: "Trần Thị Bích".into(),
                    identity: "087195000789".into(),
                },
                vn(2026, 3, 10),
                &cal,
            )
            .unwrap();
        assert_eq!(done.status, Status::Delivered);
        assert!(
            done.apply(&Step::ReturnToAgency, vn(2026, 3, 11), &cal)
                .is_err()
        );
    }
}
