//! HCL text: string literals and keys escaped so that Terraform reads back exactly the IR's text,
//! and IR expressions written as HCL expressions (references as traversals, `Fn::Sub`-like
//! strings as templates, documents as objects).

use std::fmt::Write as _;

use super::kinds::{id_attribute, tf_type};
use crate::ir::{Attr, Expr, Part, Pseudo, Ref};

/// A quoted HCL string literal that Terraform reads back as exactly `s`: quotes, backslashes and
/// control characters escaped, `${` and `%{` doubled so they stay literal text.
#[must_use]
pub fn hcl_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    push_template_text(&mut out, s, false);
    out.push('"');
    out
}

/// Appends `s` as literal text of a quoted template. With `ascii_only`, every non-ASCII
/// character is written as a `\u` escape too.
fn push_template_text(out: &mut String, s: &str, ascii_only: bool) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if needs_escape(c) || (ascii_only && !c.is_ascii()) => {
                let n = u32::from(c);
                if n > 0xffff {
                    let _ = write!(out, "\\U{n:08X}");
                } else {
                    let _ = write!(out, "\\u{n:04X}");
                }
            }
            c => out.push(c),
        }
    }
}

/// Characters written as `\u` escapes: control characters, and those that some tools treat as
/// line breaks or byte-order marks.
fn needs_escape(c: char) -> bool {
    let n = u32::from(c);
    n < 0x20 || (0x7f..=0x9f).contains(&n) || matches!(n, 0x2028 | 0x2029 | 0xfeff | 0xfffe | 0xffff)
}

/// Words that an unquoted object key would not be read as literally.
const HCL_KEYWORDS: &[&str] = &["true", "false", "null", "for", "in", "if", "else", "endif", "endfor"];

/// An object key: bare when it is a plain identifier, otherwise quoted. A quoted key writes its
/// non-ASCII characters as escapes, so that its width in columns is its length in bytes, which is
/// what the `=` alignment of [`align`] counts (`terraform fmt` counts grapheme clusters).
#[must_use]
pub fn hcl_key(k: &str) -> String {
    let bare = k.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !HCL_KEYWORDS.contains(&k);
    if bare {
        return k.to_owned();
    }
    let mut out = String::with_capacity(k.len() + 2);
    out.push('"');
    push_template_text(&mut out, k, true);
    out.push('"');
    out
}

/// Text for a `#` comment: one line, no control characters.
pub(super) fn comment_text(s: &str) -> String {
    s.chars().map(|c| if c.is_control() || needs_escape(c) { ' ' } else { c }).collect()
}

pub(super) fn attribute(r: &Ref) -> &'static str {
    match r.attr {
        Attr::Id => id_attribute(&r.kind),
        Attr::Arn => "arn",
        Attr::GroupId => "id",
        Attr::AllocationId => "allocation_id",
        Attr::WebserverUrl => "webserver_url",
        Attr::DatabaseVpcEndpointService => "database_vpc_endpoint_service",
        Attr::WebserverVpcEndpointService => "webserver_vpc_endpoint_service",
    }
}

/// Replaces the attribute of a reference (`attr="arn"` in a template).
pub(super) fn with_attr(e: Expr, attr: &str) -> tera::Result<Expr> {
    let Expr::Ref(mut r) = e else {
        return Ok(e);
    };
    r.attr = match attr {
        "arn" => Attr::Arn,
        "id" => Attr::Id,
        other => return Err(tera::Error::msg(format!("hcl: unknown attr override {other:?}"))),
    };
    Ok(Expr::Ref(r))
}

/// `aws_subnet.private["az1"].id`; `local.environment_arn` for a reference to a local value
/// (see [`super::locals`]).
pub(crate) fn traversal(r: &Ref) -> String {
    if r.kind == LOCAL {
        return format!("local.{}", r.id);
    }
    let ty = tf_type(&r.kind).unwrap_or("UNKNOWN_KIND");
    format!("{}.{}", super::names::tf_name(&r.kind, &r.id, ty).address(ty), attribute(r))
}

/// The [`Ref::kind`] of a reference to a Terraform local value: the backend's own, never in the IR.
pub(super) const LOCAL: &str = "local";

/// A pseudo parameter in expressions: the local value that `locals.tf` sets from its data source.
pub(crate) fn pseudo(p: Pseudo) -> &'static str {
    match p {
        Pseudo::Region => "local.region",
        Pseudo::AccountId => "local.account_id",
        Pseudo::Partition => "local.partition",
    }
}

/// The data source attribute that holds a pseudo parameter; `region_attribute`: the provider has
/// `region` on aws_region (6.x, see [`super::provider::Features`]), else `name`.
pub(super) fn pseudo_source(p: Pseudo, region_attribute: bool) -> &'static str {
    match p {
        Pseudo::Region if region_attribute => "data.aws_region.current.region",
        Pseudo::Region => "data.aws_region.current.name",
        Pseudo::AccountId => "data.aws_caller_identity.current.account_id",
        Pseudo::Partition => "data.aws_partition.current.partition",
    }
}

/// An expression on one line, if it has one: everything but non-empty maps and long lists.
fn inline(e: &Expr) -> Option<String> {
    Some(match e {
        Expr::Str(s) => hcl_string(s),
        Expr::Int(n) => n.to_string(),
        Expr::Bool(b) => b.to_string(),
        Expr::Ref(r) => traversal(r),
        Expr::Pseudo(p) => pseudo(*p).to_owned(),
        Expr::Sub(parts) => {
            let mut s = String::from("\"");
            for p in parts {
                match p {
                    Part::Lit(t) => push_template_text(&mut s, t, false),
                    Part::Pseudo(ps) => {
                        let _ = write!(s, "${{{}}}", pseudo(*ps));
                    }
                    Part::Ref(r) => {
                        let _ = write!(s, "${{{}}}", traversal(r));
                    }
                }
            }
            s.push('"');
            s
        }
        Expr::Az(i) => format!("data.aws_availability_zones.available.names[{i}]"),
        Expr::Input(name) => format!("var.{name}"),
        Expr::Select { index, list } => format!("{}[{index}]", inline(list)?),
        Expr::Split { sep, of } => format!("split({}, {})", hcl_string(sep), inline(of)?),
        Expr::Concat(lists) => {
            let lists: Option<Vec<String>> = lists.iter().map(inline).collect();
            format!("concat({})", lists?.join(", "))
        }
        // `"${var.bucket_arn}/*"`: a join without separator is a template in HCL.
        Expr::Join { sep, items } if sep.is_empty() => {
            let mut s = String::from("\"");
            for item in items {
                match item {
                    Expr::Str(t) => push_template_text(&mut s, t, false),
                    other => {
                        let _ = write!(s, "${{{}}}", inline(other)?);
                    }
                }
            }
            s.push('"');
            s
        }
        Expr::Join { sep, items } => {
            let items: Option<Vec<String>> = items.iter().map(inline).collect();
            format!("join({}, [{}])", hcl_string(sep), items?.join(", "))
        }
        Expr::List(items) => {
            let items: Option<Vec<String>> = items.iter().map(inline).collect();
            let text = format!("[{}]", items?.join(", "));
            if text.len() > MAX_INLINE_LIST {
                return None;
            }
            text
        }
        Expr::Map(m) if m.is_empty() => "{}".to_owned(),
        Expr::Map(_) => return None,
    })
}

/// Lists longer than this (as one line) are written one item per line.
const MAX_INLINE_LIST: usize = 64;

/// An expression as the value of an attribute whose line starts at `indent`: inline when it
/// fits, otherwise opening on this line and closing on its own line at `indent`.
#[must_use]
pub fn expr(e: &Expr, indent: usize) -> String {
    if let Some(s) = inline(e) {
        return s;
    }
    let pad = " ".repeat(indent);
    let inner = " ".repeat(indent + 2);
    match e {
        Expr::Map(m) => {
            let mut out = String::from("{\n");
            for (k, v) in m {
                let _ = writeln!(out, "{inner}{} = {}", hcl_key(k), expr(v, indent + 2));
            }
            out.push_str(&pad);
            out.push('}');
            out
        }
        Expr::List(items) => {
            let mut out = String::from("[\n");
            for item in items {
                let _ = writeln!(out, "{inner}{},", expr(item, indent + 2));
            }
            out.push_str(&pad);
            out.push(']');
            out
        }
        Expr::Join { sep, items } => {
            format!("join({}, {})", hcl_string(sep), expr(&Expr::List(items.clone()), indent))
        }
        // `inline` handles every other variant.
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use indexmap::IndexMap;

    #[test]
    fn strings_escape_what_hcl_would_read_otherwise() {
        assert_eq!(hcl_string("plain"), "\"plain\"");
        assert_eq!(hcl_string("a${b}"), "\"a$${b}\"");
        assert_eq!(hcl_string("a%{b}"), "\"a%%{b}\"");
        assert_eq!(hcl_string("$${"), "\"$$${\"");
        assert_eq!(hcl_string("$ % $$ %%"), "\"$ % $$ %%\"");
        assert_eq!(hcl_string("q\"b\\n\nt\tr\r"), "\"q\\\"b\\\\n\\nt\\tr\\r\"");
        assert_eq!(hcl_string("é😀"), "\"é😀\"");
        assert_eq!(hcl_string("\u{1}\u{85}\u{2028}"), "\"\\u0001\\u0085\\u2028\"");
    }

    /// Every hostile string survives a round trip through a real HCL parser.
    #[test]
    fn strings_round_trip_through_hcl() {
        let hostile = [
            "plain",
            "${var.x}",
            "%{ if true }x%{ endif }",
            "$${already}",
            "$$${",
            "a$",
            "%",
            "q\"uote",
            "back\\slash\\",
            "new\nline\r\n",
            "tab\tx",
            "`backtick`",
            "é 漢字 😀 E\u{301}",
            "\u{0}\u{1f}\u{7f}\u{85}\u{2028}\u{feff}",
            "",
        ];
        for s in hostile {
            // As an attribute value, and as an object key.
            let text = format!("a = {}\nb = {{\n  {} = 1\n}}\n", hcl_string(s), hcl_key(s));
            let value: serde_json::Value = hcl::from_str(&text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert_eq!(value["a"], serde_json::json!(s), "{text}");
            assert_eq!(value["b"], serde_json::json!({ s: 1 }), "{text}");
        }
    }

    #[test]
    fn keys() {
        assert_eq!(hcl_key("Version"), "Version");
        assert_eq!(hcl_key("aws:SourceAccount"), "\"aws:SourceAccount\"");
        assert_eq!(hcl_key("core.parallelism"), "\"core.parallelism\"");
        assert_eq!(hcl_key("null"), "\"null\"");
        assert_eq!(hcl_key("Équipe"), "\"\\u00C9quipe\"");
        assert_eq!(hcl_key("1a"), "\"1a\"");
    }

    fn r(kind: &str, id: &str, attr: Attr) -> Expr {
        Expr::Ref(Ref { id: id.into(), kind: kind.into(), attr })
    }

    #[test]
    fn references() {
        assert_eq!(expr(&r("iam_role", "ExecutionRole", Attr::Id), 0), "aws_iam_role.execution.name");
        assert_eq!(expr(&r("iam_role", "ExecutionRole", Attr::Arn), 0), "aws_iam_role.execution.arn");
        assert_eq!(expr(&r("managed_policy", "ExecutionPolicy", Attr::Id), 0), "aws_iam_policy.execution.arn");
        assert_eq!(expr(&r("kms_key", "EnvironmentKey", Attr::Id), 0), "aws_kms_key.environment.key_id");
        assert_eq!(expr(&r("security_group", "SecurityGroup", Attr::GroupId), 0), "aws_security_group.this.id");
        assert_eq!(
            expr(&r("eip", "NatGateway1EIP", Attr::AllocationId), 0),
            "aws_eip.nat_gateway[\"az1\"].allocation_id"
        );
        assert_eq!(expr(&Expr::Az(1), 0), "data.aws_availability_zones.available.names[1]");
        let sub = Expr::Sub(vec![
            Part::Lit("arn:".into()),
            Part::Pseudo(Pseudo::Partition),
            Part::Lit(":s3:::${x}/".into()),
            Part::Ref(Ref { id: "B".into(), kind: "bucket".into(), attr: Attr::Id }),
        ]);
        assert_eq!(expr(&sub, 0), "\"arn:${local.partition}:s3:::$${x}/${aws_s3_bucket.b.id}\"");
        let local = Expr::Ref(Ref { id: "environment_arn".into(), kind: LOCAL.into(), attr: Attr::Id });
        assert_eq!(expr(&local, 0), "local.environment_arn");
        let join = Expr::Join { sep: ",".into(), items: vec![r("subnet", "A", Attr::Id), Expr::s("b")] };
        assert_eq!(expr(&join, 0), "join(\",\", [aws_subnet.a.id, \"b\"])");
    }

    #[test]
    fn documents_open_and_close_at_their_indent() {
        let doc = Expr::Map(IndexMap::from([
            ("Version".to_owned(), Expr::s("2012-10-17")),
            (
                "Statement".to_owned(),
                Expr::List(vec![Expr::Map(IndexMap::from([
                    ("Action".to_owned(), Expr::strs(["a:B"])),
                    ("Condition".to_owned(), Expr::Map(IndexMap::new())),
                ]))]),
            ),
        ]));
        assert_eq!(
            expr(&doc, 2),
            "{\n    Version = \"2012-10-17\"\n    Statement = [\n      {\n        Action = [\"a:B\"]\n        Condition = {}\n      },\n    ]\n  }"
        );
        let long = Expr::strs(["logs:CreateLogStream", "logs:CreateLogGroup", "logs:PutLogEvents", "logs:X"]);
        assert_eq!(
            expr(&long, 0),
            "[\n  \"logs:CreateLogStream\",\n  \"logs:CreateLogGroup\",\n  \"logs:PutLogEvents\",\n  \"logs:X\",\n]"
        );
    }
}
