//! The two calls that make a committed blob survive a crash: flushing the
//! file's bytes to the disk, then flushing the directory that names it.
//!
//! They go through [`Fsync`] so a test can watch them happen (wrapping
//! [`OsFsync`], which still does the real work): the production path and the
//! tested path are the same code.

use std::fmt;
use std::fs::File;
use std::io;
use std::path::Path;

/// Flushes files and directories to stable storage.
pub trait Fsync: Send + Sync + fmt::Debug {
    /// Flushes the data and metadata of `file` (which is at `path`).
    fn sync_file(&self, file: &File, path: &Path) -> io::Result<()>;

    /// Flushes the directory `dir`, so the names created or renamed in it
    /// are on the disk.
    fn sync_dir(&self, dir: &Path) -> io::Result<()>;
}

/// The operating system's `fsync(2)`, on the file and on the directory.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsFsync;

impl Fsync for OsFsync {
    fn sync_file(&self, file: &File, _path: &Path) -> io::Result<()> {
        file.sync_all()
    }

    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        File::open(dir)?.sync_all()
    }
}
