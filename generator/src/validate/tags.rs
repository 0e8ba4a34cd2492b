//! `[tags]`: applied to every taggable resource, the MWAA environment included.

use indexmap::IndexMap;

use super::{span, Validator};
use crate::diagnostics::user_key_path;
use crate::rules::{RESERVED_TAG_PREFIX, TAG_KEY, TAG_MAP, TAG_VALUE};
use crate::spec::RawSpec;

/// What the tag pattern `[\p{L}\p{Z}\p{N}_.:/=+\-@]` admits, in words.
const TAG_CHARS_HELP: &str = "use letters (of any script), numbers, spaces and _ . : / = + - @; accents written as \
                              separate combining marks are not letters: write the accented letter itself (MWAA API, \
                              TagKey and TagValue: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@])";

/// The first character of `s` that AWS's tag pattern does not admit.
fn bad_tag_char(s: &str) -> Option<char> {
    s.chars().find(|c| !TAG_VALUE.matches(c.encode_utf8(&mut [0; 4])))
}

impl Validator {
    pub(super) fn tags(&mut self, raw: &RawSpec) -> IndexMap<String, String> {
        let mut out = IndexMap::new();
        let Some(tags) = &raw.tags else { return out };
        if tags.get_ref().len() > TAG_MAP.max {
            self.err(
                "tags",
                span(tags),
                format!("has {} tags; AWS allows at most {}", tags.get_ref().len(), TAG_MAP.max),
                format!("remove some tags ({})", TAG_MAP.source),
            );
        }
        for (k, v) in tags.get_ref() {
            let key = k.get_ref();
            let field = user_key_path("tags", key);
            let key_len = key.chars().count();
            if key_len < TAG_KEY.min || key_len > TAG_KEY.max {
                let help = if key.is_empty() {
                    "give the tag a key".to_owned()
                } else {
                    format!("shorten the key to at most {} characters ({})", TAG_KEY.max, TAG_KEY.source)
                };
                self.err(&field, span(k), "tag keys must be 1 to 128 characters long", help);
            } else if key.to_ascii_lowercase().starts_with(RESERVED_TAG_PREFIX) {
                self.err(
                    &field,
                    span(k),
                    "tag keys must not start with \"aws:\"",
                    "the aws: prefix is reserved for AWS; choose another key (AWS tagging guide, tag naming limits)",
                );
            } else if let Some(c) = bad_tag_char(key) {
                self.err(
                    &field,
                    span(k),
                    format!("tag key contains {c:?} (U+{:04X}), which AWS does not allow in tags", u32::from(c)),
                    TAG_CHARS_HELP,
                );
            }
            let value = v.get_ref();
            if value.is_empty() {
                self.err(
                    &field,
                    span(v),
                    "tag values must not be empty: the tags reach the MWAA environment, whose API takes values of 1 to 256 characters",
                    format!("give the tag a value, or remove it ({})", TAG_VALUE.source),
                );
            } else if value.chars().count() > TAG_VALUE.max {
                self.err(
                    &field,
                    span(v),
                    "tag values must be at most 256 characters long",
                    format!("shorten the value to at most {} characters ({})", TAG_VALUE.max, TAG_VALUE.source),
                );
            } else if let Some(c) = bad_tag_char(value) {
                self.err(
                    &field,
                    span(v),
                    format!("tag value contains {c:?} (U+{:04X}), which AWS does not allow in tags", u32::from(c)),
                    TAG_CHARS_HELP,
                );
            }
            out.insert(key.clone(), value.clone());
        }
        out
    }
}
