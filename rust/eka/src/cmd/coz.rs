//! `eka coz sign|verify`: sign a Coz payload with a key file, and verify a
//! signed Coz message with its embedded public key.

use std::io::{Read as _, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow};
use atom_id::{
    Alg, CozMessage, TYP_CLAIM, TYP_PUBLISH, sign_pay, verify_claim, verify_coz, verify_publish,
};
use clap::{Args, Subcommand};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::cmd::key::KeyFileArg;
use crate::output::Output;

#[derive(Debug, Args)]
pub struct CozArgs {
    #[command(subcommand)]
    pub command: CozCommand,
}

#[derive(Debug, Subcommand)]
pub enum CozCommand {
    /// Sign a JSON payload; print the signed message with the public key.
    #[command(
        long_about = "Sign a JSON payload; print the signed message with the public key.\n\n\
            The payload is signed exactly as written, with whitespace outside strings\n\
            removed. If it has no `alg` or `tmb`, the key's are added at its front; if it\n\
            has them, they must be the key's. The message is\n\
            {\"pay\":…,\"sig\":…,\"key\":{\"alg\":…,\"pub\":…,\"tmb\":…}} — never the private key.",
        after_help = "Examples:\n  \
            eka coz sign pay.json > message.json\n  \
            echo '{\"msg\":\"hello\",\"typ\":\"example/hello\"}' | eka coz sign -\n  \
            eka coz sign --key ./release-key.json --json pay.json"
    )]
    Sign(SignArgs),

    /// Verify a signed Coz message with its embedded key; print its czd and tmb.
    #[command(
        long_about = "Verify a signed Coz message with its embedded key; print its czd and tmb.\n\n\
            Besides the signature, the message must pass every rule atoms rely on:\n\
            no duplicate JSON keys, canonical base64url, low-S ES256 and reduced Ed25519\n\
            signatures, `pay.alg` and `pay.tmb` equal to the key's, `now` an integer in\n\
            [0, 2^53-1], no private key. An `atom/claim` or `atom/publish` must also be in\n\
            its canonical encoding; for a claim, the atom id is printed. On any rejection\n\
            eka prints the reason on one line and exits with status 1.",
        after_help = "Examples:\n  \
            eka coz verify message.json\n  \
            git cat-file blob refs/eka/claims/my-atom | eka coz verify -\n  \
            eka coz verify --json message.json"
    )]
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
pub struct SignArgs {
    #[command(flatten)]
    pub key: KeyFileArg,

    /// The payload: a JSON object, in a file or `-` for standard input.
    #[arg(value_name = "PAY.json")]
    pub pay: PathBuf,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The signed message, in a file or `-` for standard input.
    #[arg(value_name = "FILE.json")]
    pub message: PathBuf,
}

pub fn run(args: &CozArgs, out: &Output) -> anyhow::Result<()> {
    match &args.command {
        CozCommand::Sign(args) => sign(args, out),
        CozCommand::Verify(args) => verify(args, out),
    }
}

/// Read a file, or standard input for `-`.
fn read_input(path: &Path) -> anyhow::Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
        Ok(bytes)
    } else {
        std::fs::read(path).map_err(|err| anyhow!("cannot read {}: {err}", path.display()))
    }
}

fn shown(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "standard input".to_owned()
    } else {
        path.display().to_string()
    }
}

/// A message's digests and key, as both commands print them.
#[derive(Debug, Serialize)]
struct Digests {
    alg: Alg,
    tmb: String,
    cad: String,
    czd: String,
}

impl Digests {
    fn new(message: &CozMessage) -> Self {
        Self {
            alg: message.alg(),
            tmb: message.tmb().to_b64(),
            cad: message.cad().to_b64(),
            czd: message.czd().to_b64(),
        }
    }
}

/// What `coz sign --json` prints.
#[derive(Debug, Serialize)]
struct Signed<'a> {
    /// The message, byte for byte as signed.
    coz: &'a RawValue,
    #[serde(flatten)]
    digests: Digests,
}

fn sign(args: &SignArgs, out: &Output) -> anyhow::Result<()> {
    let pay = read_input(&args.pay)?;
    let (_, key) = args.key.load(out)?;
    let signed =
        sign_pay(&key, &pay).map_err(|err| anyhow!("cannot sign {}: {err}", shown(&args.pay)))?;
    let json =
        String::from_utf8(signed.json().to_vec()).context("a signed message is UTF-8 JSON")?;
    let raw: Box<RawValue> =
        RawValue::from_string(json.clone()).context("a signed message is JSON")?;
    let result = Signed {
        coz: &raw,
        digests: Digests::new(&signed),
    };
    out.result(&result, |w| writeln!(w, "{json}"))
}

/// What `coz verify` prints.
#[derive(Debug, Serialize)]
struct VerifiedReport {
    #[serde(flatten)]
    digests: Digests,
    #[serde(skip_serializing_if = "Option::is_none")]
    typ: Option<String>,
    /// For a claim, the id it establishes; for a publish, the id it names.
    #[serde(skip_serializing_if = "Option::is_none")]
    atom_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
}

impl VerifiedReport {
    fn new(message: &CozMessage, typ: Option<String>) -> Self {
        Self {
            digests: Digests::new(message),
            typ,
            atom_id: None,
            label: None,
            version: None,
        }
    }

    fn write_human(&self, w: &mut dyn Write) -> std::io::Result<()> {
        writeln!(w, "czd:     {}", self.digests.czd)?;
        writeln!(w, "tmb:     {}", self.digests.tmb)?;
        writeln!(w, "alg:     {}", self.digests.alg)?;
        if let Some(typ) = &self.typ {
            writeln!(w, "typ:     {typ}")?;
        }
        if let Some(atom_id) = &self.atom_id {
            writeln!(w, "atom id: {atom_id}")?;
        }
        if let Some(label) = &self.label {
            writeln!(w, "label:   {label}")?;
        }
        if let Some(version) = &self.version {
            writeln!(w, "version: {version}")?;
        }
        Ok(())
    }
}

fn verify(args: &VerifyArgs, out: &Output) -> anyhow::Result<()> {
    let json = read_input(&args.message)?;
    let rejected = |err: atom_id::CozError| anyhow!("{}: rejected: {err}", shown(&args.message));
    // Claims and publishes have stricter rules (checked before the
    // signature), so pick the verifier by `pay.typ`. This look is only a
    // hint: each verifier reads the document strictly itself.
    let typ = serde_json::from_slice::<serde_json::Value>(&json)
        .ok()
        .and_then(|doc| doc["pay"]["typ"].as_str().map(str::to_owned));
    let report = match typ.as_deref() {
        Some(TYP_CLAIM) => {
            let claim = verify_claim(&json).map_err(rejected)?;
            VerifiedReport {
                atom_id: Some(claim.atom_id.to_string()),
                label: Some(claim.payload.label().to_string()),
                ..VerifiedReport::new(&claim.coz, typ)
            }
        }
        Some(TYP_PUBLISH) => {
            let publish = verify_publish(&json).map_err(rejected)?;
            VerifiedReport {
                atom_id: Some(publish.payload.atom_id().to_string()),
                label: Some(publish.payload.label().to_string()),
                version: Some(publish.payload.version().to_string()),
                ..VerifiedReport::new(&publish.coz, typ)
            }
        }
        _ => VerifiedReport::new(&verify_coz(&json).map_err(rejected)?, typ),
    };
    out.result(&report, |w| report.write_human(w))
}
