//! The content-addressed blob store: each file is kept once, under its SHA-256, in
//! `<data dir>/blobs/<first two hex digits>/<hash>`. Writes go to a temporary file first and are
//! renamed into place, so a crash never leaves a half-written blob under a valid name.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{Result, StoreError};

#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

impl BlobStore {
    pub fn new(root: PathBuf) -> Self {
        BlobStore { root }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn path_of(&self, sha256: &str) -> Result<PathBuf> {
        if sha256.len() != 64
            || !sha256
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            return Err(StoreError::invalid(
                "sha256",
                "is not a lower-case SHA-256 hex digest",
            ));
        }
        Ok(self.root.join(&sha256[..2]).join(sha256))
    }

    /// Stores `bytes` and returns their SHA-256 (hex).
    pub fn put(&self, bytes: &[u8]) -> Result<String> {
        let sha = hex::encode(Sha256::digest(bytes));
        let path = self.path_of(&sha)?;
        if path.exists() {
            return Ok(sha);
        }
        let dir = path.parent().unwrap_or(&self.root).to_path_buf();
        std::fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
        let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(|e| StoreError::io(&dir, e))?;
        tmp.write_all(bytes).map_err(|e| StoreError::io(&dir, e))?;
        tmp.as_file()
            .sync_all()
            .map_err(|e| StoreError::io(&dir, e))?;
        tmp.persist(&path)
            .map_err(|e| StoreError::io(&path, e.error))?;
        Ok(sha)
    }

    /// Stores a file's content, hashing while copying (never the whole file in memory).
    /// Returns its SHA-256 and size.
    pub fn put_file(&self, source: &std::path::Path) -> Result<(String, u64)> {
        use std::io::Read;
        let mut input = std::fs::File::open(source).map_err(|e| StoreError::io(source, e))?;
        std::fs::create_dir_all(&self.root).map_err(|e| StoreError::io(&self.root, e))?;
        let mut tmp = tempfile::NamedTempFile::new_in(&self.root)
            .map_err(|e| StoreError::io(&self.root, e))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        let mut size = 0u64;
        loop {
            let n = input
                .read(&mut buf)
                .map_err(|e| StoreError::io(source, e))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            tmp.write_all(&buf[..n])
                .map_err(|e| StoreError::io(&self.root, e))?;
            size += n as u64;
        }
        let sha = hex::encode(hasher.finalize());
        let path = self.path_of(&sha)?;
        if path.exists() {
            return Ok((sha, size));
        }
        let dir = path.parent().unwrap_or(&self.root).to_path_buf();
        std::fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
        tmp.as_file()
            .sync_all()
            .map_err(|e| StoreError::io(&dir, e))?;
        tmp.persist(&path)
            .map_err(|e| StoreError::io(&path, e.error))?;
        Ok((sha, size))
    }

    pub fn get(&self, sha256: &str) -> Result<Vec<u8>> {
        let path = self.path_of(sha256)?;
        match std::fs::read(&path) {
            Ok(b) => Ok(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::NotFound),
            Err(e) => Err(StoreError::io(&path, e)),
        }
    }
}

impl crate::Store {
    /// Stores a file and records it, so backups carry it. Returns its SHA-256.
    pub async fn put_blob(&self, bytes: &[u8], media_type: &str) -> Result<String> {
        let sha = self.blobs().put(bytes)?;
        sqlx::query(
            "INSERT INTO blobs (sha256, size, media_type, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(&sha)
        .bind(bytes.len() as i64)
        .bind(media_type)
        .bind(sanso_core::now_timestamp())
        .execute(self.pool())
        .await?;
        Ok(sha)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_is_idempotent_and_get_returns_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = BlobStore::new(dir.path().join("blobs"));
        let a = blobs.put(b"hello").unwrap();
        assert_eq!(
            a,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert_eq!(blobs.put(b"hello").unwrap(), a);
        assert_eq!(blobs.get(&a).unwrap(), b"hello");
        assert!(matches!(
            blobs.get(&"0".repeat(64)),
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            blobs.get("../etc/passwd"),
            Err(StoreError::Invalid(_))
        ));
    }
}
