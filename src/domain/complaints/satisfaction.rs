//! The public satisfaction index (Indeks Kepuasan Masyarakat) as Permenpan RB 14/2017 defines
//! it: nine elements, each answered 1–4; per element the mean over respondents (NRR), each
//! weighted equally (1/9), summed and multiplied by 25, which gives 25–100, graded A–D.
use async_graphql::{Enum, SimpleObject};
use serde::Serialize;

/// The nine elements, in the regulation's order.
pub const ELEMENTS: [&str; 9] = [
    "requirements",
    "procedure",
    "time",
    "cost",
    "product",
    "competence",
    "conduct",
    "complaint_handling",
    "facilities",
];

/// The quality of service an index stands for (mutu pelayanan).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize)]
pub enum Grade {
    /// 88.31–100: sangat baik.
    A,
    /// 76.61–88.30: baik.
    B,
    /// 65.00–76.60: kurang baik.
    C,
    /// 25.00–64.99: tidak baik.
    D,
}

impl Grade {
    /// The grade of an index rounded to two decimals, as units publish it.
    pub fn of(index: f64) -> Self {
        let hundredths = (index * 100.0).round() as i64;
        match hundredths {
            8831.. => Self::A,
            7661..=8830 => Self::B,
            6500..=7660 => Self::C,
            _ => Self::D,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::A => "Sangat baik",
            Self::B => "Baik",
            Self::C => "Kurang baik",
            Self::D => "Tidak baik",
        }
    }
}

/// An index over some surveys.
#[derive(Debug, Clone, PartialEq, SimpleObject, Serialize)]
#[graphql(name = "SatisfactionIndex")]
pub struct Index {
    /// 25–100, two decimals.
    pub value: f64,
    pub grade: Grade,
    pub respondents: u64,
    /// The mean answer (1–4) per element, in the order of `ELEMENTS`.
    pub element_means: Vec<f64>,
}

fn two_decimals(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// The index of the answers given (each a row of nine values 1–4), none when nobody answered.
pub fn index(answers: &[[i16; 9]]) -> Option<Index> {
    if answers.is_empty() {
        return None;
    }
    let respondents = answers.len() as f64;
    let element_means: Vec<f64> = (0..9)
        .map(|element| {
            answers
                .iter()
                .map(|row| f64::from(row[element]))
                .sum::<f64>()
                / respondents
        })
        .collect();
    let weighted: f64 = element_means.iter().map(|nrr| nrr / 9.0).sum();
    let value = two_decimals(weighted * 25.0);
    Some(Index {
        value,
        grade: Grade::of(value),
        respondents: answers.len() as u64,
        element_means: element_means.into_iter().map(two_decimals).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hand_checked_example() {
        // Three respondents. Element sums: 11, 10, 9, 12, 10, 11, 12, 8, 9 → NRR 3.667, 3.333,
        // 3.000, 4.000, 3.333, 3.667, 4.000, 2.667, 3.000; their sum 30.667 / 9 = 3.4074;
        // × 25 = 85.19 → B.
        let answers = [
            [4, 3, 3, 4, 3, 4, 4, 3, 3],
            [4, 4, 3, 4, 4, 4, 4, 3, 3],
            [3, 3, 3, 4, 3, 3, 4, 2, 3],
        ];
        let index = index(&answers).unwrap();
        assert_eq!(index.value, 85.19);
        assert_eq!(index.grade, Grade::B);
        assert_eq!(index.respondents, 3);
        assert_eq!(index.element_means[7], 2.67);
    }

    #[test]
    fn the_grade_boundaries_are_the_regulations() {
        assert_eq!(Grade::of(100.0), Grade::A);
        assert_eq!(Grade::of(88.31), Grade::A);
        assert_eq!(Grade::of(88.30), Grade::B);
        assert_eq!(Grade::of(76.61), Grade::B);
        assert_eq!(Grade::of(76.60), Grade::C);
        assert_eq!(Grade::of(65.00), Grade::C);
        assert_eq!(Grade::of(64.99), Grade::D);
        assert_eq!(Grade::of(25.0), Grade::D);
    }

    #[test]
    fn all_fours_is_one_hundred_and_all_ones_twenty_five() {
        assert_eq!(index(&[[4; 9]]).unwrap().value, 100.0);
        assert_eq!(index(&[[1; 9]]).unwrap().value, 25.0);
        assert!(index(&[]).is_none());
    }
}
