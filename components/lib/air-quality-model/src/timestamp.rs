//! Lexical check of xsd:dateTime values with a mandatory time zone, strict enough that
//! PostgreSQL's `timestamptz` input always accepts what passes (so a bad timestamp is the
//! client's fault, reported as such, and never a database error).

/// `YYYY-MM-DDThh:mm:ss[.f+](Z|±hh:mm)`, with real calendar days (leap years included).
pub fn is_xsd_date_time(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() < 20 || b.len() > 40 {
        return false;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(range)?;
        part.iter().all(u8::is_ascii_digit).then(|| part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) =
        (digits(0..4), digits(5..7), digits(8..10), digits(11..13), digits(14..16), digits(17..19))
    else {
        return false;
    };
    if b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return false;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if year < 1 || day < 1 || day > days_in_month || hour > 23 || minute > 59 || second > 59 {
        return false;
    }
    let mut rest = &b[19..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let n = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &fraction[n..];
    }
    match rest {
        b"Z" => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            let all_digits = [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit());
            let hours = u32::from(h1.wrapping_sub(b'0')) * 10 + u32::from(h2.wrapping_sub(b'0'));
            let minutes = u32::from(m1.wrapping_sub(b'0')) * 10 + u32::from(m2.wrapping_sub(b'0'));
            all_digits && (hours < 14 || (hours == 14 && minutes == 0)) && minutes < 60
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_utc_offsets_and_fractions() {
        for ok in ["2026-11-21T08:00:00Z", "2024-02-29T23:59:59.123456Z", "2026-01-01T00:00:00+01:00", "2026-06-30T12:00:00-14:00"] {
            assert!(is_xsd_date_time(ok), "{ok}");
        }
    }

    #[test]
    fn refuses_the_rest() {
        for bad in [
            "2026-11-21T08:00:00", "2026-11-21 08:00:00Z", "2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
            "2026-04-31T00:00:00Z", "2026-11-21T24:00:00Z", "2026-11-21T08:00:00.Z", "2026-11-21T08:00:00+1:00",
            "0000-01-01T00:00:00Z", "2026-11-21T08:00:00+15:00", "tomorrow", "",
        ] {
            assert!(!is_xsd_date_time(bad), "{bad}");
        }
    }
}
