//! Cisco password and secret formats: type 5 (md5-crypt), 8 (PBKDF2-SHA256),
//! 9 (scrypt), the reversible type 7, and plain type 0.

use base64::Engine as _;
use base64::alphabet::Alphabet;
use base64::engine::{GeneralPurpose, GeneralPurposeConfig};
use rand::RngExt;

/// Cisco's hash alphabet (crypt order, no padding).
const CRYPT_ALPHABET: &str = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn engine() -> Option<GeneralPurpose> {
    let alphabet = Alphabet::new(CRYPT_ALPHABET).ok()?;
    Some(GeneralPurpose::new(
        &alphabet,
        GeneralPurposeConfig::new().with_encode_padding(false),
    ))
}

/// The Vigenère key of type 7.
const TYPE7_KEY: &[u8] = b"dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87";

/// A stored secret in one of the Cisco formats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Secret {
    /// Type 0: clear text.
    Plain(String),
    /// Type 5: `$1$salt$hash`.
    Md5(String),
    /// Type 7: reversible.
    Type7(String),
    /// Type 8: `$8$salt$hash`.
    Pbkdf2(String),
    /// Type 9: `$9$salt$hash`.
    Scrypt(String),
}

impl Secret {
    /// Reads a secret from its type digit and text (`5 $1$…`).
    pub fn from_type(kind: u8, text: &str) -> Option<Self> {
        Some(match kind {
            0 => Secret::Plain(text.to_owned()),
            5 => Secret::Md5(text.to_owned()),
            7 => Secret::Type7(text.to_owned()),
            8 => Secret::Pbkdf2(text.to_owned()),
            9 => Secret::Scrypt(text.to_owned()),
            _ => return None,
        })
    }

    /// The type digit.
    pub fn kind(&self) -> u8 {
        match self {
            Secret::Plain(_) => 0,
            Secret::Md5(_) => 5,
            Secret::Type7(_) => 7,
            Secret::Pbkdf2(_) => 8,
            Secret::Scrypt(_) => 9,
        }
    }

    /// The stored text.
    pub fn text(&self) -> &str {
        match self {
            Secret::Plain(t)
            | Secret::Md5(t)
            | Secret::Type7(t)
            | Secret::Pbkdf2(t)
            | Secret::Scrypt(t) => t,
        }
    }

    /// Whether `password` matches (constant time in the hash comparison).
    pub fn verify(&self, password: &str) -> bool {
        match self {
            Secret::Plain(t) => ct_eq(t.as_bytes(), password.as_bytes()),
            Secret::Type7(t) => {
                type7_decode(t).is_some_and(|p| ct_eq(p.as_bytes(), password.as_bytes()))
            }
            Secret::Md5(t) => {
                let Some(salt) = t.strip_prefix("$1$").and_then(|r| r.split('$').next()) else {
                    return false;
                };
                ct_eq(
                    &md5crypt::md5crypt(password.as_bytes(), salt.as_bytes()),
                    t.as_bytes(),
                )
            }
            Secret::Pbkdf2(t) => split_hash(t, "$8$")
                .is_some_and(|(salt, _)| ct_eq(type8(password, salt).as_bytes(), t.as_bytes())),
            Secret::Scrypt(t) => split_hash(t, "$9$")
                .and_then(|(salt, _)| type9(password, salt))
                .is_some_and(|h| ct_eq(h.as_bytes(), t.as_bytes())),
        }
    }

    /// Hashes a clear-text secret as IOS does for `secret 0 TEXT`: type 9.
    pub fn hash(password: &str) -> Option<Secret> {
        type9(password, &random_salt()).map(Secret::Scrypt)
    }
}

fn split_hash<'a>(t: &'a str, prefix: &str) -> Option<(&'a str, &'a str)> {
    t.strip_prefix(prefix)?.split_once('$')
}

fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// 14 random characters of the crypt alphabet.
pub fn random_salt() -> String {
    let mut rng = rand::rng();
    let alphabet = CRYPT_ALPHABET.as_bytes();
    (0..14)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect()
}

/// Type 8: PBKDF2-HMAC-SHA256, 20 000 iterations.
pub fn type8(password: &str, salt: &str) -> String {
    let mut out = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), salt.as_bytes(), 20_000, &mut out);
    let b64 = engine().map(|e| e.encode(out)).unwrap_or_default();
    format!("$8${salt}${b64}")
}

/// Type 9: scrypt with N = 2^14, r = 1, p = 1.
pub fn type9(password: &str, salt: &str) -> Option<String> {
    let params = scrypt::Params::new(14, 1, 1).ok()?;
    let mut out = [0u8; 32];
    scrypt::scrypt(password.as_bytes(), salt.as_bytes(), &params, &mut out).ok()?;
    let b64 = engine()?.encode(out);
    Some(format!("$9${salt}${b64}"))
}

/// Type 5: md5-crypt.
pub fn type5(password: &str, salt: &str) -> String {
    String::from_utf8_lossy(&md5crypt::md5crypt(password.as_bytes(), salt.as_bytes())).into_owned()
}

/// Decodes a type 7 string; `None` if it is not one.
pub fn type7_decode(enc: &str) -> Option<String> {
    if enc.len() < 4 || !enc.len().is_multiple_of(2) || !enc.is_ascii() {
        return None;
    }
    let offset: usize = enc.get(..2)?.parse().ok()?;
    let mut out = Vec::with_capacity(enc.len() / 2 - 1);
    for (i, pair) in enc.as_bytes()[2..].chunks(2).enumerate() {
        let hex = std::str::from_utf8(pair).ok()?;
        let byte = u8::from_str_radix(hex, 16).ok()?;
        out.push(byte ^ TYPE7_KEY[(offset + i) % TYPE7_KEY.len()]);
    }
    String::from_utf8(out).ok()
}

/// Encodes a type 7 string with the given offset (0-15, as IOS picks).
pub fn type7_encode(plain: &str, offset: usize) -> String {
    let offset = offset % 16;
    let mut s = format!("{offset:02}");
    for (i, b) in plain.bytes().enumerate() {
        s.push_str(&format!(
            "{:02X}",
            b ^ TYPE7_KEY[(offset + i) % TYPE7_KEY.len()]
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_vectors_verify() {
        assert!(Secret::Md5("$1$mERr$hx5rVt7rPNoS4wqbXKX7m0".into()).verify("cisco"));
        assert!(!Secret::Md5("$1$mERr$hx5rVt7rPNoS4wqbXKX7m0".into()).verify("Cisco"));
        assert!(
            Secret::Pbkdf2("$8$dsYGNam3K1SIJO$7nv/35M/qr6t.dVc7UY9zrJDWRVqncHub1PE9UlMQFs".into())
                .verify("cisco")
        );
        assert!(
            Secret::Pbkdf2("$8$TnGX/fE4KGHOVU$pEhnEvxrvaynpi8j4f.EMHr6M.FzU8xnZnBr/tJdFWk".into())
                .verify("hashcat")
        );
        assert!(
            Secret::Scrypt("$9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM".into())
                .verify("cisco")
        );
        assert!(
            Secret::Scrypt("$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6".into())
                .verify("hashcat")
        );
        assert!(
            !Secret::Scrypt("$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6".into())
                .verify("hashcaT")
        );
        assert!(!Secret::Scrypt("garbage".into()).verify(""));
    }

    #[test]
    fn type7_round_trips_and_decodes_known_value() {
        assert_eq!(type7_decode("070C285F4D06").as_deref(), Some("cisco"));
        for off in 0..16 {
            assert_eq!(
                type7_decode(&type7_encode("s3cret pass", off)).as_deref(),
                Some("s3cret pass")
            );
        }
        assert_eq!(type7_decode("0"), None);
        assert_eq!(type7_decode("07ZZ"), None);
        assert!(Secret::Type7("070C285F4D06".into()).verify("cisco"));
    }

    #[test]
    fn new_hashes_are_type9_and_verify() {
        let s = Secret::hash("letmein");
        let s = s.unwrap_or(Secret::Plain(String::new()));
        assert_eq!(s.kind(), 9);
        assert!(
            s.text().starts_with("$9$") && s.text().len() == 3 + 14 + 1 + 43,
            "{}",
            s.text()
        );
        assert!(s.verify("letmein"));
        assert!(!s.verify("letmeout"));
        assert_eq!(type5("cisco", "mERr"), "$1$mERr$hx5rVt7rPNoS4wqbXKX7m0");
    }
}
