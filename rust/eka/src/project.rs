//! The project eka works on: the `atom.toml` found from the current
//! directory upwards, the `atom.lock` beside it, and writing either without
//! ever leaving a half-written file.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use atom_manifest::{LOCK_FILE, Lockfile, MANIFEST_FILE, Manifest};

/// An `atom.toml`, read and validated, and the lock beside it.
#[derive(Debug)]
pub struct Project {
    /// The manifest's path as it is shown: relative in the project's
    /// directory, absolute from a subdirectory.
    pub manifest_path: PathBuf,
    pub manifest_text: String,
    pub manifest: Manifest,
    pub lock_path: PathBuf,
    /// The lock's bytes, when there is one.
    pub lock_text: Option<String>,
    pub lock: Option<Lockfile>,
}

impl Project {
    /// Find `atom.toml` in the current directory or the nearest ancestor
    /// that has one, and read it and its lock.
    pub fn find() -> anyhow::Result<Self> {
        let cwd = std::env::current_dir().context("cannot read the current directory")?;
        let Some(dir) = cwd.ancestors().find(|d| d.join(MANIFEST_FILE).is_file()) else {
            bail!(
                "no {MANIFEST_FILE} in {} or any parent directory; create one with `eka new` or run eka with -C DIR",
                cwd.display()
            );
        };
        // Relative in the project's directory (as the user sees it there),
        // absolute from below it.
        let shown = |name: &str| {
            if dir == cwd {
                PathBuf::from(name)
            } else {
                dir.join(name)
            }
        };
        Self::read(&shown(MANIFEST_FILE), &shown(LOCK_FILE))
    }

    /// Read the manifest at `manifest_path` and the lock at `lock_path`
    /// (which may be missing).
    pub fn read(manifest_path: &Path, lock_path: &Path) -> anyhow::Result<Self> {
        let manifest_text = std::fs::read_to_string(manifest_path)
            .with_context(|| format!("cannot read {}", manifest_path.display()))?;
        let manifest = Manifest::parse(manifest_path, &manifest_text)?;
        let lock_text = match std::fs::read_to_string(lock_path) {
            Ok(text) => Some(text),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
            Err(err) => {
                return Err(err).with_context(|| format!("cannot read {}", lock_path.display()));
            }
        };
        let lock = match &lock_text {
            Some(text) => Some(Lockfile::parse(lock_path, text).with_context(|| {
                format!(
                    "{} is not a lock eka can read; fix it, or delete it and run `eka lock`",
                    lock_path.display()
                )
            })?),
            None => None,
        };
        Ok(Self {
            manifest_path: manifest_path.to_path_buf(),
            manifest_text,
            manifest,
            lock_path: lock_path.to_path_buf(),
            lock_text,
            lock,
        })
    }

    /// The directory holding the manifest.
    pub fn dir(&self) -> PathBuf {
        match self.manifest_path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }
}

/// Replace `path` with `contents` atomically: write a temporary file in the
/// same directory, flush it to disk, then rename it over `path`. A reader
/// (or a crash, or a kill) sees the old file or the new one, never a mix.
/// The file keeps the permissions of the one it replaces (0644 when new).
pub fn write_atomically(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    let dir = directory_of(path);
    let mut file = temp_beside(path)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    let permissions = match std::fs::metadata(path) {
        Ok(meta) => Some(meta.permissions()),
        Err(_) => default_permissions(),
    };
    let written = file
        .write_all(contents)
        .and_then(|()| match permissions {
            Some(permissions) => file.as_file().set_permissions(permissions),
            None => Ok(()),
        })
        .and_then(|()| file.as_file().sync_all());
    written.with_context(|| format!("cannot write {}", file.path().display()))?;
    file.persist(path)
        .map_err(|err| err.error)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    // Make the rename itself durable where the platform allows.
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Create `path` with `contents` and permissions `mode`, complete or not
/// at all, and only if it does not exist: the bytes go to a temporary file
/// in the same directory (private from the start), which is then linked
/// into place — linking, unlike renaming, fails with
/// [`std::io::ErrorKind::AlreadyExists`] if `path` appeared meanwhile. The
/// directory must exist.
#[cfg(unix)]
pub fn write_new(path: &Path, contents: &[u8], mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let mut file = temp_beside(path)?;
    file.write_all(contents)?;
    file.as_file().sync_all()?;
    file.as_file()
        .set_permissions(std::fs::Permissions::from_mode(mode))?;
    file.persist_noclobber(path).map_err(|err| err.error)?;
    Ok(())
}

/// The directory `path` is in.
fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A private temporary file beside `path` (`.<name>.XXXXXX.tmp`), so that
/// renaming or linking it to `path` stays on one file system.
fn temp_beside(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(directory_of(path))
}

/// A new file is readable by everyone (a temporary file is private).
#[cfg(unix)]
fn default_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt as _;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<std::fs::Permissions> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_written_readable_and_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("atom.lock");
        write_atomically(&path, b"one\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"one\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o644);
        }
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("atom.toml");
        std::fs::write(&path, b"old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o664);
    }

    #[cfg(unix)]
    #[test]
    fn write_new_creates_with_its_mode_and_never_overwrites() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.json");
        write_new(&path, b"first", 0o600).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let err = write_new(&path, b"second", 0o600).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn a_missing_directory_is_named() {
        let err = write_atomically(Path::new("/nonexistent/eka/atom.lock"), b"x").unwrap_err();
        assert!(format!("{err:#}").contains("/nonexistent/eka"), "{err:#}");
    }
}
