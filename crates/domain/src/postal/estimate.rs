//! The date a citizen is shown before an officer accepts the dossier: the
//! processing time plus the postal legs they chose. An estimate, labelled as
//! such by whoever shows it; the legal clock starts only at acceptance.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::Route;
use crate::calendar::{CalendarError, OfficeHours, Period, WorkCalendar};

/// What the applicant chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EstimateRequest {
    /// When the applicant submits (wall-clock time in Vietnam).
    pub submitted: NaiveDateTime,
    /// The procedure's processing time.
    pub processing: Period,
    /// The post collects the paper dossier from the applicant and carries it
    /// to the agency (*nhận gửi hồ sơ*, TT 17 Art. 4(1)).
    pub pickup: Option<Route>,
    /// The post carries the result from the agency to the applicant
    /// (*chuyển trả kết quả*, Art. 4(2)).
    pub delivery: Option<Route>,
}

/// The estimated dates, each the latest the rules allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Estimate {
    /// J of the pick-up leg: the day the post is assumed to collect the
    /// dossier (the day of submission).
    pub collected: Option<NaiveDate>,
    /// The last day of the pick-up leg's J + n: the dossier is at the agency.
    pub at_agency: Option<NaiveDate>,
    /// When the processing clock is assumed to start.
    pub clock_starts: NaiveDateTime,
    /// When the decision is due.
    pub decision_due: NaiveDateTime,
    /// The last day of the return leg's J + n: the result is with the
    /// applicant.
    pub delivered: Option<NaiveDate>,
    /// The date to show: `delivered`, or the day the decision is due when
    /// the result is not sent by post.
    pub ready: NaiveDate,
}

/// Estimate when the applicant gets the result, under these assumptions
/// (each makes the date the latest the rules allow, not the likeliest):
/// - **Pick-up leg**: the post collects on the day of submission (J) and
///   hands the dossier over by the close of office hours on the last day of
///   J + n ([`Route::days`], plain: the appointment slip does not hold up the
///   dossier). Signing the hand-over record counts as filing (QĐ 45/2016
///   Art. 7(4)); the officer is assumed to accept it then.
/// - **No pick-up** (filed online or at the counter): the officer is assumed
///   to accept it at submission. Under ND 118/2025 Art. 17(2) acceptance may
///   take up to 8 working hours, which this leaves out.
/// - **Processing**: [`WorkCalendar::due`] of the procedure's period from
///   that start.
/// - **Return leg**: the post takes the result on the day the decision is due
///   (J) and delivers it by the last day of J + n.
pub fn estimate(
    calendar: &WorkCalendar,
    hours: &OfficeHours,
    request: &EstimateRequest,
) -> Result<Estimate, CalendarError> {
    let (collected, at_agency, clock_starts) = match request.pickup {
        Some(route) => {
            let j = request.submitted.date();
            let arrival = route.due(calendar, j, false)?;
            (Some(j), Some(arrival), arrival.and_time(hours.closing()))
        }
        None => (None, None, request.submitted),
    };
    let decision_due = calendar.due(clock_starts, request.processing, hours)?;
    let delivered = match request.delivery {
        Some(route) => Some(route.due(calendar, decision_due.date(), false)?),
        None => None,
    };
    Ok(Estimate {
        collected,
        at_agency,
        clock_starts,
        decision_due,
        delivered,
        ready: delivered.unwrap_or(decision_due.date()),
    })
}
