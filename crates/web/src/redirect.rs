//! Where a page may send the browser after login: only a path of this site.
//!
//! `next` comes from the query string of the login page, so it is attacker-controlled. Browsers
//! strip tabs and line breaks from URLs and read `\` as `/`, so `/\thost`, `/\host` and `//host`
//! all lead to another site; an encoded form (`/%2F/host`, `/%09/host`) is refused as well, and a
//! line break never reaches a header. Anything doubtful falls back to the home page.

use percent_encoding::percent_decode_str;
use std::borrow::Cow;

/// The longest `next` kept.
const MAX_NEXT_LEN: usize = 2048;

/// `next` when it is a path of this site, else `/`.
pub fn safe_next(next: &str) -> &str {
    if is_local_path(next) { next } else { "/" }
}

/// Whether `s` is a path of this site, as written and after percent-decoding (up to two layers;
/// a value still encoded after that is refused).
pub fn is_local_path(s: &str) -> bool {
    if s.len() > MAX_NEXT_LEN || s.chars().any(char::is_whitespace) {
        return false;
    }
    let mut current = Cow::Borrowed(s);
    for _ in 0..3 {
        if !plain_local(&current) {
            return false;
        }
        let Ok(decoded) = percent_decode_str(&current).decode_utf8() else {
            return false;
        };
        if decoded == current {
            return true;
        }
        current = Cow::Owned(decoded.into_owned());
    }
    false
}

/// One `/`, then neither `/` nor `\`, and no control character or backslash anywhere.
fn plain_local(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('/') else {
        return false;
    };
    !rest.starts_with(['/', '\\']) && !s.chars().any(|c| c.is_control() || c == '\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_this_site_are_kept() {
        for ok in ["/", "/members", "/members?q=%E5%BC%A0%E4%B8%89&page=2", "/orgs/7/life?year=2026", "/a/b#x"] {
            assert_eq!(safe_next(ok), ok, "{ok}");
        }
    }

    #[test]
    fn known_bypass_forms_fall_back_to_home() {
        let bad = [
            "",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/%09/evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "/%5cevil.example",
            "/%252F/evil.example",
            "/%25252F/evil.example",
            "\\\\evil.example",
            "https://evil.example",
            "http:evil.example",
            "javascript:alert(1)",
            "data:text/html,x",
            "evil.example",
            "/\r\nSet-Cookie: x=1",
            "/%0d%0aSet-Cookie:x=1",
            "/\n",
            "/ /evil.example",
            "/\u{3000}/evil.example",
            "/\u{0}",
            "/%00",
            "/%FF",
        ];
        for b in bad {
            assert_eq!(safe_next(b), "/", "{b:?}");
        }
        assert_eq!(safe_next(&format!("/{}", "a".repeat(MAX_NEXT_LEN))), "/");
    }
}
