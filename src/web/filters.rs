//! The templates' own filters: dates and times as the site writes them.
//! A template struct's module brings them in with `use super::filters;`
//! (askama looks for custom filters in a `filters` module in scope).
//!
//! Timestamps (`DateTime<Utc>`) are shown as the date and time in London,
//! so a record published at 23:30 UTC in summer is dated the next day, as
//! the people who read it would date it. Dates (`NaiveDate`) are calendar
//! dates already and are shown as they are.
//!
//! | filter | shows |
//! |---|---|
//! | `date` | 3 December 2024 |
//! | `long_date` | Tuesday 3 December 2024 |
//! | `datetime` | 3 Dec 2024 14:05:09 (a timestamp, to the second) |
//! | `time` | 14:05 (a time of day) |
//! | `grouped` | 12,345 (a count) |

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// Something with a date and a time as people in London read them.
pub trait InLondon {
    /// The date and time in London.
    fn in_london(&self) -> NaiveDateTime;
}

impl InLondon for NaiveDate {
    /// A calendar date is the same date everywhere (at midnight).
    fn in_london(&self) -> NaiveDateTime {
        self.and_time(NaiveTime::MIN)
    }
}

impl InLondon for DateTime<Utc> {
    fn in_london(&self) -> NaiveDateTime {
        crate::domain::london::local(*self).naive_local()
    }
}

impl<T: InLondon + ?Sized> InLondon for &T {
    fn in_london(&self) -> NaiveDateTime {
        (**self).in_london()
    }
}

/// A date as the site writes it: "3 December 2024".
pub fn date_text(value: &impl InLondon) -> String {
    value.in_london().format("%-d %B %Y").to_string()
}

/// `{{ value|date }}`: "3 December 2024".
#[askama::filter_fn]
pub fn date<T: InLondon>(value: T, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(date_text(&value))
}

/// `{{ value|long_date }}`: "Tuesday 3 December 2024".
#[askama::filter_fn]
pub fn long_date<T: InLondon>(value: T, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(value.in_london().format("%A %-d %B %Y").to_string())
}

/// `{{ value|datetime }}`: "3 Dec 2024 14:05:09", for the audit log.
#[askama::filter_fn]
pub fn datetime<T: InLondon>(value: T, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(value.in_london().format("%-d %b %Y %H:%M:%S").to_string())
}

/// `{{ value|grouped }}`: a count with commas between thousands, "12,345".
#[askama::filter_fn]
pub fn grouped<T: std::borrow::Borrow<i64>>(value: T, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(grouped_text(*value.borrow()))
}

/// `n` with commas between thousands: "2,314", "-1,000".
pub fn grouped_text(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut text = String::from(if n < 0 { "-" } else { "" });
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            text.push(',');
        }
        text.push(digit);
    }
    text
}

/// A file's size as people read it: "630 bytes", "12 KB", "3.4 MB" (a
/// kilobyte is 1,024 bytes; below 10 KB or 10 MB, one decimal place, so a
/// small file never reads as "0 KB").
pub fn size_text(bytes: i64) -> String {
    const KB: f64 = 1024.0;
    let (value, unit) = match bytes {
        b if b < 1024 => {
            return if b == 1 {
                "1 byte".into()
            } else {
                format!("{b} bytes")
            };
        }
        b if b < 1024 * 1024 => (b as f64 / KB, "KB"),
        b => (b as f64 / (KB * KB), "MB"),
    };
    if value < 10.0 {
        format!("{value:.1} {unit}")
    } else {
        format!("{value:.0} {unit}")
    }
}

/// A time of day, however deeply the template borrows it.
pub trait TimeOfDay {
    /// The time of day.
    fn time_of_day(&self) -> NaiveTime;
}

impl TimeOfDay for NaiveTime {
    fn time_of_day(&self) -> NaiveTime {
        *self
    }
}

impl<T: TimeOfDay + ?Sized> TimeOfDay for &T {
    fn time_of_day(&self) -> NaiveTime {
        (**self).time_of_day()
    }
}

/// `{{ value|time }}`: a time of day, "14:05".
#[askama::filter_fn]
pub fn time<T: TimeOfDay>(value: T, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(value.time_of_day().format("%H:%M").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::filters;
    use askama::Template;
    use chrono::TimeZone;

    #[test]
    fn sizes_read_in_bytes_kilobytes_or_megabytes_and_never_as_nothing() {
        assert_eq!(size_text(0), "0 bytes");
        assert_eq!(size_text(1), "1 byte");
        assert_eq!(size_text(630), "630 bytes");
        assert_eq!(size_text(1023), "1023 bytes");
        assert_eq!(size_text(1024), "1.0 KB");
        assert_eq!(size_text(1536), "1.5 KB");
        assert_eq!(size_text(12 * 1024), "12 KB");
        assert_eq!(size_text(1024 * 1024), "1.0 MB");
        assert_eq!(size_text(35 * 1024 * 1024), "35 MB");
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn a_summer_timestamp_late_in_the_evening_is_dated_the_next_day_in_london() {
        assert_eq!(date_text(&utc(2024, 7, 10, 23, 30)), "11 July 2024");
        assert_eq!(date_text(&utc(2024, 7, 10, 22, 59)), "10 July 2024");
        assert_eq!(date_text(&utc(2024, 7, 10, 23, 0)), "11 July 2024");
    }

    #[test]
    fn a_winter_timestamp_keeps_its_date_until_midnight_utc() {
        assert_eq!(date_text(&utc(2024, 12, 3, 23, 59)), "3 December 2024");
        assert_eq!(date_text(&utc(2024, 12, 4, 0, 0)), "4 December 2024");
    }

    #[test]
    fn london_changes_to_summer_time_on_the_last_sunday_of_march() {
        // 31 March 2024: clocks go forward at 01:00 UTC.
        assert_eq!(
            utc(2024, 3, 31, 0, 59).in_london().to_string(),
            "2024-03-31 00:59:00"
        );
        assert_eq!(
            utc(2024, 3, 31, 1, 0).in_london().to_string(),
            "2024-03-31 02:00:00"
        );
        // The evening before is still GMT; the evening after is BST.
        assert_eq!(date_text(&utc(2024, 3, 30, 23, 30)), "30 March 2024");
        assert_eq!(date_text(&utc(2024, 3, 31, 23, 30)), "1 April 2024");
    }

    #[test]
    fn london_changes_back_to_greenwich_time_on_the_last_sunday_of_october() {
        // 27 October 2024: clocks go back at 01:00 UTC.
        assert_eq!(
            utc(2024, 10, 27, 0, 59).in_london().to_string(),
            "2024-10-27 01:59:00"
        );
        assert_eq!(
            utc(2024, 10, 27, 1, 0).in_london().to_string(),
            "2024-10-27 01:00:00"
        );
        assert_eq!(date_text(&utc(2024, 10, 26, 23, 30)), "27 October 2024");
        assert_eq!(date_text(&utc(2024, 10, 27, 23, 30)), "27 October 2024");
    }

    #[test]
    fn a_calendar_date_is_shown_as_it_is() {
        let day = NaiveDate::from_ymd_opt(2024, 12, 3).unwrap();
        assert_eq!(date_text(&day), "3 December 2024");
        assert_eq!(date_text(&&day), "3 December 2024");
    }

    #[derive(Template)]
    #[template(
        source = "{{ day|date }} / {{ day|long_date }} / {{ at|date }} / {{ at|datetime }} / {{ starts|time }}",
        ext = "txt"
    )]
    struct Sample {
        day: NaiveDate,
        at: DateTime<Utc>,
        starts: NaiveTime,
    }

    #[test]
    fn the_filters_write_dates_and_times_as_the_site_does() {
        let sample = Sample {
            day: NaiveDate::from_ymd_opt(2024, 12, 3).unwrap(),
            at: utc(2024, 6, 30, 23, 5),
            starts: NaiveTime::from_hms_opt(14, 5, 0).unwrap(),
        };
        assert_eq!(
            sample.render().unwrap(),
            "3 December 2024 / Tuesday 3 December 2024 / 1 July 2024 / 1 Jul 2024 00:05:00 / 14:05"
        );
    }
}
