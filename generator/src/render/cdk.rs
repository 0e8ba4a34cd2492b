//! CDK v2 TypeScript app: L1 constructs (`aws-cdk-lib` `Cfn*`) whose construct ids are the
//! CloudFormation logical ids, so that `cdk synth` yields the CloudFormation backend's template.
//!
//! Escaping is explicit: every string from the IR reaches TypeScript through [`ts_str`] (a
//! single-quoted literal, never a template literal), [`ts_value`] (the same, for property values,
//! with text that CDK would take for its own tokens split up) or, in comments, [`comment_text`].
//!
//! The IR lists resources in CloudFormation order, where a resource may refer to one declared
//! after it (the KMS key policy names the execution role). TypeScript needs a variable declared
//! before it is read, so the backend orders the constructs: each resource comes after everything it
//! reads, and otherwise keeps its IR position.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use indexmap::IndexMap;
use serde::Serialize;
use tera::{Tera, Value};

use super::{expr_arg, usize_arg, OutputFile, RenderError, Target};
use crate::ir::{Attr, Expr, Ir, Kind, Lifecycle, Prop, Pseudo, Resource, SharedTags, Suppression};

/// This backend's templates, embedded at build time: (name, text).
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    ("cdk/README.md", include_str!("../../../templates/cdk/README.md.tera")),
    ("cdk/gitignore", include_str!("../../../templates/cdk/gitignore.tera")),
    ("cdk/package.json", include_str!("../../../templates/cdk/package.json.tera")),
    ("cdk/tsconfig.json", include_str!("../../../templates/cdk/tsconfig.json.tera")),
    ("cdk/cdk.json", include_str!("../../../templates/cdk/cdk.json.tera")),
    ("cdk/bin/app.ts", include_str!("../../../templates/cdk/bin/app.ts.tera")),
    ("cdk/lib/stack.ts", include_str!("../../../templates/cdk/lib/stack.ts.tera")),
];

/// The files of the app shared by its environments: (path in the app folder, template). Each
/// environment adds `lib/<environment name>.ts` (template `cdk/lib/stack.ts`).
const APP_FILES: &[(&str, &str)] = &[
    ("README.md", "cdk/README.md"),
    (".gitignore", "cdk/gitignore"),
    ("package.json", "cdk/package.json"),
    ("tsconfig.json", "cdk/tsconfig.json"),
    ("cdk.json", "cdk/cdk.json"),
    ("bin/mwaa.ts", "cdk/bin/app.ts"),
];

/// Exact versions of the app's npm dependencies, tried together (see docs/targets/cdk.md).
pub const DEPENDENCIES: &[(&str, &str)] = &[("aws-cdk-lib", "2.276.0"), ("cdk-nag", "3.0.2"), ("constructs", "10.8.1")];
const DEV_DEPENDENCIES: &[(&str, &str)] =
    &[("@types/node", "20.19.43"), ("aws-cdk", "2.1148.1"), ("typescript", "7.0.2")];

pub(crate) fn register(tera: &mut Tera) {
    tera.register_filter("ts_str", |v: &Value, _: &HashMap<String, Value>| {
        let s = v.as_str().ok_or_else(|| tera::Error::msg(format!("ts_str expects a string, got {v}")))?;
        Ok(Value::String(ts_str(s)))
    });
    tera.register_filter("ts_value", |v: &Value, _: &HashMap<String, Value>| {
        let s = v.as_str().ok_or_else(|| tera::Error::msg(format!("ts_value expects a string, got {v}")))?;
        Ok(Value::String(ts_value(s)))
    });
    tera.register_filter("ts_expr", |v: &Value, args: &HashMap<String, Value>| {
        // A list of expressions (e.g. managed policy ARNs) or one expression.
        let e = match v {
            Value::Array(items) => Expr::List(items.iter().map(expr_arg).collect::<tera::Result<_>>()?),
            v => expr_arg(v)?,
        };
        // Indent 6 by default, that of a construct's properties: most calls write one, and each
        // `indent=` argument costs Tera ~5 µs to parse.
        let indent = usize_arg(args, "indent", 6);
        Printer.value(&e, indent, indent).map(Value::String).map_err(tera::Error::msg)
    });
    // A document as a JSON string property: the same `Fn::Sub` text as the CloudFormation target.
    tera.register_filter("ts_json", |v: &Value, _: &HashMap<String, Value>| {
        let e = expr_arg(v)?.json_text();
        Printer.value(&e, 6, 6).map(Value::String).map_err(tera::Error::msg)
    });
    tera.register_filter("ts_str_map", |v: &Value, args: &HashMap<String, Value>| {
        let map: IndexMap<String, String> = super::json_arg(v)?;
        let e = Expr::Map(map.into_iter().map(|(k, v)| (k, Expr::Str(v))).collect());
        let indent = usize_arg(args, "indent", 0);
        Printer.value(&e, indent, indent).map(Value::String).map_err(tera::Error::msg)
    });
    tera.register_filter("ts_int", |v: &Value, _: &HashMap<String, Value>| {
        let n: i64 = match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
        .ok_or_else(|| tera::Error::msg(format!("ts_int expects an integer, got {v}")))?;
        Ok(Value::String(n.to_string()))
    });
    tera.register_filter("ts_camel", |v: &Value, _: &HashMap<String, Value>| {
        let s = v.as_str().ok_or_else(|| tera::Error::msg("ts_camel expects a string"))?;
        if !s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
            return Err(tera::Error::msg(format!("ts_camel expects snake_case, got {s:?}")));
        }
        Ok(Value::String(crate::ir::camel_case(s)))
    });
    tera.register_filter("cdk_comment", |v: &Value, _: &HashMap<String, Value>| {
        let s = v.as_str().ok_or_else(|| tera::Error::msg("cdk_comment expects a string"))?;
        Ok(Value::String(comment_text(s)))
    });
    tera.register_filter("ts_prop_name", |v: &Value, _: &HashMap<String, Value>| {
        let s = v.as_str().ok_or_else(|| tera::Error::msg("ts_prop_name expects a string"))?;
        Ok(Value::String(prop_name(s)))
    });
    tera.register_filter("cdk_json_str", |v: &Value, _: &HashMap<String, Value>| {
        let s = v.as_str().ok_or_else(|| tera::Error::msg("cdk_json_str expects a string"))?;
        serde_json::to_string(s).map(Value::String).map_err(|e| tera::Error::msg(e.to_string()))
    });
}

/// One environment of a CDK app: its construct and stack classes, in `lib/<file>.ts`.
#[derive(Debug, Clone, Serialize)]
pub struct AppEnvironment {
    /// `lib/<file>.ts`: the environment name.
    pub file: String,
    /// The construct (`ProductionMwaa`); its props interface adds `Props`.
    pub class: String,
    /// The stack that holds it (`ProductionStack`).
    pub stack_class: String,
    pub stack_name: String,
    pub description: String,
    pub region: Option<String>,
    /// `output.account_id`: the stack's `env.account`.
    pub account_id: Option<String>,
    pub source_name: String,
    /// CloudFormation parameters of the stack (object versions): `--parameters NAME=...`.
    pub parameters: Vec<String>,
}

impl AppEnvironment {
    /// The app entry of a spec: class names from the environment name (`my-env_1` -> `MyEnv1Mwaa`).
    ///
    /// # Errors
    /// A name that gives no TypeScript class name (validation admits none).
    pub fn of(ir: &Ir) -> Result<Self, RenderError> {
        let pascal: String = ir
            .environment_name
            .split(['-', '_'])
            .map(|w| {
                let mut c = w.chars();
                c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
            })
            .collect();
        let ok = pascal.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && pascal.chars().all(|c| c.is_ascii_alphanumeric());
        if !ok {
            return Err(RenderError(format!("no TypeScript class name for environment {:?}", ir.environment_name)));
        }
        Ok(Self {
            file: ir.environment_name.clone(),
            class: format!("{pascal}Mwaa"),
            stack_class: format!("{pascal}Stack"),
            stack_name: ir.stack_name.clone(),
            description: ir.description.clone(),
            region: ir.region.clone(),
            account_id: ir.account_id.clone(),
            source_name: ir.source_name.clone(),
            parameters: ir.parameters.iter().map(|p| p.id.clone()).collect(),
        })
    }
}

/// The feature flags that `cdk init` writes into cdk.json for the pinned aws-cdk-lib (its
/// recommended-feature-flags.json, kept in generator/data/cdk-feature-flags.json and checked
/// against the installed package by scripts/check-property-types.sh), as the JSON object of
/// cdk.json's `context`, indented to its place.
fn feature_flags() -> Result<String, RenderError> {
    const FLAGS: &str = include_str!("../../data/cdk-feature-flags.json");
    let data: serde_json::Value =
        serde_json::from_str(FLAGS).map_err(|e| RenderError(format!("cdk-feature-flags.json: {e}")))?;
    let flags = data.get("flags").ok_or_else(|| RenderError("cdk-feature-flags.json has no flags".into()))?;
    let text = serde_json::to_string_pretty(flags).map_err(|e| RenderError(e.to_string()))?;
    Ok(text.replace('\n', "\n  "))
}

/// The construct prop of a parameter (`PluginsS3ObjectVersion` -> `pluginsS3ObjectVersion`).
fn prop_name(id: &str) -> String {
    let mut c = id.chars();
    c.next().map(|f| f.to_ascii_lowercase().to_string() + c.as_str()).unwrap_or_default()
}

/// Renders the IR into the files of a CDK app with this one environment.
///
/// # Errors
/// A [`RenderError`] if the IR cannot be written as TypeScript (a reference to a resource that
/// does not exist, a cycle, a variable name that is not a safe identifier), which is a bug of
/// mwaagen.
pub(crate) fn render(ir: &Ir) -> Result<Vec<OutputFile>, RenderError> {
    let env = AppEnvironment::of(ir)?;
    let header = super::header_lines(ir, Target::Cdk);
    let mut files = render_app(std::slice::from_ref(&env), &header, &ir.stack_name.to_ascii_lowercase())?;
    files.push(render_environment(ir)?);
    Ok(files)
}

/// The header of an app made from several specs.
#[must_use]
pub fn app_header(specs: usize) -> [String; 2] {
    let mut h = super::header_lines_from(&format!("{specs} specs"), Target::Cdk);
    h[1] = "Change the specs and run mwaagen again: edits to this file are overwritten.".to_owned();
    h
}

/// The files of an app shared by its environments (`environments` in the order given).
///
/// # Errors
/// A template failure, a bug of mwaagen.
pub fn render_app(
    environments: &[AppEnvironment],
    header: &[String; 2],
    package_name: &str,
) -> Result<Vec<OutputFile>, RenderError> {
    let mut classes = HashMap::new();
    for e in environments {
        if let Some(other) = classes.insert(&e.class, &e.file) {
            return Err(RenderError(format!(
                "environments {other} and {} both give the class name {}: rename one",
                e.file, e.class
            )));
        }
    }
    let deps = |list: &[(&str, &str)]| -> IndexMap<String, String> {
        list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    };
    let mut ctx = tera::Context::new();
    ctx.insert("header", header);
    ctx.insert("environments", environments);
    ctx.insert("package_name", package_name);
    ctx.insert("dependencies", &deps(DEPENDENCIES));
    ctx.insert("dev_dependencies", &deps(DEV_DEPENDENCIES));
    ctx.insert("feature_flags", &feature_flags()?);
    APP_FILES
        .iter()
        .map(|(path, template)| {
            Ok(OutputFile { path: (*path).to_owned(), contents: super::render_ctx(Target::Cdk, template, &ctx)? })
        })
        .collect()
}

/// `lib/<environment name>.ts`: the environment's construct, its props and its stack.
///
/// # Errors
/// As [`render`].
pub fn render_environment(ir: &Ir) -> Result<OutputFile, RenderError> {
    let env = AppEnvironment::of(ir)?;
    let plan = Plan::new(ir)?;
    let mut ctx = super::base_context(ir, Target::Cdk);
    ctx.insert("app", &env);
    ctx.insert("resources", &plan.resources);
    ctx.insert("members", &plan.members);
    ctx.insert("shared", &plan.shared);
    ctx.insert("vars", &plan.vars);
    ctx.insert("imports", &plan.imports);
    ctx.insert("stack_class", &stack_class(ir, &env));
    Ok(OutputFile {
        path: format!("lib/{}.ts", env.file),
        contents: super::render_ctx(Target::Cdk, "cdk/lib/stack.ts", &ctx)?,
    })
}

/// The stack class at the end of `lib/<environment>.ts`: the construct in a stack, with the
/// spec's inputs and object versions as CloudFormation parameters. Written here rather than in
/// the template: parsing template text costs more than writing it (docs/performance.md).
fn stack_class(ir: &Ir, env: &AppEnvironment) -> String {
    let mut s = String::new();
    if ir.inputs.is_empty() {
        s.push_str(
            "/** A stack that holds the environment and takes its object versions as CloudFormation parameters. */",
        );
    } else {
        s.push_str(
            "/**\n * A stack that holds the environment and takes the spec's inputs and its object versions as\n \
             * CloudFormation parameters.\n */",
        );
    }
    let _ = write!(
        s,
        "\nexport class {} extends cdk.Stack {{\n  /** The environment. */\n  public readonly mwaa: {};\n\n  \
         constructor(scope: Construct, id: string, props?: cdk.StackProps) {{\n    super(scope, id, props);\n    \
         this.templateOptions.templateFormatVersion = '2010-09-09';",
        env.stack_class, env.class
    );
    if let Some(account) = &ir.account_id {
        let _ = write!(
            s,
            "\n\n    // output.account_id: CloudFormation refuses to create or update the stack in any other account\n    \
             // (the Rules section: CloudFormation user guide, rules-section-structure.html), as the\n    \
             // CloudFormation target's template does.\n    new cdk.CfnRule(this, 'AccountId', {{\n      assertions: [\n        \
             {{\n          assert: cdk.Fn.conditionEquals(cdk.Aws.ACCOUNT_ID, {}),\n          assertDescription: {},\n        \
             }},\n      ],\n    }});",
            ts_str(account),
            ts_str(&format!("This stack is for account {account} (output.account_id)"))
        );
    }
    for (n, i) in ir.inputs.iter().enumerate() {
        if n == 0 {
            s.push_str(
                "\n\n    // The spec's inputs: given at deploy time (cdk deploy --parameters), with no default; an\n    \
                 // AWS-specific type where CloudFormation has one, else the AWS rule as AllowedPattern.",
            );
        }
        let _ = write!(
            s,
            "\n    const {}Input = new cdk.CfnParameter(this, {}, {{\n      type: {},\n      description: {},",
            i.prop,
            ts_str(&i.id),
            ts_str(&i.cfn_type),
            ts_str(&i.description)
        );
        if i.cfn_type == "String" {
            let _ = write!(
                s,
                "\n      allowedPattern: {},\n      minLength: {},\n      maxLength: {},\n      constraintDescription: {},",
                ts_str(&format!("^{}$", i.pattern)),
                i.min,
                i.max,
                ts_str(&i.rule)
            );
        }
        s.push_str("\n    });");
    }
    for (n, p) in ir.parameters.iter().enumerate() {
        if n == 0 {
            s.push_str(
                "\n\n    // Object versions that the spec does not pin: CI passes them at deploy time\n    \
                 // (cdk deploy --parameters); empty: not set.",
            );
        }
        let default = p.default.as_deref().filter(|d| !d.is_empty()).map_or_else(|| "''".to_owned(), ts_str);
        let _ = write!(
            s,
            "\n    const {} = new cdk.CfnParameter(this, {}, {{\n      type: 'String',\n      default: {default},\n      \
             description: {},\n    }});",
            p.var_name,
            ts_str(&p.id),
            ts_str(&p.description)
        );
    }
    let _ = write!(s, "\n    this.mwaa = new {}(this, 'Mwaa', {{", env.class);
    for i in &ir.inputs {
        let value = if i.list { "valueAsList" } else { "valueAsString" };
        let _ = write!(s, "\n      {}: {}Input.{value},", i.prop, i.prop);
    }
    for p in &ir.parameters {
        let _ = write!(s, "\n      {}: {}.valueAsString,", prop_name(&p.id), p.var_name);
    }
    s.push_str("\n    });\n  }\n}\n");
    s
}

/// A public member of the construct.
#[derive(Debug, Serialize)]
struct Member {
    name: String,
    #[serde(rename = "type")]
    ty: String,
    doc: String,
    /// Its value, when it is not a resource assigned where it is declared.
    value: Option<String>,
}

/// The construct's member for a resource, if it is one: (name, doc).
fn member_of(r: &Resource) -> Option<(&'static str, &'static str)> {
    Some(match (&r.kind, r.id.as_str()) {
        (Kind::MwaaEnvironment(_), _) => ("environment", "The Amazon MWAA environment."),
        (Kind::Bucket { .. }, _) => ("bucket", "The bucket of DAGs, plugins and requirements."),
        (Kind::IamRole { .. }, "ExecutionRole") => ("executionRole", "The environment's execution role."),
        (Kind::SecurityGroup { .. }, "SecurityGroup") => ("securityGroup", "The environment's security group."),
        (Kind::Vpc { .. }, _) => ("vpc", "The VPC of the environment."),
        (Kind::KmsKey { .. }, "EnvironmentKey") => ("key", "The customer managed KMS key of the environment's data."),
        (Kind::KmsKey { .. }, "AlarmTopicKey") => ("alarmTopicKey", "The KMS key of the alarm topic."),
        (Kind::SnsTopic { .. }, _) => ("alarmTopic", "The SNS topic the alarms notify."),
        _ => return None,
    })
}

/// What the stack template needs beyond the IR: declaration order, which resources are bound
/// to a variable, and the modules to import.
struct Plan<'a> {
    /// Resources in declaration order, each with a `cdk` object (see [`CdkInfo`]).
    resources: Vec<View<'a>>,
    /// Logical id -> TypeScript variable, for the template (`addResourceDependency`).
    vars: HashMap<String, String>,
    /// alias -> module, for `import * as alias from 'module'`.
    imports: BTreeMap<String, String>,
    /// The constants and helpers the stack's constructs share.
    shared: Shared,
    /// The construct's public members.
    members: Vec<Member>,
}

/// What the constructs share, declared once before the stack: the spec's tags (`TAGS`), the
/// `tags()` helper that writes them as L1 tags, and `accept()`, which records the scanner
/// findings a resource accepts (only what the stack uses, so that `noUnusedLocals` holds).
#[derive(Debug, Default, Serialize)]
struct Shared {
    /// The TypeScript value of `TAGS`, when the spec has tags.
    tags: Option<String>,
    tags_helper: bool,
    accept_helper: bool,
}

/// What the stack template reads of a resource.
#[derive(Serialize)]
struct View<'a> {
    id: &'a str,
    var_name: &'a str,
    depends_on: &'a [String],
    lifecycle: Option<Lifecycle>,
    cdk: CdkInfo,
}

#[derive(Serialize)]
struct CdkInfo {
    /// `ec2.CfnVPC`.
    class: String,
    /// Whether the construct is assigned to its variable (`const x = new ...`): only when later
    /// code reads it, so that `noUnusedLocals` holds.
    bind: bool,
    /// What the resource is for, as a comment line.
    comment: Option<String>,
    /// Variable for the resource's policy document, declared before the construct, and its value.
    doc_var: Option<String>,
    doc: Option<String>,
    /// The construct's properties: lines at indent 6, each starting with a line break.
    props: String,
    /// The construct's member this resource is assigned to.
    member: Option<&'static str>,
    /// The argument of `accept(construct, ...)`: the findings the resource accepts, if any.
    accepted: Option<String>,
}

impl<'a> Plan<'a> {
    fn new(ir: &'a Ir) -> Result<Self, RenderError> {
        let index: HashMap<&str, usize> = ir.resources.iter().enumerate().map(|(i, r)| (r.id.as_str(), i)).collect();
        // The printer names a referenced resource's variable from its logical id.
        for r in &ir.resources {
            let expected = variable_of(&r.id);
            if r.var_name != expected {
                return Err(RenderError(format!("cdk: {} is named {}, not {expected}", r.id, r.var_name)));
            }
        }
        let lookup = |id: &str, from: &str| {
            index.get(id).copied().ok_or_else(|| RenderError(format!("{from} refers to {id}, which is not a resource")))
        };

        // What each resource reads (through variables) and must come after.
        let mut after: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); ir.resources.len()];
        let mut read: BTreeSet<usize> = BTreeSet::new();
        for (i, r) in ir.resources.iter().enumerate() {
            let mut ids = Vec::new();
            for e in r.kind.exprs() {
                variable_refs(e, &mut ids);
            }
            ids.extend(r.depends_on.iter().map(String::as_str));
            for id in ids {
                let j = lookup(id, &r.id)?;
                after[i].insert(j);
                read.insert(j);
            }
        }
        for o in &ir.outputs {
            let mut ids = Vec::new();
            variable_refs(&o.value, &mut ids);
            for id in ids {
                read.insert(lookup(id, &o.id)?);
            }
        }

        let order = declaration_order(&after)
            .map_err(|i| RenderError(format!("resource {} is part of a reference cycle", ir.resources[i].id)))?;

        let mut shared = Shared::default();
        let mut modules = BTreeSet::new();
        let mut names: HashMap<String, String> = HashMap::new();
        // Parameters and their conditions are declared first, as variables of their own.
        for p in &ir.parameters {
            for name in [&p.var_name, &p.condition_var] {
                check_identifier(name)?;
                if let Some(other) = names.insert(name.clone(), p.id.clone()) {
                    return Err(RenderError(format!("{} and {other} both use the variable {name}", p.id)));
                }
            }
        }
        let mut resources = Vec::with_capacity(order.len());
        let mut members = Vec::new();
        for i in order {
            let r = &ir.resources[i];
            let cfn_type = super::cfn::resource_type(&r.cfn, &r.id)?;
            let (module, class) = cdk_class(cfn_type).map_err(RenderError)?;
            let hoisted = r.cfn.properties.iter().find_map(|(name, p)| match (hoisted_suffix(name), p) {
                (Some(suffix), Prop::Json(doc)) => Some((format!("{}{suffix}", r.var_name), doc)),
                _ => None,
            });
            for name in std::iter::once(&r.var_name).chain(hoisted.as_ref().map(|(var, _)| var)) {
                check_identifier(name)?;
                if let Some(other) = names.insert(name.clone(), r.id.clone()) {
                    return Err(RenderError(format!("{} and {other} both use the variable {name}", r.id)));
                }
            }
            let has_statements = r.lifecycle.is_some() || !r.suppressions.is_empty() || !r.depends_on.is_empty();
            let accepted = accepted(&r.suppressions).map_err(RenderError)?;
            shared.accept_helper |= accepted.is_some();
            let (doc_var, doc) = match hoisted {
                Some((var, doc)) => (Some(var), Some(Printer.value(doc, 4, 4).map_err(RenderError)?)),
                None => (None, None),
            };
            let props = construct_props(ir, r, cfn_type, doc_var.as_deref(), &mut shared.tags_helper)
                .map_err(|e| RenderError(format!("{} ({cfn_type}): {e}", r.id)))?;
            let class = format!("{module}.{class}");
            let member = member_of(r);
            if let Some((name, doc)) = member {
                members.push(Member { name: name.to_owned(), ty: class.clone(), doc: doc.to_owned(), value: None });
            }
            modules.insert(module);
            resources.push(View {
                id: &r.id,
                var_name: &r.var_name,
                depends_on: &r.depends_on,
                lifecycle: r.lifecycle,
                cdk: CdkInfo {
                    class,
                    bind: read.contains(&i) || has_statements || member.is_some(),
                    comment: r.cfn.comment.as_deref().map(comment_text),
                    doc_var,
                    doc,
                    props,
                    accepted,
                    member: member.map(|(name, _)| name),
                },
            });
        }
        if !ir.tags.is_empty() {
            let tags = Expr::Map(ir.tags.iter().map(|(k, v)| (k.clone(), Expr::s(v.clone()))).collect());
            shared.tags =
                Some(Printer.value(&tags, 0, "const TAGS: Record<string, string> = ".len()).map_err(RenderError)?);
        }
        let imports = modules
            .into_iter()
            .map(|m| {
                let path = format!("aws-cdk-lib/aws-{m}");
                (m, path)
            })
            .collect();
        let vars = ir.resources.iter().map(|r| (r.id.clone(), r.var_name.clone())).collect();
        // The private subnets (when the construct creates them), and the environment's URL and ARN.
        let subnets: Vec<&str> = ir
            .resources
            .iter()
            .filter(|r| matches!(r.kind, Kind::Subnet { public: false, .. }))
            .map(|r| r.var_name.as_str())
            .collect();
        if !subnets.is_empty() {
            members.push(Member {
                name: "privateSubnets".into(),
                ty: "ec2.CfnSubnet[]".into(),
                doc: "The private subnets the environment runs in.".into(),
                value: Some(format!("[{}]", subnets.join(", "))),
            });
        }
        if let Some(env) = ir.resources.iter().find(|r| matches!(r.kind, Kind::MwaaEnvironment(_))) {
            for (name, attr, doc) in [
                ("webserverUrl", "attrWebserverUrl", "The web server's URL (host name), resolved at deploy time."),
                ("environmentArn", "attrArn", "The environment's ARN, resolved at deploy time."),
            ] {
                members.push(Member {
                    name: name.into(),
                    ty: "string".into(),
                    doc: doc.into(),
                    value: Some(format!("{}.{attr}", env.var_name)),
                });
            }
        }
        Ok(Plan { resources, vars, imports, shared, members })
    }
}

/// The `tags` property of a construct (at indent 6): the spec's tags through `TAGS`, with a
/// resource's own Name through `tags('NAME')`; the resource's own tags when it shares none (or
/// the spec has no tags: then a Name alone is `[{ key: 'Name', value: '...' }]`).
/// The MWAA environment takes a plain object, every other L1 construct a list of `{ key, value }`.
fn tags_value(ir: &Ir, r: &Resource, uses_helper: &mut bool) -> Result<Option<String>, String> {
    let Some((map, object)) = r.cfn.properties.iter().find_map(|(_, p)| match p {
        Prop::Tags { tags, object } if !tags.is_empty() => Some((tags, *object)),
        _ => None,
    }) else {
        return Ok(None);
    };
    let shared = if ir.tags.is_empty() { SharedTags::Own } else { ir.shared_tags(map) };
    Ok(Some(match (shared, object) {
        (SharedTags::Spec, true) => "TAGS".to_owned(),
        (SharedTags::Own, true) => {
            let e = Expr::Map(map.iter().map(|(k, v)| (k.clone(), Expr::s(v.clone()))).collect());
            Printer.value(&e, 6, 6 + "tags: ".len())?
        }
        (SharedTags::Spec, false) => {
            *uses_helper = true;
            "tags()".to_owned()
        }
        (SharedTags::SpecAndName(name), false) => {
            *uses_helper = true;
            format!("tags({})", ts_str(name))
        }
        (SharedTags::Own | SharedTags::SpecAndName(_), _) => tags(map, 6),
    }))
}

/// The argument of `accept()` (at indent 4): a resource's suppressions as a list of findings
/// that share a reason, `{ checkov: [...], cfnLint: [...], cdkNag: [...], reason }`, one per line.
/// Only neighbours are grouped, so each tool's rules keep the order of the CloudFormation Metadata.
fn accepted(suppressions: &[Suppression]) -> Result<Option<String>, String> {
    if suppressions.is_empty() {
        return Ok(None);
    }
    let mut groups: Vec<(&str, Vec<&Suppression>)> = Vec::new();
    for s in suppressions {
        match groups.last_mut() {
            Some((reason, members)) if *reason == s.reason => members.push(s),
            _ => groups.push((&s.reason, vec![s])),
        }
    }
    let mut out = String::from("[\n");
    for (reason, members) in groups {
        let mut fields: Vec<(&str, Expr)> = Vec::new();
        for (tool, key) in [("checkov", "checkov"), ("cfn-lint", "cfnLint"), ("cdk-nag", "cdkNag")] {
            let ids: Vec<&str> = members.iter().filter(|s| s.tool == tool).map(|s| s.id.as_str()).collect();
            if !ids.is_empty() {
                fields.push((key, Expr::strs(ids)));
            }
        }
        if let Some(other) = members.iter().find(|s| !["checkov", "cfn-lint", "cdk-nag"].contains(&s.tool.as_str())) {
            return Err(format!("no TypeScript form for a suppression of {:?} ({})", other.tool, other.id));
        }
        fields.push(("reason", Expr::s(reason)));
        // One finding per line, however long its reason: the list reads (and diffs) as a table.
        let mut flat = Vec::with_capacity(fields.len());
        for (k, v) in &fields {
            let f = Printer.flat(v)?.ok_or_else(|| format!("no one-line form for {v:?}"))?;
            flat.push(format!("{k}: {f}"));
        }
        let _ = writeln!(out, "      {{ {} }},", flat.join(", "));
    }
    out.push_str("    ]");
    Ok(Some(out))
}

/// A stable order in which every resource comes after the ones it reads: each resource keeps
/// its IR position unless something it reads is declared later, which is then pulled up just
/// before it. `Err(i)` if resource `i` is on a cycle.
fn declaration_order(after: &[BTreeSet<usize>]) -> Result<Vec<usize>, usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Visiting,
        Done,
    }
    fn visit(i: usize, after: &[BTreeSet<usize>], state: &mut [State], out: &mut Vec<usize>) -> Result<(), usize> {
        match state[i] {
            State::Done => return Ok(()),
            State::Visiting => return Err(i),
            State::New => {}
        }
        state[i] = State::Visiting;
        for &j in &after[i] {
            visit(j, after, state, out)?;
        }
        state[i] = State::Done;
        out.push(i);
        Ok(())
    }
    let mut state = vec![State::New; after.len()];
    let mut out = Vec::with_capacity(after.len());
    for i in 0..after.len() {
        visit(i, after, &mut state, &mut out)?;
    }
    Ok(out)
}

/// The module alias and L1 class of a CloudFormation type: aws-cdk-lib names its L1 classes
/// `Cfn` + the type's name, in the module `aws-cdk-lib/aws-<service, lower case>`
/// (`AWS::EC2::VPC` -> `ec2.CfnVPC`).
fn cdk_class(cfn_type: &str) -> Result<(String, String), String> {
    match cfn_type.split("::").collect::<Vec<_>>().as_slice() {
        ["AWS", service, name] if !service.is_empty() && !name.is_empty() => {
            Ok((service.to_ascii_lowercase(), format!("Cfn{name}")))
        }
        _ => Err(format!("no CDK class for the resource type {cfn_type:?}")),
    }
}

/// JSON properties (policy documents) declared as a variable of their own before the construct,
/// named var_name + this suffix.
fn hoisted_suffix(property: &str) -> Option<&'static str> {
    match property {
        "AssumeRolePolicyDocument" => Some("TrustPolicy"),
        "KeyPolicy" => Some("Policy"),
        "PolicyDocument" => Some("Document"),
        _ => None,
    }
}

/// Objects written on one line, `{ key: value, ... }` (the value of these properties, or the
/// items of these lists): short records that read best as one line each.
const ONE_LINE: &[&str] = &[
    "VersioningConfiguration",
    "DagProcessingLogs",
    "SchedulerLogs",
    "TaskLogs",
    "WebserverLogs",
    "WorkerLogs",
    "Dimensions",
];

/// The property types of the CloudFormation types (generator/data/cfn-property-types.json, from
/// the resource schemas of cfn-lint; scripts/cfn-property-types.py writes it).
const PROPERTY_TYPES: &str = include_str!("../../data/cfn-property-types.json");

/// A property's type in a resource schema, and its name in the CDK L1 classes.
#[derive(Debug, serde::Deserialize)]
struct PropType {
    /// The L1 name (`kmsMasterKeyId`); absent for list items.
    cdk: Option<String>,
    /// `object` (with properties), `array` (with items), `json` (an object without defined
    /// properties: kept as it is), or a scalar type.
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    properties: HashMap<String, PropType>,
    items: Option<Box<PropType>>,
}

#[derive(serde::Deserialize)]
struct PropertyTypes {
    types: HashMap<String, HashMap<String, PropType>>,
}

fn property_types() -> Result<&'static HashMap<String, HashMap<String, PropType>>, String> {
    static TYPES: std::sync::OnceLock<Result<PropertyTypes, String>> = std::sync::OnceLock::new();
    TYPES
        .get_or_init(|| serde_json::from_str(PROPERTY_TYPES).map_err(|e| format!("cfn-property-types.json: {e}")))
        .as_ref()
        .map(|t| &t.types)
        .map_err(Clone::clone)
}

/// The construct's properties, each on a line of its own at indent 6, with their CDK names.
fn construct_props(
    ir: &Ir,
    r: &Resource,
    cfn_type: &str,
    doc_var: Option<&str>,
    uses_tags_helper: &mut bool,
) -> Result<String, String> {
    let schema = property_types()?
        .get(cfn_type)
        .ok_or_else(|| format!("{cfn_type} is not in cfn-property-types.json: run scripts/cfn-property-types.py"))?;
    let mut out = String::new();
    for (name, p) in &r.cfn.properties {
        let t = schema.get(*name).ok_or_else(|| format!("{cfn_type} has no property {name}"))?;
        let key = t.cdk.as_deref().ok_or_else(|| format!("{name} has no CDK name"))?;
        let value = match p {
            Prop::Tags { .. } => match tags_value(ir, r, uses_tags_helper)? {
                Some(v) => v,
                None => continue,
            },
            Prop::Json(_) if hoisted_suffix(name).is_some() => {
                doc_var.ok_or_else(|| format!("{name} has no variable"))?.to_owned()
            }
            p => prop_value(p, t, name, 6)?,
        };
        let _ = write!(out, "\n      {key}: {value},");
    }
    Ok(out)
}

/// A property value whose key is at `indent`.
fn prop_value(p: &Prop, t: &PropType, name: &str, indent: usize) -> Result<String, String> {
    let pad = " ".repeat(indent + 2);
    Ok(match p {
        Prop::Value(e) => Printer.value(e, indent, indent)?,
        Prop::Json(e) if t.ty == "json" => Printer.value(e, indent, indent)?,
        Prop::Json(_) => return Err(format!("{name} is a document, but its schema type is {}", t.ty)),
        Prop::JsonText(e) => Printer.value(&e.json_text(), indent, indent)?,
        Prop::IfSet(param) => {
            let (condition, value) = (&param.condition_var, format!("props.{}", prop_name(&param.id)));
            format!(
                "{condition} ? cdk.Fn.conditionIf({condition}.logicalId, {value}, cdk.Aws.NO_VALUE).toString() : {value} || undefined"
            )
        }
        Prop::Tags { .. } => return Err(format!("tags inside {name}")),
        Prop::List(items) => {
            let item_type =
                t.items.as_deref().filter(|_| t.ty == "array").ok_or_else(|| format!("{name} is not a list"))?;
            if items.is_empty() {
                return Ok("[]".to_owned());
            }
            let mut out = String::from("[\n");
            for item in items {
                let _ = writeln!(out, "{pad}{},", prop_value(item, item_type, name, indent + 2)?);
            }
            let _ = write!(out, "{}]", " ".repeat(indent));
            out
        }
        Prop::Object(fields) => {
            if t.ty != "object" {
                return Err(format!("{name} is an object, but its schema type is {}", t.ty));
            }
            let mut entries = Vec::with_capacity(fields.len());
            for (field, value) in fields {
                let ft = t.properties.get(*field).ok_or_else(|| format!("{name} has no property {field}"))?;
                let key = ft.cdk.as_deref().ok_or_else(|| format!("{field} has no CDK name"))?;
                entries.push((key, prop_value(value, ft, field, indent + 2)?));
            }
            if ONE_LINE.contains(&name) && entries.iter().all(|(_, v)| !v.contains('\n')) {
                let inner: Vec<String> = entries.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                return Ok(format!("{{ {} }}", inner.join(", ")));
            }
            let mut out = String::from("{\n");
            for (k, v) in entries {
                let _ = writeln!(out, "{pad}{k}: {v},");
            }
            let _ = write!(out, "{}}}", " ".repeat(indent));
            out
        }
    })
}

/// Logical ids that `e` reads through TypeScript variables. References inside `Fn::Sub` text
/// are not among them: they name the logical id in the string.
fn variable_refs<'a>(e: &'a Expr, out: &mut Vec<&'a str>) {
    match e {
        Expr::Ref(r) => out.push(&r.id),
        Expr::Join { items, .. } | Expr::List(items) => items.iter().for_each(|i| variable_refs(i, out)),
        Expr::Map(m) => m.values().for_each(|v| variable_refs(v, out)),
        Expr::Select { list: e, .. } | Expr::Split { of: e, .. } => variable_refs(e, out),
        Expr::Concat(items) => items.iter().for_each(|i| variable_refs(i, out)),
        Expr::Str(_) | Expr::Int(_) | Expr::Bool(_) | Expr::Pseudo(_) | Expr::Sub(_) | Expr::Az(_) | Expr::Input(_) => {
        }
    }
}

/// Names the generated code declares itself, or that JavaScript reserves.
const RESERVED: &[&str] = &[
    // imports, constructor parameters and the class
    "cdk",
    "Construct",
    "cloudwatch",
    "ec2",
    "iam",
    "kms",
    "logs",
    "mwaa",
    "s3",
    "sns",
    "scope",
    "id",
    "props",
    "MwaaStack",
    // JavaScript reserved words and strict-mode restrictions
    "arguments",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "eval",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "undefined",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

fn check_identifier(name: &str) -> Result<(), RenderError> {
    let ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && !RESERVED.contains(&name);
    if ok {
        Ok(())
    } else {
        Err(RenderError(format!("{name:?} cannot be a TypeScript variable of the generated stack")))
    }
}

/// A TypeScript string literal for `s`: single-quoted, with every character that could end the
/// literal, end the line or be invisible written as an escape.
#[must_use]
pub fn ts_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Text that CDK would read as an encoded token (`${Token[..]}`, `#{Token[..]}`, or a number
/// token written as a string, `-1.23...e+289`) and try to resolve, failing synth.
const TOKEN_LOOKALIKES: &[(&str, usize)] = &[("Token[", 3), ("e+289", 2)];

/// A string property value: [`ts_str`], unless the text contains something CDK would take for
/// one of its tokens. Then the value is written as an `Fn::Join` of pieces that each hold only
/// part of it, which CloudFormation joins back into the same string at deploy time.
#[must_use]
pub fn ts_value(s: &str) -> String {
    let mut cuts: Vec<usize> =
        TOKEN_LOOKALIKES.iter().flat_map(|(pattern, at)| s.match_indices(pattern).map(move |(i, _)| i + at)).collect();
    if cuts.is_empty() {
        return ts_str(s);
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut pieces = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for cut in cuts {
        pieces.push(ts_str(&s[start..cut]));
        start = cut;
    }
    pieces.push(ts_str(&s[start..]));
    format!(
        "/* split: CDK would read the text as a token */ cdk.Token.asString({{ 'Fn::Join': ['', [{}]] }})",
        pieces.join(", ")
    )
}

/// Control characters, line and paragraph separators (line terminators in JavaScript), and
/// characters that editors do not show.
fn needs_escape(c: char) -> bool {
    let n = u32::from(c);
    n < 0x20
        || (0x7f..=0x9f).contains(&n)
        || matches!(n, 0x2028 | 0x2029 | 0x200b..=0x200f | 0x202a..=0x202e)
        || matches!(n, 0x2066..=0x2069 | 0xfeff | 0xfffe | 0xffff)
}

/// Text that stays inside a `//`, `#` or `<!-- -->` comment line: line terminators become
/// spaces, and the sequences that close block comments are broken up.
#[must_use]
pub fn comment_text(s: &str) -> String {
    let one_line: String = s
        .chars()
        .map(|c| if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}') { ' ' } else { c })
        .collect();
    one_line.replace("*/", "* /").replace("-->", "-- >")
}

/// An object key: bare when it is an identifier, quoted otherwise. `__proto__` (a valid tag key)
/// is computed, `['__proto__']`: written plainly, bare or quoted, it would set the object's
/// prototype instead of a property (ECMAScript, `__proto__` in object initializers).
fn ts_key(k: &str) -> String {
    if k == "__proto__" {
        return format!("[{}]", ts_str(k));
    }
    let bare = k.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if bare {
        k.to_owned()
    } else {
        ts_str(k)
    }
}

/// Lines are kept within this many columns where a value can be written on one line.
/// The TypeScript variable of the resource with this logical id (`PublicSubnet1` ->
/// `publicSubnet1`), as `lower` names it.
fn variable_of(id: &str) -> String {
    crate::ir::camel_case(&crate::ir::snake_case(id))
}

const WIDTH: usize = 110;

/// Writes IR expressions as TypeScript values, prettier-style: on one line when short, else one
/// item per line with a trailing comma.
struct Printer;

impl Printer {
    /// `e` as a value that starts at column `col` of a line indented by `indent`.
    fn value(&self, e: &Expr, indent: usize, col: usize) -> Result<String, String> {
        if let Some(flat) = self.flat(e)? {
            if col + flat.len() <= WIDTH {
                return Ok(flat);
            }
        }
        let pad = " ".repeat(indent + 2);
        match e {
            Expr::List(items) => {
                let mut out = String::from("[\n");
                for item in items {
                    let _ = writeln!(out, "{pad}{},", self.value(item, indent + 2, indent + 2)?);
                }
                let _ = write!(out, "{}]", " ".repeat(indent));
                Ok(out)
            }
            Expr::Map(m) => {
                let mut out = String::from("{\n");
                for (k, v) in m {
                    let key = ts_key(k);
                    let value = self.value(v, indent + 2, indent + 2 + key.len() + 2)?;
                    let _ = writeln!(out, "{pad}{key}: {value},");
                }
                let _ = write!(out, "{}}}", " ".repeat(indent));
                Ok(out)
            }
            Expr::Join { sep, items } => {
                Ok(format!("cdk.Fn.join({}, {})", ts_str(sep), self.value(&Expr::List(items.clone()), indent, col)?))
            }
            // Scalars have a flat form, however long.
            _ => self.flat(e)?.ok_or_else(|| format!("no TypeScript form for {e:?}")),
        }
    }

    /// `e` on one line, if it may be written so: scalars, lists of scalars, and maps of one
    /// entry whose value may be.
    fn flat(&self, e: &Expr) -> Result<Option<String>, String> {
        Ok(Some(match e {
            Expr::Str(s) => ts_value(s),
            Expr::Int(n) => n.to_string(),
            Expr::Bool(b) => b.to_string(),
            Expr::Ref(r) => {
                // Checked by `Plan::new`: every resource's variable is this, and every referenced id is
                // a resource.
                let var = variable_of(&r.id);
                let attr = match r.attr {
                    Attr::Id => "ref",
                    Attr::Arn => "attrArn",
                    Attr::GroupId => "attrGroupId",
                    Attr::AllocationId => "attrAllocationId",
                    Attr::WebserverUrl => "attrWebserverUrl",
                    Attr::DatabaseVpcEndpointService => "attrDatabaseVpcEndpointService",
                    Attr::WebserverVpcEndpointService => "attrWebserverVpcEndpointService",
                };
                format!("{var}.{attr}")
            }
            Expr::Pseudo(p) => pseudo(*p).to_owned(),
            // The same template text as the CloudFormation backend, so that synth writes the
            // same Fn::Sub; `${LogicalId.Attr}` works because construct ids are logical ids.
            Expr::Sub(parts) => format!("cdk.Fn.sub({})", ts_str(&super::cfn::sub_template(parts))),
            Expr::Az(i) => format!("cdk.Fn.select({i}, cdk.Fn.getAzs())"),
            Expr::Input(name) => format!("props.{}", crate::ir::camel_case(name)),
            Expr::Select { index, list } => {
                let Some(list) = self.flat(list)? else { return Ok(None) };
                format!("cdk.Fn.select({index}, {list})")
            }
            Expr::Split { sep, of } => {
                let Some(of) = self.flat(of)? else { return Ok(None) };
                format!("cdk.Fn.split({}, {of})", ts_str(sep))
            }
            // As the CloudFormation backend writes it: joined, then split.
            Expr::Concat(lists) => {
                let mut items = Vec::new();
                for l in lists {
                    match l {
                        Expr::List(xs) => {
                            for x in xs {
                                let Some(x) = self.flat(x)? else { return Ok(None) };
                                items.push(x);
                            }
                        }
                        other => {
                            let Some(x) = self.flat(other)? else { return Ok(None) };
                            items.push(format!("cdk.Fn.join(',', {x})"));
                        }
                    }
                }
                format!("cdk.Fn.split(',', cdk.Fn.join(',', [{}]))", items.join(", "))
            }
            Expr::Join { sep, items } => {
                let Some(list) = self.flat(&Expr::List(items.clone()))? else { return Ok(None) };
                format!("cdk.Fn.join({}, {list})", ts_str(sep))
            }
            Expr::List(items) => {
                let mut parts = Vec::with_capacity(items.len());
                for item in items {
                    if matches!(item, Expr::List(_) | Expr::Map(_)) {
                        return Ok(None);
                    }
                    let Some(s) = self.flat(item)? else { return Ok(None) };
                    parts.push(s);
                }
                format!("[{}]", parts.join(", "))
            }
            Expr::Map(m) if m.is_empty() => "{}".to_owned(),
            Expr::Map(m) if m.len() == 1 => {
                let (k, v) = m.iter().next().ok_or("empty map")?;
                let Some(v) = self.flat(v)? else { return Ok(None) };
                format!("{{ {}: {v} }}", ts_key(k))
            }
            Expr::Map(_) => return Ok(None),
        }))
    }
}

fn pseudo(p: Pseudo) -> &'static str {
    match p {
        Pseudo::Region => "cdk.Aws.REGION",
        Pseudo::AccountId => "cdk.Aws.ACCOUNT_ID",
        Pseudo::Partition => "cdk.Aws.PARTITION",
    }
}

/// L1 tags, `[{ key, value }]`: one per line, or a single one on the line of its property.
fn tags(map: &IndexMap<String, String>, indent: usize) -> String {
    if let Some((k, v)) = map.iter().next().filter(|_| map.len() == 1) {
        let line = format!("[{{ key: {}, value: {} }}]", ts_str(k), ts_str(v));
        if indent + "tags: ".len() + line.len() < WIDTH {
            return line;
        }
    }
    let pad = " ".repeat(indent + 2);
    let mut out = String::from("[\n");
    for (k, v) in map {
        let _ = writeln!(out, "{pad}{{ key: {}, value: {} }},", ts_str(k), ts_str(v));
    }
    let _ = write!(out, "{}]", " ".repeat(indent));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Part, Ref};

    #[test]
    fn string_literals_escape_what_could_end_or_hide_them() {
        assert_eq!(ts_str("mw1.small"), "'mw1.small'");
        assert_eq!(ts_str("it's"), "'it\\'s'");
        assert_eq!(ts_str("a\\b"), "'a\\\\b'");
        assert_eq!(ts_str("a\nb\r\tc"), "'a\\nb\\r\\tc'");
        assert_eq!(ts_str("\u{2028}\u{2029}"), "'\\u2028\\u2029'");
        assert_eq!(ts_str("\u{0}\u{1b}\u{7f}\u{85}"), "'\\u0000\\u001B\\u007F\\u0085'");
        assert_eq!(ts_str("\u{feff}\u{202e}"), "'\\uFEFF\\u202E'");
        // Template-literal syntax means nothing in a single-quoted string.
        assert_eq!(ts_str("${x} `y` \"z\""), "'${x} `y` \"z\"'");
        assert_eq!(ts_str("Zürich ☃"), "'Zürich ☃'");
    }

    #[test]
    fn values_that_look_like_cdk_tokens_are_split() {
        assert_eq!(ts_value("dags"), "'dags'");
        assert_eq!(
            ts_value("a ${Token[AWS.Region.9]} b"),
            "/* split: CDK would read the text as a token */ \
             cdk.Token.asString({ 'Fn::Join': ['', ['a ${Tok', 'en[AWS.Region.9]} b']] })"
        );
        let v = ts_value("#{Token[X.1]}-1.8881545897087626e+289");
        assert!(v.contains("['#{Tok', 'en[X.1]}-1.8881545897087626e+', '289']"), "{v}");
    }

    #[test]
    fn comments_stay_on_their_line() {
        assert_eq!(comment_text("a\nb\u{2028}c */ d --> e"), "a b c * / d -- > e");
    }

    #[test]
    fn keys_are_quoted_unless_identifiers() {
        assert_eq!(ts_key("Version"), "Version");
        assert_eq!(ts_key("aws:SourceAccount"), "'aws:SourceAccount'");
        assert_eq!(ts_key("core.parallelism"), "'core.parallelism'");
        assert_eq!(ts_key("1a"), "'1a'");
        assert_eq!(ts_key("__proto__"), "['__proto__']");
    }

    fn r(id: &str, attr: Attr) -> Expr {
        Expr::Ref(Ref { id: id.into(), kind: "x".into(), attr })
    }

    #[test]
    fn expressions() {
        let p = Printer;
        let v = |e: &Expr| p.value(e, 4, 4).expect("renders");
        assert_eq!(v(&r("VPC", Attr::Id)), "vpc.ref");
        assert_eq!(v(&r("SecurityGroup", Attr::GroupId)), "securityGroup.attrGroupId");
        assert_eq!(v(&Expr::Pseudo(Pseudo::AccountId)), "cdk.Aws.ACCOUNT_ID");
        assert_eq!(v(&Expr::Az(1)), "cdk.Fn.select(1, cdk.Fn.getAzs())");
        assert_eq!(
            v(&Expr::Sub(vec![
                Part::Lit("a${b}:".into()),
                Part::Ref(Ref { id: "B".into(), kind: "x".into(), attr: Attr::Arn })
            ])),
            "cdk.Fn.sub('a${!b}:${B.Arn}')"
        );
        assert_eq!(
            v(&Expr::Join { sep: ",".into(), items: vec![r("VPC", Attr::Id), Expr::s("x")] }),
            "cdk.Fn.join(',', [vpc.ref, 'x'])"
        );
        let m = Expr::Map(
            [
                ("Version".to_owned(), Expr::s("2012-10-17")),
                ("Principal".to_owned(), Expr::Map([("Service".to_owned(), Expr::strs(["a"]))].into_iter().collect())),
            ]
            .into_iter()
            .collect(),
        );
        assert_eq!(v(&m), "{\n      Version: '2012-10-17',\n      Principal: { Service: ['a'] },\n    }");
    }

    /// The printer derives a reference's variable from the logical id; a resource whose variable
    /// is named otherwise is refused instead of written with a dangling reference.
    #[test]
    fn variables_must_follow_from_logical_ids() {
        let mut ir = crate::compile(&crate::default_source()).expect("the default spec compiles");
        assert!(render(&ir).is_ok());
        ir.resources[0].var_name = "somethingElse".into();
        let err = render(&ir).expect_err("a renamed variable is refused");
        assert!(err.0.contains("is named somethingElse"), "{}", err.0);
    }

    #[test]
    fn long_lists_break_one_item_per_line() {
        let p = Printer;
        let e = Expr::strs(["x".repeat(60), "y".repeat(60)]);
        assert_eq!(
            p.value(&e, 2, 20).expect("renders"),
            format!("[\n    '{}',\n    '{}',\n  ]", "x".repeat(60), "y".repeat(60))
        );
    }

    #[test]
    fn order_pulls_dependencies_up_and_finds_cycles() {
        let after = vec![BTreeSet::from([2]), BTreeSet::new(), BTreeSet::new(), BTreeSet::from([0])];
        assert_eq!(declaration_order(&after), Ok(vec![2, 0, 1, 3]));
        let cycle = vec![BTreeSet::from([1]), BTreeSet::from([0])];
        assert!(declaration_order(&cycle).is_err());
    }

    #[test]
    fn accepted_findings_group_neighbours_that_share_a_reason() {
        let s = |tool: &str, id: &str, reason: &str| Suppression {
            tool: tool.into(),
            id: id.into(),
            reason: reason.into(),
        };
        let list = [s("checkov", "A", "r1"), s("cdk-nag", "N", "r1"), s("checkov", "B", "r2"), s("checkov", "C", "r1")];
        assert_eq!(
            accepted(&list).expect("renders").as_deref(),
            Some(
                "[\n      { checkov: ['A'], cdkNag: ['N'], reason: 'r1' },\n      { checkov: ['B'], reason: 'r2' },\n      \
                 { checkov: ['C'], reason: 'r1' },\n    ]"
            )
        );
        assert_eq!(accepted(&[]).expect("renders"), None);
        assert!(accepted(&[s("tfsec", "X", "r")]).is_err());
    }

    #[test]
    fn tags_refer_to_the_spec_tags() {
        let spec = |tags: &str| {
            crate::compile(&crate::diagnostics::Source::from_text(
                "t.toml",
                format!("version = 1\n[environment]\nname = \"e\"\n{tags}"),
            ))
            .expect("compiles")
        };
        let tags_of = |ir: &Ir, id: &str| {
            let mut helper = false;
            let r = ir.get(id).expect("resource");
            (tags_value(ir, r, &mut helper).expect("renders"), helper)
        };
        let ir = spec("[tags]\nTeam = \"t\"\n");
        assert_eq!(tags_of(&ir, "VPC"), (Some("tags('e')".to_owned()), true));
        assert_eq!(tags_of(&ir, "ExecutionRole"), (Some("tags()".to_owned()), true));
        assert_eq!(tags_of(&ir, "MwaaEnvironment"), (Some("TAGS".to_owned()), false));
        assert_eq!(tags_of(&ir, "InternetGatewayAttachment"), (None, false));
        // Without tags in the spec, a Name alone is written where it is used.
        let bare = spec("");
        assert_eq!(tags_of(&bare, "VPC"), (Some("[{ key: 'Name', value: 'e' }]".to_owned()), false));
        assert_eq!(tags_of(&bare, "MwaaEnvironment"), (None, false));
    }

    /// Whether `p` is a value of schema type `t`, else where it is not.
    fn agrees(p: &Prop, t: &PropType, path: &str, lists: &[String]) -> Result<(), String> {
        let ok = match (p, t.ty.as_str()) {
            (Prop::Value(Expr::List(items)), "array") => {
                let it = t.items.as_deref().ok_or(format!("{path}: array without items"))?;
                return items.iter().try_for_each(|e| agrees(&Prop::Value(e.clone()), it, path, lists));
            }
            (Prop::Value(Expr::Int(_)), ty) => ty == "integer" || ty == "number",
            (Prop::Value(Expr::Bool(_)), ty) => ty == "boolean",
            (Prop::Value(Expr::Map(_) | Expr::List(_)), _) => false,
            // List-valued: a concatenation, or a list input (its declaration says which).
            (Prop::Value(Expr::Concat(_) | Expr::Split { .. }), ty) => ty == "array",
            (Prop::Value(Expr::Input(name)), ty) => ty == if lists.contains(name) { "array" } else { "string" },
            // Strings, references, pseudo values and intrinsic functions that yield strings.
            (Prop::Value(_) | Prop::JsonText(_) | Prop::IfSet(_), ty) => ty == "string",
            (Prop::Json(_), ty) => ty == "json",
            (Prop::Tags { object: true, .. }, ty) => ty == "json",
            (Prop::Tags { object: false, .. }, ty) => ty == "array",
            (Prop::List(items), "array") => {
                let it = t.items.as_deref().ok_or(format!("{path}: array without items"))?;
                return items.iter().try_for_each(|i| agrees(i, it, &format!("{path}[]"), lists));
            }
            (Prop::Object(fields), "object") => {
                return fields.iter().try_for_each(|(k, v)| {
                    let ft = t.properties.get(*k).ok_or(format!("{path}.{k}: not in the schema"))?;
                    agrees(v, ft, &format!("{path}.{k}"), lists)
                })
            }
            (Prop::List(_) | Prop::Object(_), _) => false,
        };
        if ok {
            Ok(())
        } else {
            Err(format!("{path}: {p:?} is not of the schema's type {}", t.ty))
        }
    }

    /// Every property of every resource of the example specs is one of its CloudFormation
    /// type's schema (cfn-lint's, generator/data/cfn-property-types.json), with the schema's type.
    #[test]
    fn property_trees_follow_the_resource_schemas() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs");
        let mut specs: Vec<_> = std::fs::read_dir(&dir).expect("specs/").map(|e| e.expect("entry").path()).collect();
        specs.sort();
        assert!(specs.len() > 5, "{specs:?}");
        let types = property_types().expect("the table parses");
        let mut checked = 0;
        for spec in specs {
            let ir = crate::ir_of(&std::fs::read_to_string(&spec).expect("spec"));
            let lists: Vec<String> = ir.inputs.iter().filter(|i| i.list).map(|i| i.name.clone()).collect();
            for r in &ir.resources {
                let schema = types.get(r.cfn.cfn_type).unwrap_or_else(|| panic!("{}: no schema", r.cfn.cfn_type));
                for (name, p) in &r.cfn.properties {
                    let t = schema.get(*name).unwrap_or_else(|| panic!("{} {name}: not in the schema", r.cfn.cfn_type));
                    let path = format!("{} {}.{name}", spec.display(), r.id);
                    agrees(p, t, &path, &lists).unwrap_or_else(|e| panic!("{e}"));
                    checked += 1;
                }
            }
        }
        assert!(checked > 500, "{checked}");
    }

    /// A property the schema does not have is refused instead of written under a guessed name.
    #[test]
    fn properties_outside_the_schema_are_refused() {
        let mut ir = crate::compile(&crate::default_source()).expect("the default spec compiles");
        let vpc = ir.resources.iter_mut().find(|r| r.cfn.cfn_type == "AWS::EC2::VPC").expect("a VPC");
        vpc.cfn.properties[0].0 = "CidrBlok";
        let err = render(&ir).expect_err("an unknown property is refused");
        assert!(err.0.contains("AWS::EC2::VPC has no property CidrBlok"), "{}", err.0);
    }

    #[test]
    fn identifiers() {
        assert!(check_identifier("publicSubnet1").is_ok());
        assert!(check_identifier("logs").is_err());
        assert!(check_identifier("delete").is_err());
        assert!(check_identifier("a-b").is_err());
    }
}
