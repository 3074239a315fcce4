//! The site's clock: Europe/London. Every date a person reads (on a page, in
//! a CSV, a feed or a calendar) and every "today" (overdue actions, the
//! forward plan, an import's date) is the London date, so a record
//! published at 23:30 UTC in summer is dated the next day, as the people
//! who read it would date it. Timestamps are stored in UTC.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::London;
use chrono_tz::Tz;

/// The date in London at the instant `at`.
pub fn date_of(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&London).date_naive()
}

/// The instant `at` on London's clock (GMT or BST), for a timestamp written
/// with its offset.
pub fn local(at: DateTime<Utc>) -> DateTime<Tz> {
    at.with_timezone(&London)
}

/// The instant `date` begins in London (its midnight, GMT or BST): the
/// bound of a range of London dates over timestamps.
pub fn start_of(date: NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    London
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

/// Today's date in London.
pub fn today() -> NaiveDate {
    date_of(Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_london_day_starts_at_its_midnight_in_summer_and_winter() {
        assert_eq!(start_of(day(2025, 7, 1)), utc(2025, 6, 30, 23, 0));
        assert_eq!(start_of(day(2025, 1, 1)), utc(2025, 1, 1, 0, 0));
    }

    #[test]
    fn half_past_eleven_utc_in_summer_is_the_next_day_in_london() {
        assert_eq!(date_of(utc(2024, 7, 10, 23, 30)), day(2024, 7, 11));
        assert_eq!(date_of(utc(2024, 7, 10, 22, 59)), day(2024, 7, 10));
    }

    #[test]
    fn half_past_eleven_utc_in_winter_is_the_same_day_in_london() {
        assert_eq!(date_of(utc(2024, 12, 3, 23, 30)), day(2024, 12, 3));
    }

    #[test]
    fn the_date_follows_the_clock_change_of_the_last_sundays_of_march_and_october() {
        assert_eq!(date_of(utc(2024, 3, 30, 23, 30)), day(2024, 3, 30));
        assert_eq!(date_of(utc(2024, 3, 31, 23, 30)), day(2024, 4, 1));
        assert_eq!(date_of(utc(2024, 10, 26, 23, 30)), day(2024, 10, 27));
        assert_eq!(date_of(utc(2024, 10, 27, 23, 30)), day(2024, 10, 27));
    }

    #[test]
    fn a_timestamp_is_written_with_london_s_offset() {
        assert_eq!(
            local(utc(2024, 7, 10, 23, 30)).to_rfc3339(),
            "2024-07-11T00:30:00+01:00"
        );
        assert_eq!(
            local(utc(2024, 12, 3, 23, 30)).to_rfc3339(),
            "2024-12-03T23:30:00+00:00"
        );
    }
}
