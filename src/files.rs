//! Where the bytes of uploaded files live. By default in the database, next to the rows that
//! describe them: every instance serves them and every backup holds them. With
//! `MUSRENBANG_MEDIA_DIR`, in a directory instead (one that every instance mounts, such as a
//! network share), which keeps a database of many photos small; the directory is then backed
//! up beside the database. A row that holds its bytes is served from the row whatever the
//! setting, so files uploaded before a switch stay readable.
use std::path::{Path, PathBuf};

use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum FileStore {
    #[default]
    Database,
    Directory(PathBuf),
}

impl FileStore {
    /// A directory store, created if missing and checked writable at start-up (not at the
    /// first upload).
    pub fn directory(path: impl Into<PathBuf>) -> anyhow::Result<Self> {
        let path = path.into();
        std::fs::create_dir_all(&path)?;
        let probe = path.join(".musrenbang-write-check");
        std::fs::write(&probe, b"ok")?;
        std::fs::remove_file(&probe)?;
        Ok(Self::Directory(path))
    }

    /// What a new row holds of `bytes`, and what goes to a file (`write`, under a key made
    /// from the row's id, before the row commits): all in the row for the database store,
    /// all in the file for a directory.
    pub fn place(&self, bytes: Vec<u8>) -> (Vec<u8>, Option<Vec<u8>>) {
        match self {
            Self::Database => (bytes, None),
            Self::Directory(_) => (Vec::new(), Some(bytes)),
        }
    }

    /// Writes a file of a directory store, synced to disk.
    pub async fn write(&self, key: &str, bytes: Vec<u8>) -> AppResult<()> {
        let Self::Directory(dir) = self else {
            return Err(AppError::internal(
                "a file written with no directory to hold it",
                std::io::Error::from(std::io::ErrorKind::Unsupported),
            ));
        };
        let (dir, key) = (dir.clone(), key.to_owned());
        tokio::task::spawn_blocking(move || write_durably(&dir, &key, &bytes))
            .await
            .map_err(|err| AppError::internal("storing an upload failed", err))?
            .map_err(|err| AppError::internal("storing an upload failed", err))
    }

    /// The bytes of `key`: those the row holds, or the file's.
    pub async fn get(&self, key: &str, held: Vec<u8>) -> AppResult<Vec<u8>> {
        if !held.is_empty() {
            return Ok(held);
        }
        let Self::Directory(dir) = self else {
            return Err(AppError::internal(
                "a stored file is in a directory, but no MUSRENBANG_MEDIA_DIR is set",
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ));
        };
        tokio::fs::read(dir.join(key))
            .await
            .map_err(|err| AppError::internal(format!("reading the stored file {key}"), err))
    }
}

/// The name of a stored file (or of its thumbnail) in a directory store: what it belongs to
/// and the id of its row.
pub fn key(kind: &str, id: i32, thumbnail: bool) -> String {
    if thumbnail {
        format!("{kind}-{id}-thumb")
    } else {
        format!("{kind}-{id}")
    }
}

/// Written under a temporary name, synced, renamed into place and the directory synced: a
/// file is whole or absent after a crash.
fn write_durably(dir: &Path, key: &str, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let target = dir.join(key);
    let partial = dir.join(format!(".{key}.partial"));
    let mut file = std::fs::File::create(&partial)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&partial, &target)?;
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_directory_keeps_the_bytes_and_the_row_keeps_none() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::directory(dir.path().join("media")).unwrap();
        let (held, file) = store.place(b"photo".to_vec());
        assert!(held.is_empty());
        store.write("attachment-7", file.unwrap()).await.unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("media/attachment-7")).unwrap(),
            b"photo"
        );
        assert_eq!(store.get("attachment-7", held).await.unwrap(), b"photo");
        // A row that holds its bytes (uploaded before the switch) is served from the row.
        assert_eq!(
            store.get("attachment-1", b"old".to_vec()).await.unwrap(),
            b"old"
        );
        let database = FileStore::Database;
        assert_eq!(database.place(b"y".to_vec()), (b"y".to_vec(), None));
        assert!(database.get("x", Vec::new()).await.is_err());
    }
}
