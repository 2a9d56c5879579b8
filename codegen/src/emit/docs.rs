//! Turns descriptions from the document into doc comments that rustdoc
//! accepts without warnings: relative links made absolute, bare URLs
//! wrapped, stray brackets and angle brackets escaped, code blocks that are
//! not Rust marked as text (so they are not compiled as doctests).

/// Cleans one description. `base` is the origin relative links point to.
pub fn clean(text: &str, base: Option<&str>) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_fence = false;
    for (i, line) in text.trim().lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let trimmed = line.trim_start();
        if let Some(lang) = trimmed.strip_prefix("```") {
            out.push_str("```");
            if !in_fence {
                let lang = lang.trim();
                out.push_str(if lang.is_empty() || lang != "rust" { "text" } else { "rust,ignore" });
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push_str(line.trim_end());
            continue;
        }
        // Indented lines would be code blocks, and code blocks are doctests.
        out.push_str(&clean_inline(trimmed.trim_end(), base));
    }
    if in_fence {
        out.push_str("\n```");
    }
    out
}

/// Escapes one line outside code blocks, leaving `code spans` alone.
fn clean_inline(line: &str, base: Option<&str>) -> String {
    let mut out = String::with_capacity(line.len());
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < line.len() {
        let rest = &line[i..];
        let c = rest.chars().next().expect("in bounds");
        if c == '`' {
            let ticks = rest.bytes().take_while(|b| *b == b'`').count();
            let fence = &rest[..ticks];
            if let Some(end) = rest[ticks..].find(fence) {
                let span = &rest[..ticks + end + ticks];
                out.push_str(span);
                i += span.len();
                continue;
            }
            out.push_str(fence);
            i += ticks;
            continue;
        }
        if c == '[' {
            if let Some((link, len)) = markdown_link(rest, base) {
                out.push_str(&link);
                i += len;
                continue;
            }
            out.push_str("\\[");
            i += 1;
            continue;
        }
        if c == ']' {
            out.push_str("\\]");
            i += 1;
            continue;
        }
        if c == '<' {
            if let Some(end) = rest.find('>') {
                let inner = &rest[1..end];
                if (inner.starts_with("http://") || inner.starts_with("https://")) && !inner.contains(' ') {
                    out.push_str(&rest[..=end]);
                    i += end + 1;
                    continue;
                }
            }
            out.push_str("&lt;");
            i += 1;
            continue;
        }
        if c == '>' && !out.trim().is_empty() {
            out.push_str("&gt;");
            i += 1;
            continue;
        }
        if (rest.starts_with("http://") || rest.starts_with("https://"))
            && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
        {
            let len = url_len(rest);
            out.push('<');
            out.push_str(&rest[..len]);
            out.push('>');
            i += len;
            continue;
        }
        if c == '\\' {
            // A lone backslash would escape whatever follows.
            out.push_str("\\\\");
            i += 1;
            continue;
        }
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// `[text](target)` at the start of `s`: the cleaned link and its length.
fn markdown_link(s: &str, base: Option<&str>) -> Option<(String, usize)> {
    let close = s.find(']')?;
    let text = &s[1..close];
    if text.contains('[') {
        return None;
    }
    let after = &s[close + 1..];
    let target_end = after.strip_prefix('(')?.find(')')?;
    let target = &after[1..1 + target_end];
    if target.is_empty() || target.contains(' ') {
        return None;
    }
    let target = match (target.starts_with('/'), base) {
        (true, Some(base)) => format!("{base}{target}"),
        _ => target.to_owned(),
    };
    let text = clean_inline(text, None);
    Some((format!("[{text}]({target})"), close + 1 + target_end + 2))
}

fn url_len(s: &str) -> usize {
    let mut len = s
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | '(' | '[' | ']'))
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    // Sentence punctuation after a URL is not part of it.
    while len > 0 && matches!(s.as_bytes()[len - 1], b'.' | b',' | b';' | b':' | b'!' | b'?') {
        len -= 1;
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_become_absolute() {
        assert_eq!(
            clean("[Management key](/docs/keys) required.", Some("https://openrouter.ai")),
            "[Management key](https://openrouter.ai/docs/keys) required."
        );
    }

    #[test]
    fn bare_urls_are_wrapped() {
        assert_eq!(clean("See https://api.example.com/x.", None), "See <https://api.example.com/x>.");
        assert_eq!(clean("(e.g., https://a.io, https://b.io)", None), "(e.g., <https://a.io>, <https://b.io>)");
        assert_eq!(clean("<https://a.io>", None), "<https://a.io>");
    }

    #[test]
    fn brackets_html_and_code() {
        assert_eq!(clean("between [0, 1]", None), "between \\[0, 1\\]");
        assert_eq!(clean("a <b>bold</b> word", None), "a &lt;b&gt;bold&lt;/b&gt; word");
        assert_eq!(clean("use `a[0] <b>`", None), "use `a[0] <b>`");
        assert_eq!(clean("```\nx = 1\n```", None), "```text\nx = 1\n```");
        assert_eq!(clean("line\n    indented", None), "line\nindented");
        assert_eq!(clean("> quote", None), "> quote");
        assert_eq!(clean("a \\ b", None), "a \\\\ b");
    }
}
