//! Exact decimal numbers: `1698575.39` is read as 169857539/100, never as a float.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

/// Reads `12`, `-3`, `4000.0`, `1698575.39`, `4000,50` (decimal comma) or `3/4`.
pub(crate) fn parse_rational(text: &str) -> Option<BigRational> {
    let text = text.trim();
    if let Some((numer, denom)) = text.split_once('/') {
        let numer = parse_integer(numer.trim())?;
        let denom = parse_integer(denom.trim())?;
        if denom.is_zero() {
            return None;
        }
        return Some(BigRational::new(numer, denom));
    }
    let (negative, unsigned) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (whole, fraction) = match unsigned.find(['.', ',']) {
        Some(at) => (&unsigned[..at], &unsigned[at + 1..]),
        None => (unsigned, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let fraction = fraction.trim_end_matches('0');
    let magnitude = if whole.len() + fraction.len() <= 18 {
        let mut value: u64 = 0;
        for b in whole.bytes().chain(fraction.bytes()) {
            value = value * 10 + (b - b'0') as u64;
        }
        BigInt::from(value)
    } else {
        let digits = format!("{whole}{fraction}");
        digits.parse::<BigInt>().ok()?
    };
    let numer = if negative { -magnitude } else { magnitude };
    if fraction.is_empty() {
        return Some(BigRational::from_integer(numer));
    }
    let denom = BigInt::from(10u32).pow(fraction.len() as u32);
    Some(BigRational::new(numer, denom))
}

fn parse_integer(text: &str) -> Option<BigInt> {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<BigInt>().ok()
}

/// Writes a number so that [`parse_rational`] reads it back exactly: as a decimal when the
/// denominator divides a power of ten, otherwise as `numerator/denominator`.
pub(crate) fn format_rational(value: &BigRational) -> String {
    let denom = value.denom();
    if denom.is_one() {
        return value.numer().to_string();
    }
    let (twos, fives, rest) = strip_factors(denom);
    if !rest.is_one() {
        return format!("{}/{}", value.numer(), denom);
    }
    let places = twos.max(fives);
    let scaled = value.numer() * (BigInt::from(10u32).pow(places) / denom);
    let digits = scaled.abs().to_string();
    let places = places as usize;
    let padded = if digits.len() <= places {
        format!("{}{digits}", "0".repeat(places + 1 - digits.len()))
    } else {
        digits
    };
    let (whole, fraction) = padded.split_at(padded.len() - places);
    let sign = if value.is_negative() { "-" } else { "" };
    format!("{sign}{whole}.{fraction}")
}

fn strip_factors(n: &BigInt) -> (u32, u32, BigInt) {
    let mut rest = n.abs();
    let two = BigInt::from(2u32);
    let five = BigInt::from(5u32);
    let mut twos = 0;
    while (&rest % &two).is_zero() {
        rest /= &two;
        twos += 1;
    }
    let mut fives = 0;
    while (&rest % &five).is_zero() {
        rest /= &five;
        fives += 1;
    }
    (twos, fives, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ratio(n: i64, d: i64) -> BigRational {
        BigRational::new(BigInt::from(n), BigInt::from(d))
    }

    #[test]
    fn reads_decimals_exactly() {
        assert_eq!(parse_rational("1698575.39"), Some(ratio(169857539, 100)));
        assert_eq!(parse_rational("4000.0"), Some(ratio(4000, 1)));
        assert_eq!(parse_rational(" 4000,50 "), Some(ratio(8001, 2)));
        assert_eq!(parse_rational("-0.5"), Some(ratio(-1, 2)));
        assert_eq!(parse_rational(".25"), Some(ratio(1, 4)));
        assert_eq!(parse_rational("3/6"), Some(ratio(1, 2)));
        assert_eq!(
            parse_rational("123456789012345678901234567890.1"),
            Some(BigRational::new(
                "1234567890123456789012345678901".parse().unwrap(),
                BigInt::from(10)
            ))
        );
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "", "abc", "1.2.3", "1e5", "1/0", ".", "-", "12a", "None", "1,2,3",
        ] {
            assert_eq!(parse_rational(bad), None, "{bad}");
        }
    }

    #[test]
    fn writes_what_it_reads() {
        for text in [
            "0",
            "12",
            "-3",
            "1698575.39",
            "0.05",
            "-0.005",
            "1/3",
            "-7/12",
        ] {
            let value = parse_rational(text).unwrap();
            assert_eq!(format_rational(&value), text);
        }
        assert_eq!(format_rational(&ratio(8001, 2)), "4000.5");
    }
}
