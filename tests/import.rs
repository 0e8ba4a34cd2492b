//! `mwaagen import`: the round trip of every example spec (IR -> the get-environment JSON of the
//! environment it deploys, with made-up ids for what the stack creates -> import -> compile -> the
//! same environment settings), and refusals of JSON that is not a get-environment output.
//!
//! With `MWAAGEN_GET_ENVIRONMENT_DIR` set, the JSON of each example is written there:
//! scripts/check-import.sh checks it against botocore's GetEnvironmentOutput shape.
// A spec or JSON that lacks what a test looks for fails the test with a panic.
#![allow(clippy::panic)]

mod support;

use support::mwaagen;

use std::collections::HashMap;

use mwaagen::diagnostics::Source;
use mwaagen::ir::{Expr, Ir, Kind, MwaaSettings, Part, Pseudo};
use serde_json::{json, Map, Value};

const ACCOUNT: &str = "123456789012";

fn settings(ir: &Ir) -> MwaaSettings {
    match ir.resources.iter().find_map(|r| match &r.kind {
        Kind::MwaaEnvironment(m) => Some(m),
        _ => None,
    }) {
        Some(m) => (**m).clone(),
        None => panic!("{} has no environment", ir.source_name),
    }
}

/// Made-up physical ids for what a stack creates, the same for the same logical id.
struct MadeUp {
    region: String,
    ids: HashMap<String, String>,
}

impl MadeUp {
    fn new(ir: &Ir) -> Self {
        Self { region: ir.region.clone().unwrap_or_else(|| "us-east-1".to_owned()), ids: HashMap::new() }
    }

    /// The value `e` has once deployed.
    fn value(&mut self, e: &Expr) -> String {
        match e {
            Expr::Str(s) => s.clone(),
            Expr::Ref(r) => {
                let n = self.ids.len() + 1;
                let region = self.region.clone();
                self.ids
                    .entry(format!("{}.{:?}", r.id, r.attr))
                    .or_insert_with(|| match r.kind.as_str() {
                        "subnet" => format!("subnet-0{n:016x}"),
                        "security_group" => format!("sg-0{n:016x}"),
                        "bucket" => format!("arn:aws:s3:::made-up-bucket-{n}"),
                        "iam_role" => format!("arn:aws:iam::{ACCOUNT}:role/made-up-role-{n}"),
                        "kms_key" => format!("arn:aws:kms:{region}:{ACCOUNT}:key/00000000-0000-4000-8000-{n:012x}"),
                        other => panic!("no made-up id for a {other} ({})", r.id),
                    })
                    .clone()
            }
            Expr::Sub(parts) => parts
                .iter()
                .map(|p| match p {
                    Part::Lit(s) => s.clone(),
                    Part::Pseudo(p) => self.pseudo(*p),
                    Part::Ref(r) => self.value(&Expr::Ref(r.clone())),
                })
                .collect(),
            Expr::Pseudo(p) => self.pseudo(*p),
            other => panic!("an environment setting of an unexpected form: {other:?}"),
        }
    }

    fn pseudo(&self, p: Pseudo) -> String {
        match p {
            Pseudo::Region => self.region.clone(),
            Pseudo::AccountId => ACCOUNT.to_owned(),
            Pseudo::Partition => "aws".to_owned(),
        }
    }
}

/// The API's name of each logging module (LoggingConfiguration members).
fn log_member(module: &str) -> &'static str {
    match module {
        "dag_processing" => "DagProcessingLogs",
        "scheduler" => "SchedulerLogs",
        "task" => "TaskLogs",
        "webserver" => "WebserverLogs",
        "worker" => "WorkerLogs",
        other => panic!("unknown module {other}"),
    }
}

/// What `aws mwaa get-environment` prints for the environment that `ir` deploys.
fn get_environment(ir: &Ir, ids: &mut MadeUp) -> Value {
    let m = settings(ir);
    let region = ids.region.clone();
    let name = &m.name;
    let mut env = Map::new();
    let mut put = |k: &str, v: Value| {
        env.insert(k.to_owned(), v);
    };
    put("Name", json!(name));
    put("Status", json!("AVAILABLE"));
    put("Arn", json!(format!("arn:aws:airflow:{region}:{ACCOUNT}:environment/{name}")));
    put("CreatedAt", json!("2026-01-05T09:30:00+00:00"));
    put("WebserverUrl", json!(format!("https://made-up.c7.{region}.airflow.amazonaws.com")));
    put("ExecutionRoleArn", json!(ids.value(&m.execution_role_arn)));
    put(
        "ServiceRoleArn",
        json!(format!(
            "arn:aws:iam::{ACCOUNT}:role/aws-service-role/airflow.amazonaws.com/AWSServiceRoleForAmazonMWAA"
        )),
    );
    if let Some(k) = &m.kms_key {
        put("KmsKey", json!(ids.value(k)));
    }
    put("AirflowVersion", json!(m.airflow_version));
    put("SourceBucketArn", json!(ids.value(&m.source_bucket_arn)));
    put("DagS3Path", json!(m.dag_s3_path));
    for (object, path, version) in [
        (&m.plugins, "PluginsS3Path", "PluginsS3ObjectVersion"),
        (&m.requirements, "RequirementsS3Path", "RequirementsS3ObjectVersion"),
        (&m.startup_script, "StartupScriptS3Path", "StartupScriptS3ObjectVersion"),
    ] {
        if let Some(o) = object {
            put(path, json!(o.path));
            if let Some(v) = &o.version {
                put(version, json!(v));
            }
        }
    }
    put("AirflowConfigurationOptions", json!(m.airflow_configuration_options));
    put("EnvironmentClass", json!(m.environment_class));
    put("MaxWorkers", json!(m.max_workers));
    let subnets: Vec<String> = m.subnet_ids.iter().map(|s| ids.value(s)).collect();
    let groups: Vec<String> = list(&m.security_group_ids).iter().map(|s| ids.value(s)).collect();
    put("NetworkConfiguration", json!({"SubnetIds": subnets, "SecurityGroupIds": groups}));
    let mut logging = Map::new();
    for l in &m.logging {
        let mut module = Map::new();
        module.insert("Enabled".into(), json!(l.enabled));
        module.insert("LogLevel".into(), json!(l.level));
        if l.enabled {
            let group = match l.module.as_str() {
                "dag_processing" => "DAGProcessing",
                "scheduler" => "Scheduler",
                "task" => "Task",
                "webserver" => "WebServer",
                _ => "Worker",
            };
            module.insert(
                "CloudWatchLogGroupArn".into(),
                json!(format!("arn:aws:logs:{region}:{ACCOUNT}:log-group:airflow-{name}-{group}")),
            );
        }
        logging.insert(log_member(&l.module).to_owned(), Value::Object(module));
    }
    put("LoggingConfiguration", Value::Object(logging));
    let mut last = json!({"Status": "SUCCESS", "CreatedAt": "2026-02-01T12:00:00+00:00", "Source": "mwaagen"});
    if let Some(s) = &m.worker_replacement_strategy {
        last["WorkerReplacementStrategy"] = json!(s);
    }
    put("LastUpdate", last);
    if let Some(w) = &m.weekly_maintenance_window_start {
        put("WeeklyMaintenanceWindowStart", json!(w));
    }
    let tags = ir.get("MwaaEnvironment").and_then(|r| r.tags.clone()).unwrap_or_default();
    if !tags.is_empty() {
        put("Tags", json!(tags));
    }
    put("WebserverAccessMode", json!(m.webserver_access_mode));
    put("MinWorkers", json!(m.min_workers));
    put("Schedulers", json!(m.schedulers));
    put("DatabaseVpcEndpointService", json!(format!("com.amazonaws.vpce.{region}.vpce-svc-0a1b2c3d4e5f60718")));
    if m.webserver_access_mode == "PRIVATE_ONLY" {
        put("WebserverVpcEndpointService", json!(format!("com.amazonaws.vpce.{region}.vpce-svc-0f1e2d3c4b5a69788")));
    }
    put("CeleryExecutorQueue", json!(format!("arn:aws:sqs:{region}:{ACCOUNT}:airflow-celery-made-up")));
    put("EndpointManagement", json!(m.endpoint_management));
    put("MinWebservers", json!(m.min_webservers));
    put("MaxWebservers", json!(m.max_webservers));
    json!({ "Environment": env })
}

/// The settings of `m` with every expression as its deployed value.
fn resolved(m: &MwaaSettings, ids: &mut MadeUp) -> MwaaSettings {
    let mut m = m.clone();
    let lit = |e: &Expr, ids: &mut MadeUp| Expr::Str(ids.value(e));
    m.source_bucket_arn = lit(&m.source_bucket_arn, ids);
    m.execution_role_arn = lit(&m.execution_role_arn, ids);
    m.kms_key = m.kms_key.as_ref().map(|k| lit(k, ids));
    m.subnet_ids = m.subnet_ids.iter().map(|s| lit(s, ids)).collect();
    m.security_group_ids = Expr::List(list(&m.security_group_ids).iter().map(|s| lit(s, ids)).collect());
    m
}

/// The items of a literal list (the example specs write no input lists).
fn list(e: &Expr) -> &[Expr] {
    match e {
        Expr::List(items) => items,
        other => panic!("expected a list of security groups, found {other:?}"),
    }
}

const VPC: &str = "vpc-0123456789abcdef0";

#[test]
fn round_trip_of_every_example_spec() {
    let out_dir = std::env::var_os("MWAAGEN_GET_ENVIRONMENT_DIR").map(std::path::PathBuf::from);
    let mut checked = 0;
    for spec in support::example_specs() {
        let ir = support::compile_file(&spec);
        // A live environment has values, not inputs: what import writes for a spec with inputs
        // (specs/inputs*.toml) is a spec of literals, which this round trip cannot compare with
        // the inputs' names.
        if !ir.inputs.is_empty() {
            continue;
        }
        checked += 1;
        let stem = spec.file_stem().expect("name").to_string_lossy().into_owned();
        let mut ids = MadeUp::new(&ir);
        let output = get_environment(&ir, &mut ids);
        let text = serde_json::to_string_pretty(&output).expect("serializes");
        if let Some(dir) = &out_dir {
            std::fs::create_dir_all(dir).expect("mkdir");
            std::fs::write(dir.join(format!("{stem}.json")), &text).expect("write");
        }
        let imported = mwaagen::import::import(&Source::from_text(format!("{stem}.json"), text.as_str()), Some(VPC))
            .unwrap_or_else(|d| {
                panic!("{stem}: import refused it:\n{}", d.render(&Source::from_text("x.json", text.as_str())))
            });
        let source = Source::from_text(format!("imported-{stem}.toml"), imported.spec.as_str());
        let again = mwaagen::compile(&source).unwrap_or_else(|d| {
            panic!("{stem}: the imported spec is invalid:\n{}\n{}", d.render(&source), imported.spec)
        });
        let want = resolved(&settings(&ir), &mut ids);
        let got = settings(&again);
        // The imported spec keeps exactly the live groups (create = false), mwaagen's own included:
        // the settings compare them one by one.
        assert_eq!(got, want, "{stem}: the imported spec deploys other environment settings\n{}", imported.spec);
        let tags = |ir: &Ir| ir.get("MwaaEnvironment").and_then(|r| r.tags.clone());
        assert_eq!(tags(&again), tags(&ir), "{stem}: tags");
        assert_eq!(again.region.as_deref(), Some(ids.region.as_str()), "{stem}: region");
    }
    assert!(checked >= 10, "only {checked} example specs were round-tripped");
}

#[test]
fn the_cli_writes_the_spec_and_without_vpc_id_a_placeholder_that_validate_refuses() {
    let ir = support::compile_file(&support::root().join("specs/production.toml"));
    let text = serde_json::to_string_pretty(&get_environment(&ir, &mut MadeUp::new(&ir))).expect("json");
    let tmp = tempfile::tempdir().expect("tempdir");
    let json_path = tmp.path().join("get-environment.json");
    std::fs::write(&json_path, &text).expect("write");
    let json_arg = json_path.to_string_lossy().into_owned();

    // Printed, without --vpc-id: a placeholder, said so on stderr, exit 0.
    let o = mwaagen(&["import", &json_arg]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let spec = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(spec.contains("existing_vpc_id = \"vpc-REPLACE-ME\""), "{spec}");
    assert!(spec.contains("#   aws ec2 describe-subnets --subnet-ids subnet-"), "{spec}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("network.existing_vpc_id is a placeholder"));
    for not_carried in ["# - ServiceRoleArn: the service-linked role", "# - Status: state of the live environment"] {
        assert!(spec.contains(not_carried), "{not_carried} in\n{spec}");
    }
    let spec_path = tmp.path().join("imported.toml");
    std::fs::write(&spec_path, &spec).expect("write");
    let v = mwaagen(&["validate", &spec_path.to_string_lossy()]);
    assert_eq!(v.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&v.stderr).contains("error: network.existing_vpc_id: \"vpc-REPLACE-ME\""));

    // Written with --vpc-id: it validates; a second write needs --force.
    let out = tmp.path().join("analytics-prod.toml");
    let out_arg = out.to_string_lossy().into_owned();
    let o = mwaagen(&["import", &json_arg, "--vpc-id", VPC, "--out", &out_arg]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(String::from_utf8_lossy(&o.stdout), format!("wrote {out_arg} (environment analytics-prod)\n"));
    assert!(o.stderr.is_empty(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(mwaagen(&["validate", &out_arg]).status.code(), Some(0));
    let o = mwaagen(&["import", &json_arg, "--vpc-id", VPC, "--out", &out_arg]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("already exists; use --force"));
    assert_eq!(mwaagen(&["import", &json_arg, "--vpc-id", VPC, "--out", &out_arg, "--force"]).status.code(), Some(0));
}

#[test]
fn a_file_that_is_not_a_get_environment_output_is_refused_clearly() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for (name, text, expect) in [
        ("not-json.json", "version = 1\n", "error: not JSON: expected value at line 1 column 1"),
        (
            "list.json",
            "{\"Environments\": [\"analytics\"]}\n",
            "run `aws mwaa get-environment --name NAME` for one of them",
        ),
        // The bare Environment object (boto3's resp["Environment"]) is read; an incomplete one is refused.
        (
            "inner.json",
            "{\"Name\": \"x\", \"Arn\": \"arn:aws:airflow:...\"}\n",
            "error: Environment.ExecutionRoleArn: missing",
        ),
        (
            "wrong-type.json",
            "{\n  \"Environment\": {\n    \"Name\": \"x\",\n    \"MaxWorkers\": \"ten\"\n  }\n}\n",
            "error: Environment.MaxWorkers: wrong type: found a string, expected an integer",
        ),
    ] {
        let path = tmp.path().join(name);
        std::fs::write(&path, text).expect("write");
        let shown = path.to_string_lossy().into_owned();
        let out = tmp.path().join("spec.toml");
        let o = mwaagen(&["import", &shown, "--out", &out.to_string_lossy()]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains(expect), "{name}:\n{stderr}");
        assert!(stderr.contains(&format!("--> {shown}:")), "{name}: no file:line:col:\n{stderr}");
        assert!(stderr.contains("nothing was written"), "{name}:\n{stderr}");
        assert!(!out.exists(), "{name}: a spec was written");
    }
    // The member is pointed at.
    let o = mwaagen(&["import", &tmp.path().join("wrong-type.json").to_string_lossy()]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("wrong-type.json:4:19\n"));
    assert!(String::from_utf8_lossy(&o.stderr).contains("error: Environment.SourceBucketArn: missing"));
    let o = mwaagen(&["import", "tests/no-such-file.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read tests/no-such-file.json"));
}

#[test]
fn hostile_strings_come_back_as_they_were() {
    let ir = support::compile_file(&support::root().join("specs/default.toml"));
    let mut output = get_environment(&ir, &mut MadeUp::new(&ir));
    let nasty = [
        "a\"b",
        "line\nbreak",
        "tab\there",
        "back\\slash",
        "\"\"\"",
        "'''",
        "${x} %{y}",
        "é🚀",
        "# not a comment",
        "]",
    ];
    let env = output["Environment"].as_object_mut().expect("object");
    let mut tags = Map::new();
    let mut options = Map::new();
    for (i, s) in nasty.iter().enumerate() {
        tags.insert(format!("k{i} {s}"), json!(s));
        options.insert(format!("core.k{i}"), json!(s));
    }
    env.insert("Tags".into(), Value::Object(tags.clone()));
    env.insert("AirflowConfigurationOptions".into(), Value::Object(options.clone()));
    env.insert("DagS3Path".into(), json!("dags\n[network]\nexisting_vpc_id = \"vpc-1\""));
    env.insert("Name".into(), json!("x\ny = 1"));
    let text = output.to_string();
    let imported = mwaagen::import::import(&Source::from_text("nasty.json", text.as_str()), None).expect("imports");
    let spec: toml::Table =
        toml::from_str(&imported.spec).unwrap_or_else(|e| panic!("not TOML: {e}\n{}", imported.spec));
    assert_eq!(spec["environment"]["name"].as_str(), Some("x\ny = 1"));
    assert_eq!(spec["environment"]["dag_s3_path"].as_str(), Some("dags\n[network]\nexisting_vpc_id = \"vpc-1\""));
    assert_eq!(spec["network"]["existing_vpc_id"].as_str(), Some(mwaagen::import::VPC_PLACEHOLDER));
    for (k, v) in &tags {
        assert_eq!(spec["tags"][k.as_str()].as_str(), v.as_str(), "tag {k:?}");
    }
    for (k, v) in &options {
        assert_eq!(spec["environment"]["airflow_configuration_options"][k.as_str()].as_str(), v.as_str(), "{k:?}");
    }
}

/// A live environment on a version MWAA no longer offers, dumped by boto3 (`resp["Environment"]`,
/// the bare object): import writes the spec all the same, marks the version with what to choose,
/// exits 1 blaming the live value (never mwaagen), and keeps the groups, the disabled level and
/// adoption.
#[test]
fn a_live_value_that_no_longer_validates_is_written_marked_and_blamed() {
    let mut out = get_environment(
        &support::compile_file(&support::root().join("specs/shared-vpc.toml")),
        &mut MadeUp::new(&support::compile_file(&support::root().join("specs/shared-vpc.toml"))),
    );
    let mut env = out["Environment"].take();
    env["AirflowVersion"] = json!("2.6.3");
    let tmp = tempfile::tempdir().expect("tempdir");
    let json_path = tmp.path().join("environment.json");
    std::fs::write(&json_path, serde_json::to_string_pretty(&env).expect("json")).expect("write");
    let spec_path = tmp.path().join("legacy.toml");
    let spec_arg = spec_path.to_string_lossy().into_owned();
    let o = mwaagen(&["import", &json_path.to_string_lossy(), "--vpc-id", VPC, "--out", &spec_arg]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("the live environment shared-vpc-pipelines has values that mwaagen refuses"), "{err}");
    assert!(!err.contains("bug of mwaagen"), "{err}");
    assert!(err.contains(&format!("--> {spec_arg}:")), "the errors point at the file written: {err}");
    let spec = std::fs::read_to_string(&spec_path).expect("the spec is written");
    assert!(spec.contains("# CHOOSE: the live value of environment.airflow_version is refused"), "{spec}");
    assert!(spec.contains("\nairflow_version = \"2.6.3\"\n"), "{spec}");
    assert!(spec.contains("\nadopt = true\n"), "{spec}");
    assert!(spec.contains("\ncreate = false\nadditional_ids = [\"sg-"), "{spec}");
    assert!(spec.contains("\ndag_processing = { level = \"WARNING\", enabled = false }\n"), "{spec}");
    // Choosing a version MWAA offers makes the spec valid.
    std::fs::write(&spec_path, spec.replace("airflow_version = \"2.6.3\"", "airflow_version = \"2.7.2\""))
        .expect("write");
    let v = mwaagen(&["validate", &spec_arg]);
    assert_eq!(v.status.code(), Some(0), "{}", String::from_utf8_lossy(&v.stderr));
}
