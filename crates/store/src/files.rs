//! Content-addressed files on the local disk: a file is named by the SHA-256 of its bytes,
//! written to a temporary name then renamed, so a reader (or a backup) never sees half a file.

use crate::{Result, StoreError};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path_of(&self, hash: &str) -> Result<PathBuf> {
        if hash.len() != 64
            || !hash
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            return Err(StoreError::NotFound);
        }
        Ok(self.root.join(&hash[..2]).join(hash))
    }

    /// Stores bytes and returns their hash. Storing the same bytes twice keeps one copy.
    pub async fn put(&self, bytes: &[u8]) -> Result<String> {
        let hash: String = Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let path = self.path_of(&hash)?;
        if tokio::fs::try_exists(&path).await? {
            return Ok(hash);
        }
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        let tmp = path.with_extension(format!("tmp-{}", uuid::Uuid::new_v4()));
        tokio::fs::write(&tmp, bytes).await?;
        tokio::fs::rename(&tmp, &path).await?;
        Ok(hash)
    }

    pub async fn get(&self, hash: &str) -> Result<Vec<u8>> {
        let path = self.path_of(hash)?;
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::NotFound),
            Err(e) => Err(e.into()),
        }
    }
}
