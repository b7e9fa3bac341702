//! Schedule windows of a policy (api.md §13.1, the original's `time_of_day` policies):
//! `"HH:MM-HH:MM"` in a named IANA time zone, optionally on some weekdays, overriding the
//! bounds while active. Evaluated on the wall clock of the zone, so DST moves the window
//! with local time. Must never read a clock: `now` is passed in.

use chrono::{DateTime, Datelike, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;

/// A daily window `[start, end)` of local time; `end < start` spans midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Window {
    /// Parses `"HH:MM-HH:MM"`; the reason is fit for a 422 field error.
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        const SHAPE: &str = "must look like HH:MM-HH:MM";
        let (start, end) = text.split_once('-').ok_or(SHAPE)?;
        let time = |part: &str| {
            let part = part.trim();
            if part.len() != 5 {
                return Err(SHAPE);
            }
            NaiveTime::parse_from_str(part, "%H:%M").map_err(|_| SHAPE)
        };
        let window = Self {
            start: time(start)?,
            end: time(end)?,
        };
        if window.start == window.end {
            return Err("start and end must differ");
        }
        Ok(window)
    }

    pub fn spans_midnight(&self) -> bool {
        self.end < self.start
    }
}

/// Parses an IANA zone name such as `Europe/Berlin`.
pub fn parse_timezone(name: &str) -> Result<Tz, &'static str> {
    name.parse::<Tz>()
        .map_err(|_| "must be an IANA time zone such as Europe/Berlin")
}

/// Parses `mon` .. `sun`.
pub fn parse_weekday(name: &str) -> Result<Weekday, &'static str> {
    match name {
        "mon" => Ok(Weekday::Mon),
        "tue" => Ok(Weekday::Tue),
        "wed" => Ok(Weekday::Wed),
        "thu" => Ok(Weekday::Thu),
        "fri" => Ok(Weekday::Fri),
        "sat" => Ok(Weekday::Sat),
        "sun" => Ok(Weekday::Sun),
        _ => Err("must be one of mon, tue, wed, thu, fri, sat, sun"),
    }
}

/// `mon` .. `sun`, the inverse of [`parse_weekday`].
pub fn weekday_name(day: Weekday) -> &'static str {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][day.num_days_from_monday() as usize]
}

/// A window that replaces `min_nodes` and/or `max_nodes` while active.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub window: Window,
    pub timezone: Tz,
    /// The days a window may *start* on; empty means every day. A window spanning
    /// midnight belongs to the day it started, so `fri 22:00-06:00` covers Saturday 03:00.
    pub days: Vec<Weekday>,
    pub min_nodes: Option<u32>,
    pub max_nodes: Option<u32>,
}

impl Schedule {
    /// Whether the window is open at `now`.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        let local = now.with_timezone(&self.timezone);
        let (time, today) = (local.time(), local.weekday());
        let Window { start, end } = self.window;
        if self.window.spans_midnight() {
            (time >= start && self.starts_on(today)) || (time < end && self.starts_on(today.pred()))
        } else {
            time >= start && time < end && self.starts_on(today)
        }
    }

    fn starts_on(&self, day: Weekday) -> bool {
        self.days.is_empty() || self.days.contains(&day)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .expect("valid time")
    }

    fn berlin(window: &str, days: &[Weekday]) -> Schedule {
        Schedule {
            window: Window::parse(window).expect("valid window"),
            timezone: parse_timezone("Europe/Berlin").expect("known zone"),
            days: days.to_vec(),
            min_nodes: Some(3),
            max_nodes: None,
        }
    }

    #[test]
    fn windows_parse_and_bad_ones_are_named() {
        let w = Window::parse("08:00-18:30").expect("valid");
        assert_eq!(w.start, NaiveTime::from_hms_opt(8, 0, 0).expect("time"));
        assert!(!w.spans_midnight());
        assert!(
            Window::parse("22:00-06:00")
                .expect("valid")
                .spans_midnight()
        );
        for bad in ["8-18", "08:00", "25:00-26:00", "08:00-08:00", "8:00-18:00"] {
            assert!(Window::parse(bad).is_err(), "{bad}");
        }
        assert!(parse_timezone("Mars/Olympus").is_err());
        assert_eq!(parse_weekday("sun"), Ok(Weekday::Sun));
        assert!(parse_weekday("Sunday").is_err());
    }

    #[test]
    fn a_window_follows_local_time_across_the_spring_dst_change() {
        let business = berlin("08:00-18:00", &[]);
        // Saturday 28 March 2026, CET (UTC+1): 08:00 local is 07:00 UTC.
        assert!(!business.is_active(utc(2026, 3, 28, 6, 59)));
        assert!(business.is_active(utc(2026, 3, 28, 7, 0)));
        assert!(!business.is_active(utc(2026, 3, 28, 17, 0)));
        // Monday 30 March 2026, CEST (UTC+2): 08:00 local is 06:00 UTC.
        assert!(business.is_active(utc(2026, 3, 30, 6, 0)));
        assert!(business.is_active(utc(2026, 3, 30, 15, 59)));
        assert!(!business.is_active(utc(2026, 3, 30, 16, 0)));
    }

    #[test]
    fn a_window_follows_local_time_across_the_autumn_dst_change() {
        let business = berlin("08:00-18:00", &[]);
        // Saturday 24 October 2026 is CEST; Monday 26 October is CET again.
        assert!(business.is_active(utc(2026, 10, 24, 6, 0)));
        assert!(!business.is_active(utc(2026, 10, 26, 6, 0)));
        assert!(business.is_active(utc(2026, 10, 26, 7, 0)));
    }

    #[test]
    fn a_window_across_midnight_spans_the_spring_forward_night() {
        let night = berlin("22:00-06:00", &[]);
        // The night of 28→29 March 2026 loses 02:00-03:00 local.
        assert!(!night.is_active(utc(2026, 3, 28, 20, 59))); // 21:59 CET
        assert!(night.is_active(utc(2026, 3, 28, 21, 0))); // 22:00 CET
        assert!(night.is_active(utc(2026, 3, 29, 1, 30))); // 03:30 CEST
        assert!(night.is_active(utc(2026, 3, 29, 3, 59))); // 05:59 CEST
        assert!(!night.is_active(utc(2026, 3, 29, 4, 0))); // 06:00 CEST
    }

    #[test]
    fn a_window_across_midnight_belongs_to_the_day_it_started() {
        let friday_night = berlin("22:00-06:00", &[Weekday::Fri]);
        // Friday 4 December 2026 (CET): 23:00 local, then Saturday 03:00 local.
        assert!(friday_night.is_active(utc(2026, 12, 4, 22, 0)));
        assert!(friday_night.is_active(utc(2026, 12, 5, 2, 0)));
        // Saturday 23:00 local starts a window on a day not listed.
        assert!(!friday_night.is_active(utc(2026, 12, 5, 22, 0)));
        // Friday 03:00 local belongs to Thursday's night.
        assert!(!friday_night.is_active(utc(2026, 12, 4, 2, 0)));
    }

    #[test]
    fn weekdays_are_those_of_the_zone_not_of_utc() {
        let monday_morning = Schedule {
            timezone: parse_timezone("Asia/Tokyo").expect("known zone"),
            ..berlin("08:00-10:00", &[Weekday::Mon])
        };
        // Sunday 6 December 2026 23:30 UTC is Monday 08:30 in Tokyo.
        assert!(monday_morning.is_active(utc(2026, 12, 6, 23, 30)));
        assert!(!monday_morning.is_active(utc(2026, 12, 7, 23, 30)));
    }
}
