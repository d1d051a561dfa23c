//! Office hours: the sessions of a working day during which working hours
//! count. They decide where a working day ends (closing time) and how long
//! it is; they never decide *which* days are working days.

use chrono::{NaiveTime, TimeDelta};
use serde::{Deserialize, Serialize};

use super::CalendarError;

/// One opening session of a working day, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// The sessions of a working day, in order, not overlapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Session>", into = "Vec<Session>")]
pub struct OfficeHours {
    sessions: Vec<Session>,
}

impl OfficeHours {
    /// Builds office hours, refusing empty, reversed or overlapping sessions.
    pub fn new(sessions: Vec<Session>) -> Result<Self, CalendarError> {
        let invalid = |reason: &str| CalendarError::InvalidOfficeHours {
            reason: reason.to_owned(),
        };
        if sessions.is_empty() {
            return Err(invalid("no session"));
        }
        for s in &sessions {
            if s.start >= s.end {
                return Err(invalid("a session ends before it starts"));
            }
        }
        for pair in sessions.windows(2) {
            if let [a, b] = pair
                && a.end > b.start
            {
                return Err(invalid("sessions overlap or are out of order"));
            }
        }
        Ok(OfficeHours { sessions })
    }

    /// The default hours of a state agency: 07:00–11:30 and 13:30–17:00.
    pub fn standard() -> Self {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
        OfficeHours {
            sessions: vec![
                Session {
                    start: t(7, 0),
                    end: t(11, 30),
                },
                Session {
                    start: t(13, 30),
                    end: t(17, 0),
                },
            ],
        }
    }

    pub fn sessions(&self) -> &[Session] {
        &self.sessions
    }

    /// When the working day ends: the end of the last session.
    pub fn closing(&self) -> NaiveTime {
        self.sessions.last().map_or(NaiveTime::MIN, |s| s.end)
    }

    /// When the working day starts.
    pub fn opening(&self) -> NaiveTime {
        self.sessions.first().map_or(NaiveTime::MIN, |s| s.start)
    }

    /// The length of a full working day.
    pub fn day_length(&self) -> TimeDelta {
        self.sessions.iter().map(|s| s.end - s.start).sum()
    }

    /// Office time of one working day that lies in `[from, to)` (times of
    /// that day).
    pub fn time_within(&self, from: NaiveTime, to: NaiveTime) -> TimeDelta {
        self.sessions
            .iter()
            .map(|s| {
                let a = s.start.max(from);
                let b = s.end.min(to);
                if a < b { b - a } else { TimeDelta::zero() }
            })
            .sum()
    }
}

impl Default for OfficeHours {
    fn default() -> Self {
        OfficeHours::standard()
    }
}

impl TryFrom<Vec<Session>> for OfficeHours {
    type Error = CalendarError;
    fn try_from(sessions: Vec<Session>) -> Result<Self, Self::Error> {
        OfficeHours::new(sessions)
    }
}

impl From<OfficeHours> for Vec<Session> {
    fn from(hours: OfficeHours) -> Self {
        hours.sessions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn the_standard_day_is_eight_hours() {
        let hours = OfficeHours::standard();
        assert_eq!(hours.day_length(), TimeDelta::hours(8));
        assert_eq!(hours.closing(), t(17, 0));
        assert_eq!(
            hours.time_within(t(11, 0), t(14, 0)),
            TimeDelta::minutes(60)
        );
    }

    #[test]
    fn overlapping_sessions_are_refused() {
        let s = |a, b| Session { start: a, end: b };
        assert!(OfficeHours::new(vec![s(t(7, 0), t(12, 0)), s(t(11, 0), t(17, 0))]).is_err());
        assert!(OfficeHours::new(vec![s(t(12, 0), t(7, 0))]).is_err());
        assert!(OfficeHours::new(vec![]).is_err());
    }
}
