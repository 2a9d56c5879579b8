//! Which names hold credentials. Shared by the generator (for typed fields)
//! and the generated crate (for keys inside free-form JSON), so both mask the
//! same things.

/// Splits `secretAccessKey`, `api_key_hashes` or `X-Api-Key` into lowercase
/// words.
pub fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = if i > 0 { chars[i - 1] } else { ' ' };
        let next = chars.get(i + 1).copied().unwrap_or(' ');
        // `apiKey` → api|Key; `HTTPServer` → HTTP|Server
        let boundary = c.is_uppercase()
            && (prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next.is_lowercase()));
        if boundary && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Whether a property or map key looks like it holds a credential.
pub fn is_sensitive_name(name: &str) -> bool {
    const SECRET_WORDS: &[&str] = &[
        "password",
        "passwd",
        "secret",
        "token",
        "dsn",
        "credential",
        "credentials",
        "authorization",
        "cookie",
        "apikey",
    ];
    let words = words(name);
    if words.iter().any(|w| SECRET_WORDS.contains(&w.as_str()) || w.ends_with("password") || w.ends_with("secret")) {
        return true;
    }
    // `apiKey`, `licenseKey`, `spaceKey`, but not `publicKey` or `api_key_hashes`.
    match words.as_slice() {
        [.., prev, last] if last == "key" || last == "keys" => prev != "public",
        [only] => only == "key",
        _ => false,
    }
}

/// Whether every value under this name should be masked (`headers` often
/// carry credentials under any name).
pub fn masks_all_values(name: &str) -> bool {
    words(name).iter().any(|w| w == "headers")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words() {
        assert_eq!(words("secretAccessKey"), ["secret", "access", "key"]);
        assert_eq!(words("api_key_hashes"), ["api", "key", "hashes"]);
        assert_eq!(words("X-Api-Key"), ["x", "api", "key"]);
        assert_eq!(words("HTTPServer"), ["http", "server"]);
    }

    #[test]
    fn credential_names() {
        for s in [
            "apiKey",
            "secretKey",
            "password",
            "token",
            "licenseKey",
            "spaceKey",
            "secretAccessKey",
            "sessionToken",
            "dsn",
            "api_key",
            "Authorization",
            "X-Api-Key",
            "clientSecret",
            "key",
        ] {
            assert!(is_sensitive_name(s), "{s}");
        }
        for s in ["publicKey", "api_key_hashes", "accessKeyId", "total_tokens", "name", "baseUrl", "keyboard", "monkey"]
        {
            assert!(!is_sensitive_name(s), "{s}");
        }
        assert!(masks_all_values("headers"));
        assert!(!masks_all_values("header_name"));
    }
}
