//! `[tags]`: applied to every taggable resource, the MWAA environment included.

use indexmap::IndexMap;

use super::aws::is_tag_char;
use super::{span, Validator};
use crate::diagnostics::user_key_path;
use crate::spec::RawSpec;

const TAG_CHARS_HELP: &str = "use letters, digits, spaces and _ . : / = + - @";

impl Validator {
    pub(super) fn tags(&mut self, raw: &RawSpec) -> IndexMap<String, String> {
        let mut out = IndexMap::new();
        let Some(tags) = &raw.tags else { return out };
        if tags.get_ref().len() > 50 {
            self.err(
                "tags",
                span(tags),
                format!("has {} tags; AWS allows at most 50", tags.get_ref().len()),
                "remove some tags",
            );
        }
        for (k, v) in tags.get_ref() {
            let key = k.get_ref();
            let field = user_key_path("tags", key);
            if key.is_empty() || key.chars().count() > 128 {
                let help =
                    if key.is_empty() { "give the tag a key" } else { "shorten the key to at most 128 characters" };
                self.err(&field, span(k), "tag keys must be 1 to 128 characters long", help);
            } else if key.to_ascii_lowercase().starts_with("aws:") {
                self.err(
                    &field,
                    span(k),
                    "tag keys must not start with \"aws:\"",
                    "the aws: prefix is reserved for AWS; choose another key",
                );
            } else if let Some(c) = key.chars().find(|c| !is_tag_char(*c)) {
                self.err(
                    &field,
                    span(k),
                    format!("tag key contains {:?}, which AWS does not allow in tags", c),
                    TAG_CHARS_HELP,
                );
            }
            let value = v.get_ref();
            if value.chars().count() > 256 {
                self.err(
                    &field,
                    span(v),
                    "tag values must be at most 256 characters long",
                    "shorten the value to at most 256 characters",
                );
            } else if let Some(c) = value.chars().find(|c| !is_tag_char(*c)) {
                self.err(
                    &field,
                    span(v),
                    format!("tag value contains {:?}, which AWS does not allow in tags", c),
                    TAG_CHARS_HELP,
                );
            }
            out.insert(key.clone(), value.clone());
        }
        out
    }
}
