//! Archives of a directory, made in a chosen entry order and compression,
//! for the fetchers to unpack (eka's and Nix's).

use std::ffi::OsStr;
use std::io::Write as _;
use std::os::unix::ffi::OsStrExt as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

/// The order of the entries in an archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Depth first, names sorted by bytes: the NAR's order (`tar --sort=name`).
    Sorted,
    /// Depth first, with directories sorted as if their names ended in `/`:
    /// `git archive`'s order.
    Git,
    /// Everything backwards: every file before its directory.
    Reversed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Xz,
    Bzip2,
    Zstd,
}

impl Compression {
    pub const ALL: [Compression; 5] = [
        Compression::None,
        Compression::Gzip,
        Compression::Xz,
        Compression::Bzip2,
        Compression::Zstd,
    ];

    pub fn extension(self) -> &'static str {
        match self {
            Compression::None => "tar",
            Compression::Gzip => "tar.gz",
            Compression::Xz => "tar.xz",
            Compression::Bzip2 => "tar.bz2",
            Compression::Zstd => "tar.zst",
        }
    }
}

/// One entry: its path below `root` (as bytes) and where it is on disk.
struct Entry {
    relative: Vec<u8>,
    path: PathBuf,
    is_dir: bool,
}

fn entries(root: &Path, prefix: &[u8], order: Order, out: &mut Vec<Entry>) {
    let mut children: Vec<(Vec<u8>, PathBuf, bool)> = std::fs::read_dir(root)
        .expect("readable directory")
        .map(|entry| {
            let entry = entry.expect("directory entry");
            let is_dir = entry.file_type().expect("file type").is_dir();
            (entry.file_name().as_bytes().to_vec(), entry.path(), is_dir)
        })
        .collect();
    let key = |(name, _, is_dir): &(Vec<u8>, PathBuf, bool)| {
        let mut key = name.clone();
        if order == Order::Git && *is_dir {
            key.push(b'/');
        }
        key
    };
    children.sort_by_key(key);
    for (name, path, is_dir) in children {
        let mut relative = prefix.to_vec();
        if !relative.is_empty() {
            relative.push(b'/');
        }
        relative.extend_from_slice(&name);
        out.push(Entry {
            relative: relative.clone(),
            path: path.clone(),
            is_dir,
        });
        if is_dir {
            entries(&path, &relative, order, out);
        }
    }
}

/// A tar archive of the tree at `root`, below one top-level directory `top`.
pub fn tar(root: &Path, top: &str, order: Order) -> Vec<u8> {
    let mut list = vec![Entry {
        relative: top.as_bytes().to_vec(),
        path: root.to_path_buf(),
        is_dir: true,
    }];
    entries(root, top.as_bytes(), order, &mut list);
    if order == Order::Reversed {
        list.reverse();
    }
    let mut builder = tar::Builder::new(Vec::new());
    builder.follow_symlinks(false);
    for entry in &list {
        let name = Path::new(OsStr::from_bytes(&entry.relative));
        if entry.is_dir {
            let mut header = tar::Header::new_gnu();
            header.set_entry_type(tar::EntryType::Directory);
            header.set_mode(0o755);
            header.set_size(0);
            builder
                .append_data(&mut header, name, std::io::empty())
                .expect("tar directory");
        } else {
            builder
                .append_path_with_name(&entry.path, name)
                .expect("tar entry");
        }
    }
    builder.into_inner().expect("tar finished")
}

/// `data` compressed.
pub fn compress(data: &[u8], compression: Compression) -> Vec<u8> {
    match compression {
        Compression::None => data.to_vec(),
        Compression::Gzip => {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            encoder.write_all(data).expect("gzip");
            encoder.finish().expect("gzip")
        }
        Compression::Xz => {
            let mut encoder = liblzma::write::XzEncoder::new(Vec::new(), 1);
            encoder.write_all(data).expect("xz");
            encoder.finish().expect("xz")
        }
        Compression::Bzip2 => {
            let mut encoder = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
            encoder.write_all(data).expect("bzip2");
            encoder.finish().expect("bzip2")
        }
        Compression::Zstd => zstd::encode_all(data, 1).expect("zstd"),
    }
}

/// A zip archive of the tree at `root` below `top`, with unix modes and
/// symlinks, in sorted order.
pub fn zip(root: &Path, top: &str) -> Vec<u8> {
    let mut list = Vec::new();
    entries(root, top.as_bytes(), Order::Sorted, &mut list);
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = |mode: u32| {
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(mode)
    };
    writer
        .add_directory(format!("{top}/"), options(0o755))
        .expect("zip directory");
    for entry in &list {
        let name = String::from_utf8(entry.relative.clone()).expect("zip names are UTF-8 here");
        let meta = std::fs::symlink_metadata(&entry.path).expect("metadata");
        if entry.is_dir {
            writer
                .add_directory(format!("{name}/"), options(0o755))
                .expect("zip directory");
        } else if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&entry.path).expect("link target");
            writer
                .add_symlink(name, target.to_str().expect("UTF-8 target"), options(0o777))
                .expect("zip symlink");
        } else {
            writer
                .start_file(name, options(meta.permissions().mode() & 0o777))
                .expect("zip file");
            writer
                .write_all(&std::fs::read(&entry.path).expect("file"))
                .expect("zip data");
        }
    }
    writer.finish().expect("zip finished").into_inner()
}
