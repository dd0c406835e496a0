//! Random file trees holding everything a NAR can: executable and plain
//! files of many sizes, symlinks (relative, absolute, dangling, non-UTF-8),
//! empty directories and names that sort in surprising ways.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt as _;
use std::os::unix::fs::{PermissionsExt as _, symlink};
use std::path::Path;

/// A small deterministic generator (`SplitMix64`), so that a failing seed can
/// be replayed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next_u64() % n as u64).expect("below n, which is a usize")
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len + 8);
        while out.len() < len {
            out.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        out.truncate(len);
        out
    }
}

/// What a random tree may contain.
#[derive(Debug, Clone)]
pub struct Shape {
    pub max_depth: usize,
    pub max_entries: usize,
    /// Percent of files that are large (hundreds of KiB to a few MiB).
    pub large_percent: usize,
    /// Allow names and symlink targets that are not UTF-8.
    pub non_utf8_names: bool,
    /// Only ASCII names and targets (Nix 2.8 cannot unpack zip members with
    /// other names: its libarchive runs in the C locale).
    pub ascii_only: bool,
    pub symlinks: bool,
    pub empty_directories: bool,
}

impl Default for Shape {
    fn default() -> Self {
        Self {
            max_depth: 4,
            max_entries: 7,
            large_percent: 2,
            non_utf8_names: true,
            ascii_only: false,
            symlinks: true,
            empty_directories: true,
        }
    }
}

/// What [`random_tree`] made.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    pub files: usize,
    pub executables: usize,
    pub symlinks: usize,
    pub directories: usize,
    pub empty_directories: usize,
    pub bytes: u64,
}

/// Names chosen to stress byte-order sorting, escaping and odd characters.
const NAMES: &[&[u8]] = &[
    b"a",
    b"A",
    b"b",
    b"a.b",
    b"a-b",
    b"a_b",
    b"a b",
    b"ab",
    b"a0",
    b"lib",
    b"lib.rs",
    b"lib-x",
    b"-dash",
    b".hidden",
    b"..dots",
    b"~tilde",
    b"#hash",
    b"with space",
    b"new\nline",
    b"tab\tbed",
    b"quote\"d",
    b"back\\slash",
    b"UPPER",
    b"caf\xc3\xa9",
    b"cafe\xcc\x81",
    b"\xe2\x99\xa5",
    b"\xf0\x9f\x98\x80",
    b"z",
    b"zz",
    b"0",
    b"9",
    b"[x]",
];

/// Names that are not UTF-8.
const RAW_NAMES: &[&[u8]] = &[b"\xff", b"\xfe\xfd", b"a\x80b", b"\xc3"];

const TARGETS: &[&[u8]] = &[
    b"a",
    b"../x",
    b"/abs/path",
    b"dangling/nowhere",
    b".",
    b"..",
    b"with space",
    b"\xff\xfe",
    b"caf\xc3\xa9",
    b"a//b/",
    b"./a",
];

const MODES: &[u32] = &[0o644, 0o755, 0o700, 0o744, 0o655, 0o600, 0o711, 0o444];

/// Fill a new directory `root` with a random tree from `seed`.
pub fn random_tree(root: &Path, seed: u64, shape: &Shape) -> Stats {
    let mut rng = Rng::new(seed);
    let mut stats = Stats::default();
    std::fs::create_dir_all(root).expect("tree root");
    fill(root, 0, &mut rng, shape, &mut stats);
    stats
}

fn fill(dir: &Path, depth: usize, rng: &mut Rng, shape: &Shape, stats: &mut Stats) {
    stats.directories += 1;
    let entries = if depth > 0 && shape.empty_directories && rng.chance(12) {
        0
    } else {
        1 + rng.below(shape.max_entries)
    };
    if entries == 0 {
        stats.empty_directories += 1;
    }
    for _ in 0..entries {
        let name = random_name(rng, shape);
        let path = dir.join(OsStr::from_bytes(&name));
        if path.symlink_metadata().is_ok() {
            continue;
        }
        let roll = rng.below(100);
        if roll < 25 && depth < shape.max_depth {
            std::fs::create_dir(&path).expect("directory");
            fill(&path, depth + 1, rng, shape, stats);
        } else if roll < 37 && shape.symlinks {
            let target = loop {
                let target = rng.pick(TARGETS);
                if allowed(target, shape) {
                    break target;
                }
            };
            symlink(OsStr::from_bytes(target), &path).expect("symlink");
            stats.symlinks += 1;
        } else {
            let size = random_size(rng, shape);
            std::fs::write(&path, rng.bytes(size)).expect("file");
            let mode = *rng.pick(MODES);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))
                .expect("permissions");
            stats.files += 1;
            stats.bytes += size as u64;
            if mode & 0o100 != 0 {
                stats.executables += 1;
            }
        }
    }
}

/// Whether `bytes` may be a name or target in a tree of `shape`.
fn allowed(bytes: &[u8], shape: &Shape) -> bool {
    if shape.ascii_only {
        bytes.is_ascii()
    } else {
        shape.non_utf8_names || std::str::from_utf8(bytes).is_ok()
    }
}

fn random_name(rng: &mut Rng, shape: &Shape) -> Vec<u8> {
    loop {
        let name = any_name(rng, shape);
        if allowed(&name, shape) {
            return name;
        }
    }
}

fn any_name(rng: &mut Rng, shape: &Shape) -> Vec<u8> {
    match rng.below(10) {
        0 if shape.non_utf8_names => rng.pick(RAW_NAMES).to_vec(),
        1 => {
            // A long name (NAR strings are padded to 8 bytes: vary the length).
            let len = 8 + rng.below(120);
            b"abcdefghijklmnopqrstuvwxyz"
                .iter()
                .cycle()
                .take(len)
                .copied()
                .collect()
        }
        2 => format!("n{}", rng.below(1000)).into_bytes(),
        _ => rng.pick(NAMES).to_vec(),
    }
}

fn random_size(rng: &mut Rng, shape: &Shape) -> usize {
    if rng.chance(shape.large_percent) {
        256 * 1024 + rng.below(3 * 1024 * 1024)
    } else {
        match rng.below(5) {
            0 => 0,
            1 => 1 + rng.below(8),
            2 => rng.below(64),
            _ => rng.below(9000),
        }
    }
}
