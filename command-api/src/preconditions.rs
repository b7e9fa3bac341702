//! Request preconditions: `Idempotency-Key` (scope and fingerprint, api.md §5) and
//! `If-Match` (api.md §6). Parsing only; the writer decides what they mean.

use actix_web::HttpRequest;
use platform::auth::Principal;
use platform::problem::Problem;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::writer::IdempotencyRequest;

/// Reads `Idempotency-Key`: 1–255 printable ASCII characters, bare or as a quoted
/// structured-field string. Absent → `None`; malformed → 400.
pub fn idempotency(
    req: &HttpRequest,
    principal: &Principal,
    route_template: &str,
    body: &Value,
) -> Result<Option<IdempotencyRequest>, Problem> {
    let Some(raw) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    let raw = raw.to_str().map_err(|_| bad_key())?;
    let key = raw
        .strip_prefix('"')
        .and_then(|k| k.strip_suffix('"'))
        .unwrap_or(raw);
    let printable = key.bytes().all(|b| (0x20..0x7f).contains(&b));
    if key.is_empty() || key.len() > 255 || !printable {
        return Err(bad_key());
    }
    let method = req.method().as_str();
    let scope = sha256_hex(&[&principal.id, method, route_template, key]);
    let if_match = req
        .headers()
        .get("if-match")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // serde_json's map is ordered by key, so this is the canonical form of the body.
    let canonical = serde_json::to_string(body).unwrap_or_default();
    let fingerprint = sha256_hex(&[method, req.path(), &canonical, if_match]);
    Ok(Some(IdempotencyRequest {
        key: key.to_owned(),
        scope,
        fingerprint,
    }))
}

fn bad_key() -> Problem {
    Problem::invalid_argument("Idempotency-Key must be 1-255 printable ASCII characters")
        .meta("header", "Idempotency-Key")
}

fn sha256_hex(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        // Length-prefix each part so ("ab","c") and ("a","bc") differ.
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// `If-Match`: absent or `*` → any version; `"<n>"` → version n; any other tag (weak,
/// foreign) can never match a strong version tag, so it yields an impossible version.
pub fn expected_version(req: &HttpRequest) -> Option<u64> {
    let raw = req.headers().get("if-match")?.to_str().unwrap_or("").trim();
    if raw == "*" {
        return None;
    }
    let version = raw
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .and_then(|v| v.parse().ok());
    Some(version.unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;
    use platform::auth::Role;
    use serde_json::json;

    fn alice() -> Principal {
        Principal {
            id: "alice".into(),
            role: Role::Member,
        }
    }

    #[test]
    fn fingerprint_ignores_key_order_but_not_values() {
        let req = TestRequest::post()
            .uri("/api/v1/droplets")
            .insert_header(("Idempotency-Key", "k1"))
            .to_http_request();
        let a = idempotency(&req, &alice(), "/api/v1/droplets", &json!({"a": 1, "b": 2}))
            .unwrap()
            .unwrap();
        let b = idempotency(&req, &alice(), "/api/v1/droplets", &json!({"b": 2, "a": 1}))
            .unwrap()
            .unwrap();
        let c = idempotency(&req, &alice(), "/api/v1/droplets", &json!({"a": 1, "b": 3}))
            .unwrap()
            .unwrap();
        assert_eq!(a, b);
        assert_ne!(a.fingerprint, c.fingerprint);
        assert_eq!(a.scope, c.scope);
    }

    #[test]
    fn keys_are_scoped_per_principal_and_validated() {
        let req = TestRequest::post()
            .insert_header(("Idempotency-Key", "\"k1\""))
            .to_http_request();
        let bob = Principal {
            id: "bob".into(),
            role: Role::Member,
        };
        let a = idempotency(&req, &alice(), "/r", &json!({}))
            .unwrap()
            .unwrap();
        let b = idempotency(&req, &bob, "/r", &json!({})).unwrap().unwrap();
        assert_eq!(a.key, "k1");
        assert_ne!(a.scope, b.scope);
        let long = TestRequest::post()
            .insert_header(("Idempotency-Key", "x".repeat(256)))
            .to_http_request();
        assert!(idempotency(&long, &alice(), "/r", &json!({})).is_err());
    }

    #[test]
    fn if_match_forms() {
        let with = |v: &str| {
            TestRequest::post()
                .insert_header(("If-Match", v))
                .to_http_request()
        };
        assert_eq!(expected_version(&with("\"4\"")), Some(4));
        assert_eq!(expected_version(&with("*")), None);
        assert_eq!(expected_version(&with("W/\"4\"")), Some(u64::MAX));
        assert_eq!(
            expected_version(&TestRequest::post().to_http_request()),
            None
        );
    }
}
