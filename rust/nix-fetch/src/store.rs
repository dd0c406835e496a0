//! Store paths of fixed-output (content-addressed) objects, computed the way
//! Nix's `makeFixedOutputPath` does, for any store directory.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::hash::{Algorithm, Hash};
use crate::nix32;

/// How a fixed-output object's hash covers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// The hash of a single file's bytes (`builtins.fetchurl`,
    /// `nix-store --add-fixed sha256 FILE`).
    Flat,
    /// The hash of the NAR of a file or tree (`builtins.fetchTarball`,
    /// `builtins.fetchGit`, `nix-store --add-fixed --recursive`).
    Recursive,
}

/// A Nix store directory, `/nix/store` unless configured otherwise (as
/// `NIX_STORE_DIR` does for Nix).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StoreDir(String);

impl Default for StoreDir {
    fn default() -> Self {
        StoreDir("/nix/store".to_owned())
    }
}

impl StoreDir {
    /// A store directory: an absolute path in UTF-8, trailing slashes
    /// dropped (as Nix canonicalises it).
    pub fn new(path: impl AsRef<Path>) -> Result<Self, StorePathError> {
        let path = path.as_ref();
        let text = path.to_str().ok_or_else(|| StorePathError::StoreDir {
            path: path.to_path_buf(),
        })?;
        let trimmed = text.trim_end_matches('/');
        if !path.is_absolute() || trimmed.is_empty() {
            return Err(StorePathError::StoreDir {
                path: path.to_path_buf(),
            });
        }
        Ok(StoreDir(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The store path of a fixed-output object named `name` whose content
    /// hash is `hash`, taken with `method`. This is the path
    /// `nix-prefetch-url --print-path`, `nix-store --add-fixed` and the
    /// builtin fetchers produce.
    ///
    /// ```
    /// use nix_fetch::{Hash, Method, StoreDir};
    ///
    /// // `nix-prefetch-url --print-path file:///tmp/nixt/f.txt` (a file holding "hello\n").
    /// let hash = Hash::parse("sha256-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM=")?;
    /// let path = StoreDir::default().fixed_output_path(nix_fetch::Method::Flat, &hash, "f.txt")?;
    /// assert_eq!(path.to_string(), "/nix/store/d4b4lmbd433fa2xcdysz7p7zahnqh1z4-f.txt");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fixed_output_path(
        &self,
        method: Method,
        hash: &Hash,
        name: &str,
    ) -> Result<StorePath, StorePathError> {
        check_name(name)?;
        let inner = if hash.algorithm() == Algorithm::Sha256 && method == Method::Recursive {
            format!("source:sha256:{}", hash.to_base16())
        } else {
            let prefix = match method {
                Method::Flat => "",
                Method::Recursive => "r:",
            };
            let fixed = format!(
                "fixed:out:{prefix}{}:{}:",
                hash.algorithm(),
                hash.to_base16()
            );
            format!(
                "output:out:sha256:{}",
                Hash::of(Algorithm::Sha256, fixed.as_bytes()).to_base16()
            )
        };
        let fingerprint = format!("{inner}:{}:{name}", self.0);
        let digest = Hash::of(Algorithm::Sha256, fingerprint.as_bytes());
        let mut compressed = [0u8; 20];
        for (i, byte) in digest.digest().iter().enumerate() {
            compressed[i % 20] ^= byte;
        }
        Ok(StorePath {
            dir: self.clone(),
            hash_part: nix32::encode(&compressed),
            name: name.to_owned(),
        })
    }
}

/// A path in a Nix store: `<store dir>/<hash>-<name>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StorePath {
    dir: StoreDir,
    hash_part: String,
    name: String,
}

impl StorePath {
    /// The 32 base-32 digits before the name.
    pub fn hash_part(&self) -> &str {
        &self.hash_part
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn store_dir(&self) -> &StoreDir {
        &self.dir
    }

    pub fn to_path_buf(&self) -> PathBuf {
        PathBuf::from(self.to_string())
    }
}

impl fmt::Display for StorePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}-{}", self.dir.0, self.hash_part, self.name)
    }
}

/// Why a store path cannot be formed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StorePathError {
    #[error(
        "store path name {name:?} {problem}; pass a name made of letters, digits and + - . _ ? ="
    )]
    Name { name: String, problem: &'static str },
    #[error("store directory {} must be an absolute UTF-8 path", path.display())]
    StoreDir { path: PathBuf },
}

/// Nix 2.8's `checkName`.
fn check_name(name: &str) -> Result<(), StorePathError> {
    let problem = if name.is_empty() {
        "is empty"
    } else if name.len() > 211 {
        "is longer than 211 bytes"
    } else if !name
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || b"+-._?=".contains(&c))
    {
        "contains a character Nix does not allow"
    } else {
        return Ok(());
    };
    Err(StorePathError::Name {
        name: name.to_owned(),
        problem,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Paths Nix 2.8 printed (`nix-prefetch-url --print-path`,
    /// `nix-store --add-fixed [--recursive] ALGO hx`) for an executable file
    /// holding "hello\n", in the store `/tmp/nixt/store`.
    #[test]
    fn paths_match_nix_for_every_method_and_algorithm() {
        let store = StoreDir::new("/tmp/nixt/store").unwrap();
        let path = |method, hash: &str, name| {
            store
                .fixed_output_path(method, &Hash::parse(hash).unwrap(), name)
                .unwrap()
                .to_string()
        };
        assert_eq!(
            path(
                Method::Flat,
                "sha256-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM=",
                "f.txt"
            ),
            "/tmp/nixt/store/z877dj4xsxc7fw4ky28fvznpw2rkllr9-f.txt"
        );
        assert_eq!(
            path(
                Method::Recursive,
                "sha256:1yhh619m3cy1mird7f0l7zsmiv9rayqn075zinda2g7rscwn0hv5",
                "hx"
            ),
            "/tmp/nixt/store/p1whh3n00sfd3pyw436w3jaw1ykw828j-hx"
        );
        assert_eq!(
            path(
                Method::Flat,
                "sha512:0lrc0dwnvipqviibf7qfm1y492qvjwb1zhkcyi05cndmva1mr5gjcgrnz1x36djmk0sfg8djd2n0qv68vib2jg590mwznar9jcjphp7",
                "hx"
            ),
            "/tmp/nixt/store/kvhwb87z4q4yjnwkwkrw09kicfwlb923-hx"
        );
        assert_eq!(
            path(
                Method::Recursive,
                "sha512:14sqldzbwl7s88f2acvvavmcsb9wscv8z44jvd4gr8iqi4ig6acp32iwbxak2gsqv4ry61r31l0ja32d6kkqg11vgcs3pwh15xv3vp9",
                "hx"
            ),
            "/tmp/nixt/store/kn942nk8pk0xzbj9yi13f1wfi9jsvncd-hx"
        );
    }

    #[test]
    fn the_store_dir_is_part_of_the_hash() {
        let hash = Hash::of(Algorithm::Sha256, b"");
        let a = StoreDir::default()
            .fixed_output_path(Method::Recursive, &hash, "source")
            .unwrap();
        let b = StoreDir::new("/other/store/")
            .unwrap()
            .fixed_output_path(Method::Recursive, &hash, "source")
            .unwrap();
        assert_ne!(a.hash_part(), b.hash_part());
        assert!(b.to_string().starts_with("/other/store/"));
        assert_eq!(a.hash_part().len(), 32);
    }

    #[test]
    fn bad_names_and_store_dirs_are_refused() {
        let hash = Hash::of(Algorithm::Sha256, b"");
        let store = StoreDir::default();
        for name in ["", "a b", "caf\u{e9}", "a&b", &"x".repeat(212)] {
            assert!(
                store.fixed_output_path(Method::Flat, &hash, name).is_err(),
                "{name}"
            );
        }
        store
            .fixed_output_path(Method::Flat, &hash, &"x".repeat(211))
            .unwrap();
        store
            .fixed_output_path(Method::Flat, &hash, "foo.tar.gz?raw=true")
            .unwrap();
        assert!(StoreDir::new("relative/store").is_err());
        assert!(StoreDir::new("/").is_err());
    }
}
