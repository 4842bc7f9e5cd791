//! JSON: one array of row objects, written a page at a time so it never sits whole in memory.
use std::io;

use super::table::PriorityRow;

pub fn open(out: &mut Vec<u8>) {
    out.push(b'[');
}

/// `first` says whether no row has been written yet (no comma before it).
pub fn rows(out: &mut Vec<u8>, rows: &[PriorityRow], first: &mut bool) -> io::Result<()> {
    for row in rows {
        if !std::mem::take(first) {
            out.push(b',');
        }
        out.push(b'\n');
        serde_json::to_writer(&mut *out, row)?;
    }
    Ok(())
}

pub fn close(out: &mut Vec<u8>) {
    out.extend_from_slice(b"\n]\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::table::{sample_row, Decision};

    #[test]
    fn a_valid_array_of_camel_case_objects() {
        let mut out = Vec::new();
        let mut first = true;
        open(&mut out);
        rows(
            &mut out,
            &[sample_row(Some(1), Decision::Pending)],
            &mut first,
        )
        .unwrap();
        rows(
            &mut out,
            &[sample_row(None, Decision::NotAccommodated)],
            &mut first,
        )
        .unwrap();
        close(&mut out);
        let parsed: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let list = parsed.as_array().unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0]["forumName"], "Musrenbang Kelurahan Oro-oro Dowo");
        assert_eq!(list[0]["cost"], 180_000_000);
        assert_eq!(list[0]["decision"], "PENDING");
        assert_eq!(list[1]["rank"], serde_json::Value::Null);

        let mut empty = Vec::new();
        open(&mut empty);
        close(&mut empty);
        assert!(serde_json::from_slice::<Vec<i32>>(&empty)
            .unwrap()
            .is_empty());
    }
}
