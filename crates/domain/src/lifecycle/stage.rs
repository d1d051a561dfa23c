//! Where a dossier is: our internal stages, the national status code each
//! maps to, the channel it came by and the outcome it ended with.

use serde::{Deserialize, Serialize};

/// How a dossier reached the one-stop unit (ND 61 Art. 16, ND 118 Art. 15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    /// Filed in person at the counter (*trực tiếp*).
    Counter,
    /// Submitted online on the province's own portal (*trực tuyến*).
    Online,
    /// Forwarded by the national public-service portal (DVCQG).
    NationalPortal,
    /// Picked up and handed over by the public postal service
    /// (*bưu chính công ích*).
    Post,
}

impl Channel {
    /// The channel code provincial systems exchange: 1 in person, 2 online,
    /// 3 public post.
    pub fn national_code(self) -> u8 {
        match self {
            Channel::Counter => 1,
            Channel::Online | Channel::NationalPortal => 2,
            Channel::Post => 3,
        }
    }

    /// Whether the dossier was filed online (its own portal or DVCQG).
    pub fn is_online(self) -> bool {
        matches!(self, Channel::Online | Channel::NationalPortal)
    }
}

/// Where a dossier is in its life. Richer than the ten national codes; each
/// stage maps to exactly one of them ([`NATIONAL_STATUS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Entered (submitted, taken in at the counter or handed over by the
    /// post), waiting for the reception officer's check.
    AwaitingReception,
    /// Found incomplete at reception; the applicant was asked once for
    /// everything missing. No legal clock runs yet.
    ReceptionSupplement,
    /// Refused at reception (*không được tiếp nhận*). Final.
    NotAccepted,
    /// Accepted as complete; the legal clock runs; not yet taken up.
    Accepted,
    /// Being appraised by a specialist.
    InProcess,
    /// At another agency's step (consultation or a linked procedure).
    AtOtherAgency,
    /// Submitted to the approver.
    AwaitingApproval,
    /// Returned to the applicant for a supplement after appraisal; the clock
    /// is paused and will restart in full.
    AppraisalSupplement,
    /// Waiting for the applicant to pay a financial obligation; the clock is
    /// paused and resumes where it stopped.
    AwaitingPayment,
    /// Decided (granted or refused); the result waits to be returned.
    ResultReady,
    /// The result was handed to the applicant (or delivered by post).
    Returned,
    /// A wrong result is being corrected (ND 118 Art. 23).
    CorrectingResult,
    /// Withdrawn by the applicant. Final.
    Withdrawn,
    /// Processing stopped: at the applicant's request (ND 118 Art. 21) or
    /// because a sector law makes the agency stop. Final.
    Stopped,
    /// Closed because the appraisal supplement never came (ND 118
    /// Art. 19(5)). Final.
    ClosedMissingSupplement,
}

/// The national status codes (believed to be the DVCQG list; DOMAIN §2.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NationalStatus {
    /// 1 Mới đăng ký
    Submitted = 1,
    /// 2 Được tiếp nhận
    Accepted = 2,
    /// 3 Không được tiếp nhận
    NotAccepted = 3,
    /// 4 Đang xử lý
    InProcess = 4,
    /// 5 Yêu cầu bổ sung giấy tờ
    SupplementRequested = 5,
    /// 6 Yêu cầu thực hiện nghĩa vụ tài chính
    PaymentRequested = 6,
    /// 7 Công dân yêu cầu rút hồ sơ
    Withdrawn = 7,
    /// 8 Dừng xử lý
    Stopped = 8,
    /// 9 Đã xử lý xong
    Processed = 9,
    /// 10 Đã trả kết quả
    Returned = 10,
}

/// Each stage and the national code it is reported as.
pub const NATIONAL_STATUS: &[(Stage, NationalStatus)] = &[
    (Stage::AwaitingReception, NationalStatus::Submitted),
    (
        Stage::ReceptionSupplement,
        NationalStatus::SupplementRequested,
    ),
    (Stage::NotAccepted, NationalStatus::NotAccepted),
    (Stage::Accepted, NationalStatus::Accepted),
    (Stage::InProcess, NationalStatus::InProcess),
    (Stage::AtOtherAgency, NationalStatus::InProcess),
    (Stage::AwaitingApproval, NationalStatus::InProcess),
    (
        Stage::AppraisalSupplement,
        NationalStatus::SupplementRequested,
    ),
    (Stage::AwaitingPayment, NationalStatus::PaymentRequested),
    (Stage::ResultReady, NationalStatus::Processed),
    (Stage::Returned, NationalStatus::Returned),
    (Stage::CorrectingResult, NationalStatus::InProcess),
    (Stage::Withdrawn, NationalStatus::Withdrawn),
    (Stage::Stopped, NationalStatus::Stopped),
    (Stage::ClosedMissingSupplement, NationalStatus::Stopped),
];

impl Stage {
    /// Every stage.
    pub const ALL: [Stage; 15] = [
        Stage::AwaitingReception,
        Stage::ReceptionSupplement,
        Stage::NotAccepted,
        Stage::Accepted,
        Stage::InProcess,
        Stage::AtOtherAgency,
        Stage::AwaitingApproval,
        Stage::AppraisalSupplement,
        Stage::AwaitingPayment,
        Stage::ResultReady,
        Stage::Returned,
        Stage::CorrectingResult,
        Stage::Withdrawn,
        Stage::Stopped,
        Stage::ClosedMissingSupplement,
    ];

    /// The national status this stage is reported as.
    pub fn national_status(self) -> NationalStatus {
        NATIONAL_STATUS
            .iter()
            .find(|(stage, _)| *stage == self)
            .map_or(NationalStatus::InProcess, |(_, status)| *status)
    }

    /// A stable key for storage and message catalogs.
    pub fn key(self) -> &'static str {
        match self {
            Stage::AwaitingReception => "awaiting-reception",
            Stage::ReceptionSupplement => "reception-supplement",
            Stage::NotAccepted => "not-accepted",
            Stage::Accepted => "accepted",
            Stage::InProcess => "in-process",
            Stage::AtOtherAgency => "at-other-agency",
            Stage::AwaitingApproval => "awaiting-approval",
            Stage::AppraisalSupplement => "appraisal-supplement",
            Stage::AwaitingPayment => "awaiting-payment",
            Stage::ResultReady => "result-ready",
            Stage::Returned => "returned",
            Stage::CorrectingResult => "correcting-result",
            Stage::Withdrawn => "withdrawn",
            Stage::Stopped => "stopped",
            Stage::ClosedMissingSupplement => "closed-missing-supplement",
        }
    }

    /// No action leads out of a final stage.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Stage::NotAccepted | Stage::Withdrawn | Stage::Stopped | Stage::ClosedMissingSupplement
        )
    }

    /// Accepted and not yet decided: the legal clock runs (unless paused).
    pub fn is_being_processed(self) -> bool {
        matches!(
            self,
            Stage::Accepted
                | Stage::InProcess
                | Stage::AtOtherAgency
                | Stage::AwaitingApproval
                | Stage::AppraisalSupplement
                | Stage::AwaitingPayment
        )
    }

    /// Waiting for the applicant, with the clock stopped.
    pub fn is_paused(self) -> bool {
        matches!(self, Stage::AppraisalSupplement | Stage::AwaitingPayment)
    }
}

/// How a decided dossier ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The request was granted: the result is the permit, certificate, …
    Granted,
    /// Refused after appraisal: the refusal is the result (ND 61 Art. 19(8),
    /// ND 118 Art. 19(3)).
    Refused,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stage_maps_to_exactly_one_national_code() {
        for stage in Stage::ALL {
            let n = NATIONAL_STATUS.iter().filter(|(s, _)| *s == stage).count();
            assert_eq!(n, 1, "{stage:?}");
        }
        assert_eq!(NATIONAL_STATUS.len(), Stage::ALL.len());
        // Every national code is reachable.
        for code in 1..=10u8 {
            assert!(
                NATIONAL_STATUS.iter().any(|(_, s)| *s as u8 == code),
                "code {code}"
            );
        }
    }
}
