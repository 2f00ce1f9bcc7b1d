//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), the kind
//! every authenticator app reads from an `otpauth://` URI.

use hmac::{Hmac, Mac};
use sha1::Sha1;

pub const STEP_SECONDS: i64 = 30;
pub const DIGITS: u32 = 6;

/// A shared secret, as raw bytes (20 bytes, as RFC 4226 recommends).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn from_bytes(bytes: [u8; 20]) -> Self {
        Self(bytes.to_vec())
    }

    pub fn from_base32(s: &str) -> Option<Self> {
        let cleaned: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        let bytes = data_encoding::BASE32_NOPAD
            .decode(cleaned.trim_end_matches('=').as_bytes())
            .ok()?;
        (bytes.len() >= 10).then_some(Self(bytes))
    }

    pub fn to_base32(&self) -> String {
        data_encoding::BASE32_NOPAD.encode(&self.0)
    }

    /// The URI an authenticator app scans.
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        let enc = |s: &str| {
            s.bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-._~@".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect::<String>()
        };
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
            enc(issuer),
            enc(account),
            self.to_base32(),
            enc(issuer)
        )
    }

    fn code_at_step(&self, step: i64) -> u32 {
        // HMAC accepts keys of any length, so this cannot fail.
        let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(&self.0) else {
            return u32::MAX;
        };
        mac.update(&step.to_be_bytes());
        let digest = mac.finalize().into_bytes();
        let offset = (digest[19] & 0x0f) as usize;
        let bin = u32::from_be_bytes([
            digest[offset] & 0x7f,
            digest[offset + 1],
            digest[offset + 2],
            digest[offset + 3],
        ]);
        bin % 10u32.pow(DIGITS)
    }

    /// The code shown at a Unix time.
    pub fn code_at(&self, unix_seconds: i64) -> String {
        format!(
            "{:06}",
            self.code_at_step(unix_seconds.div_euclid(STEP_SECONDS))
        )
    }

    /// Checks a typed code, allowing one step of clock drift either way. Returns the step it
    /// matched so the caller can refuse a second use of the same code (`last_used_step`).
    pub fn verify(
        &self,
        code: &str,
        unix_seconds: i64,
        last_used_step: Option<i64>,
    ) -> Option<i64> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let typed: u32 = code.parse().ok()?;
        let now = unix_seconds.div_euclid(STEP_SECONDS);
        (now - 1..=now + 1)
            .filter(|step| last_used_step.is_none_or(|last| *step > last))
            .find(|step| self.code_at_step(*step) == typed)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238 appendix B, SHA1 key "12345678901234567890", 8 digits truncated to our 6.
    #[test]
    fn rfc6238_vectors() {
        let secret = Secret(b"12345678901234567890".to_vec());
        for (t, eight) in [
            (59, "94287082"),
            (1111111109, "07081804"),
            (1234567890, "89005924"),
            (2000000000, "69279037"),
        ] {
            assert_eq!(secret.code_at(t), eight[2..], "t={t}");
        }
    }

    #[test]
    fn verify_allows_one_step_of_drift_and_refuses_replay() {
        let secret = Secret::from_bytes([7; 20]);
        let now = 1_800_000_000;
        let code = secret.code_at(now);
        let step = secret.verify(&code, now, None).unwrap();
        assert_eq!(secret.verify(&code, now + 30, None), Some(step));
        assert_eq!(secret.verify(&code, now + 90, None), None);
        assert_eq!(secret.verify(&code, now, Some(step)), None, "replayed code");
        assert_eq!(secret.verify("12345", now, None), None);
        assert_eq!(secret.verify("abcdef", now, None), None);
    }

    #[test]
    fn base32_round_trip_and_uri() {
        let secret = Secret::from_bytes([42; 20]);
        let b32 = secret.to_base32();
        assert_eq!(Secret::from_base32(&b32.to_lowercase()).unwrap(), secret);
        assert!(Secret::from_base32("not base32!").is_none());
        let uri = secret.otpauth_uri("Ville de Belleville", "agent@belleville.example");
        assert!(uri.starts_with(
            "otpauth://totp/Ville%20de%20Belleville:agent@belleville.example?secret="
        ));
    }
}
