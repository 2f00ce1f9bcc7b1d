//! Content-addressed files on the local disk: a file is named by the SHA-256 of its bytes,
//! written to a temporary name then renamed, so a reader (or a backup) never sees half a file.
//! Large files (imports) are written a chunk at a time ([`FileStore::upload`]) and read
//! through [`FileStore::open`], never whole in memory.

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

    /// Opens a stored file to read it a chunk at a time (in a blocking task).
    pub async fn open(&self, hash: &str) -> Result<std::fs::File> {
        let path = self.path_of(hash)?;
        match tokio::fs::File::open(&path).await {
            Ok(f) => Ok(f.into_std().await),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::NotFound),
            Err(e) => Err(e.into()),
        }
    }

    /// Starts a file written a chunk at a time: a temporary file (named `.tmp-`, which
    /// backups skip) hashed as it is written; [`Upload::finish`] then [`Pending::keep`]
    /// store it under its hash, and dropping either removes it.
    pub async fn upload(&self) -> Result<Upload> {
        tokio::fs::create_dir_all(&self.root).await?;
        let tmp = self
            .root
            .join(format!("upload.tmp-{}", uuid::Uuid::new_v4()));
        let file = tokio::fs::File::create(&tmp).await?;
        Ok(Upload {
            store: self.clone(),
            file,
            hasher: Sha256::new(),
            size: 0,
            tmp: Temporary(Some(tmp)),
        })
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

/// A temporary file, removed when dropped unless taken.
#[derive(Debug)]
struct Temporary(Option<PathBuf>);

impl Drop for Temporary {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            // Best effort: a leftover `.tmp-` file is skipped by backups.
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A file being written ([`FileStore::upload`]).
#[derive(Debug)]
pub struct Upload {
    store: FileStore,
    file: tokio::fs::File,
    hasher: Sha256,
    size: u64,
    tmp: Temporary,
}

impl Upload {
    pub async fn write(&mut self, chunk: &[u8]) -> Result<()> {
        use tokio::io::AsyncWriteExt;
        self.file.write_all(chunk).await?;
        self.hasher.update(chunk);
        self.size += chunk.len() as u64;
        Ok(())
    }

    /// Bytes written so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// All written: the file, not yet stored, to read (and keep or drop).
    pub async fn finish(mut self) -> Result<Pending> {
        use tokio::io::AsyncWriteExt;
        self.file.flush().await?;
        self.file.sync_all().await?;
        let hash = self
            .hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Pending {
            store: self.store,
            hash,
            size: self.size,
            tmp: self.tmp,
        })
    }
}

/// A file written whole but not stored yet: read it ([`Pending::open`]), then
/// [`Pending::keep`] it or drop it (the temporary file is removed).
#[derive(Debug)]
pub struct Pending {
    store: FileStore,
    hash: String,
    size: u64,
    tmp: Temporary,
}

impl Pending {
    pub fn hash(&self) -> &str {
        &self.hash
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The written file, to read a chunk at a time (in a blocking task).
    pub fn open(&self) -> Result<std::fs::File> {
        match &self.tmp.0 {
            Some(path) => Ok(std::fs::File::open(path)?),
            None => Err(StoreError::NotFound),
        }
    }

    /// Stores the file under its hash (one copy if those bytes are already stored).
    pub async fn keep(mut self) -> Result<String> {
        let path = self.store.path_of(&self.hash)?;
        let Some(tmp) = self.tmp.0.take() else {
            return Err(StoreError::NotFound);
        };
        let kept = async {
            if tokio::fs::try_exists(&path).await? {
                tokio::fs::remove_file(&tmp).await?;
                return Ok(());
            }
            if let Some(dir) = path.parent() {
                tokio::fs::create_dir_all(dir).await?;
            }
            tokio::fs::rename(&tmp, &path).await
        }
        .await;
        if kept.is_err() {
            // Removed on the way out.
            self.tmp.0 = Some(tmp);
        }
        kept?;
        Ok(self.hash)
    }
}
