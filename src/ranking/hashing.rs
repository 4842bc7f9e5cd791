//! A fast hasher for in-memory maps keyed by small ids and short strings. Every map starts from
//! a random state so that a crafted input file cannot force collisions; nothing depends on the
//! iteration order of these maps.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash, Hasher};

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[derive(Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 56));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_i64(&mut self, i: i64) {
        self.add(i as u64);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// Builds hashers that all start from one random state.
#[derive(Clone, Copy)]
pub(crate) struct FxBuildHasher {
    seed: u64,
}

impl Default for FxBuildHasher {
    fn default() -> FxBuildHasher {
        FxBuildHasher {
            seed: RandomState::new().hash_one(0u64),
        }
    }
}

impl BuildHasher for FxBuildHasher {
    type Hasher = FxHasher;

    fn build_hasher(&self) -> FxHasher {
        FxHasher { hash: self.seed }
    }
}
pub(crate) type FxHashMap<K, V> = std::collections::HashMap<K, V, FxBuildHasher>;
pub(crate) type FxHashSet<K> = std::collections::HashSet<K, FxBuildHasher>;

const END: u32 = u32::MAX;

/// Gives every distinct slice a dense id, storing each distinct slice once in one arena, so
/// that grouping many short ballots allocates nothing per ballot.
pub(crate) struct SliceInterner<T> {
    hashing: FxBuildHasher,
    arena: Vec<T>,
    spans: Vec<(usize, usize)>,
    /// Hash → first id with that hash; further ids with the same hash are chained in `next`.
    heads: FxHashMap<u64, u32>,
    next: Vec<u32>,
}

impl<T: Copy + Eq + Hash> SliceInterner<T> {
    pub fn new() -> SliceInterner<T> {
        SliceInterner {
            hashing: FxBuildHasher::default(),
            arena: Vec::new(),
            spans: Vec::new(),
            heads: FxHashMap::default(),
            next: Vec::new(),
        }
    }

    pub fn get(&self, id: usize) -> &[T] {
        let (start, len) = self.spans[id];
        &self.arena[start..start + len]
    }

    /// The id of `items`, added if new; the flag tells whether it was new.
    pub fn intern(&mut self, items: &[T]) -> (usize, bool) {
        let hash = self.hashing.hash_one(items);
        let new_id = self.spans.len() as u32;
        match self.heads.get(&hash) {
            Some(&head) => {
                let mut id = head;
                loop {
                    if self.get(id as usize) == items {
                        return (id as usize, false);
                    }
                    if self.next[id as usize] == END {
                        break;
                    }
                    id = self.next[id as usize];
                }
                self.next[id as usize] = new_id;
            }
            None => {
                self.heads.insert(hash, new_id);
            }
        }
        self.spans.push((self.arena.len(), items.len()));
        self.arena.extend_from_slice(items);
        self.next.push(END);
        (new_id as usize, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interner_gives_equal_slices_one_id() {
        let mut interner = SliceInterner::new();
        assert_eq!(interner.intern(&[1u32, 2]), (0, true));
        assert_eq!(interner.intern(&[2u32, 1]), (1, true));
        assert_eq!(interner.intern(&[1u32, 2]), (0, false));
        assert_eq!(interner.intern(&[]), (2, true));
        assert_eq!(interner.get(1), &[2, 1]);
        assert_eq!(interner.get(2), &[] as &[u32]);
    }
}
