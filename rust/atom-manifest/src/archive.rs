//! Which build-time files are unpacked when their entry does not say.

/// Whether a build-time (`nix+build`) file at `url` is unpacked unless its
/// entry says `unpack = false`: when the last segment of the URL's path
/// (ignoring `?query` and `#fragment`) ends in `.tar`, `.tar.<ext>`, `.tgz`
/// or `.zip`. An executable (`exec = true`) is never unpacked; that is the
/// caller's to check.
///
/// This is the rule the Nix library (`nix/lock.nix`) applies to a lock that
/// leaves `unpack` out, so eka and Nix always agree on what a bond means.
///
/// ```
/// use atom_manifest::unpacks_by_default;
///
/// assert!(unpacks_by_default("https://example.com/src-1.0.tar.gz"));
/// assert!(unpacks_by_default("https://example.com/dl/data.zip?token=1#x"));
/// assert!(!unpacks_by_default("https://example.com/builder.sh"));
/// assert!(!unpacks_by_default("https://example.com/a.tar.gz/download"));
/// ```
pub fn unpacks_by_default(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let segment = path.rsplit('/').next().unwrap_or_default();
    if [".tar", ".tgz", ".zip"]
        .iter()
        .any(|suffix| segment.ends_with(suffix))
    {
        return true;
    }
    match segment.rsplit_once('.') {
        Some((stem, ext)) => {
            !ext.is_empty()
                && ext.bytes().all(|b| b.is_ascii_alphanumeric())
                && stem.ends_with(".tar")
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::unpacks_by_default;

    #[test]
    fn the_rule_of_the_nix_library() {
        let cases = include_str!("../tests/fixtures/unpack-cases.txt");
        let mut seen = 0;
        for line in cases.lines().filter(|l| !l.starts_with('#')) {
            let (expected, url) = line.split_once(' ').expect("`<bool> <url>`");
            assert_eq!(unpacks_by_default(url), expected == "true", "{url}");
            seen += 1;
        }
        assert!(seen > 20);
    }
}
