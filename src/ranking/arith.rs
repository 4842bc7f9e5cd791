//! Small exact-arithmetic helpers shared by the rules.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};

pub(crate) fn gcd_u128(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Greatest common divisor of the magnitudes; `gcd(0, 0) == 0`.
pub(crate) fn gcd_big(a: &BigInt, b: &BigInt) -> BigInt {
    let mut a = a.abs();
    let mut b = b.abs();
    while !b.is_zero() {
        let r = &a % &b;
        a = b;
        b = r;
    }
    a
}

pub(crate) fn lcm_big(a: &BigInt, b: &BigInt) -> BigInt {
    if a.is_zero() || b.is_zero() {
        return BigInt::zero();
    }
    (a / gcd_big(a, b)) * b
}

/// `x mod m` for a non-negative `x` and a positive `m`.
pub(crate) fn mod_u128(x: &BigInt, m: u128) -> u128 {
    (x % BigInt::from(m)).to_u128().unwrap_or(0)
}

/// Close approximation of `num / den` that never overflows, however large the operands.
pub(crate) fn ratio_to_f64(num: &BigInt, den: &BigInt) -> f64 {
    let num_shift = num.bits().saturating_sub(64);
    let den_shift = den.bits().saturating_sub(64);
    let n = (num >> num_shift).to_f64().unwrap_or(f64::NAN);
    let d = (den >> den_shift).to_f64().unwrap_or(f64::NAN);
    let exponent = num_shift as i64 - den_shift as i64;
    (n / d) * 2f64.powi(exponent.clamp(i32::MIN as i64, i32::MAX as i64) as i32)
}

/// An exact non-negative fraction with a cached floating-point approximation, so that most
/// comparisons avoid big-integer multiplication.
#[derive(Clone, Debug)]
pub(crate) struct Frac {
    pub num: BigInt,
    pub den: BigInt,
    pub approx: f64,
}

/// Relative distance under which two approximations are no proof of order. The approximations
/// are accurate to about 1e-16, so this leaves a wide safety margin.
pub(crate) const CLOSE: f64 = 1e-12;

impl Frac {
    pub fn new(num: BigInt, den: BigInt) -> Frac {
        let approx = ratio_to_f64(&num, &den);
        Frac { num, den, approx }
    }

    /// Exact comparison.
    pub fn cmp_exact(&self, other: &Frac) -> Ordering {
        let (a, b) = (self.approx, other.approx);
        if a < b * (1.0 - CLOSE) {
            return Ordering::Less;
        }
        if a > b * (1.0 + CLOSE) {
            return Ordering::Greater;
        }
        (&self.num * &other.den).cmp(&(&other.num * &self.den))
    }

    /// True only when `self` is certainly larger than `other`; used for pruning, where a wrong
    /// "no" costs time but a wrong "yes" would cost correctness.
    pub fn surely_greater(&self, other: &Frac) -> bool {
        self.approx > other.approx * (1.0 + CLOSE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gcd_and_lcm() {
        assert_eq!(gcd_u128(12, 18), 6);
        assert_eq!(gcd_u128(0, 5), 5);
        assert_eq!(
            gcd_big(&BigInt::from(-12), &BigInt::from(18)),
            BigInt::from(6)
        );
        assert_eq!(
            lcm_big(&BigInt::from(4), &BigInt::from(6)),
            BigInt::from(12)
        );
    }

    #[test]
    fn approximation_of_huge_ratios() {
        let big = BigInt::from(3) << 2000usize;
        let r = ratio_to_f64(&big, &(BigInt::from(2) << 2000usize));
        assert!((r - 1.5).abs() < 1e-15);
    }

    #[test]
    fn exact_comparison_of_close_fractions() {
        let a = Frac::new(BigInt::from(1_000_000_000_000_000_001i64), BigInt::from(1));
        let b = Frac::new(BigInt::from(1_000_000_000_000_000_000i64), BigInt::from(1));
        assert_eq!(a.cmp_exact(&b), Ordering::Greater);
        assert_eq!(a.cmp_exact(&a.clone()), Ordering::Equal);
    }
}
