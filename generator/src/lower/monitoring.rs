//! `[monitoring]`: an encrypted SNS topic (or the spec's own), alarms on the environment's
//! `AmazonMWAA` metrics that notify it, and a CloudWatch dashboard of the environment.
//!
//! Metric names and dimensions are those of the MWAA user guide's metrics pages
//! (access-metrics-cw-202.md: namespace `AmazonMWAA`, `SchedulerHeartbeat` with `Function =
//! Scheduler`, `QueuedTasks` / `RunningTasks` with `Function = Executor`, `ImportErrors`,
//! `TotalParseTime`, `DagBagSize` with `Function = DAG Processing`, each also with `Environment`;
//! accessing-metrics-cw-container-queue-db.md: namespace `AWS/MWAA`, `CPUUtilization` /
//! `MemoryUtilization` by `Cluster` (Scheduler, BaseWorker, AdditionalWorker, WebServer), the
//! database and queue metrics).

use indexmap::IndexMap;

use super::policy::{account_root_statement, condition, policy, principal, principal_any, statement};
use super::Builder;
use crate::ir::{AlarmQuery, AlarmSettings, Attr, Expr, Kind, MetricStat, Pseudo, Ref};
use crate::model::{AlarmTopic, Config, Monitoring};

/// Five minutes: the period of every alarm and graph.
const PERIOD: i64 = 300;

/// The metrics the alarms watch: the CloudWatch name (namespace `AmazonMWAA`) and the Airflow
/// StatsD metric MWAA publishes it from (MWAA user guide, access-metrics-cw, the counters and
/// gauges tables: `SchedulerHeartbeat` is `scheduler_heartbeat`, `QueuedTasks` / `RunningTasks`
/// are `executor.queued_tasks` / `executor.running_tasks`, `ImportErrors` is
/// `dag_processing.import_errors`). The same page covers Airflow v2 and v3 ("Apache Airflow v2
/// and v3 are already set up to collect and send StatsD metrics ... to Amazon CloudWatch"), with
/// the same namespace and dimensions, so the alarms are the same for 3.x. validate/warnings.rs
/// reads this table to warn when the Airflow options stop one of them.
pub(crate) const ALARMED_METRICS: &[(&str, &str)] = &[
    ("SchedulerHeartbeat", "scheduler_heartbeat"),
    ("QueuedTasks", "executor.queued_tasks"),
    ("RunningTasks", "executor.running_tasks"),
    ("ImportErrors", "dag_processing.import_errors"),
];

/// The ARN the alarms notify: the topic the stack creates, or the spec's.
pub(super) fn topic_arn(m: &Monitoring) -> Expr {
    match &m.topic {
        // `Ref` of an SNS topic is its ARN (AWS::SNS::Topic return values).
        AlarmTopic::Created { .. } => {
            Expr::Ref(Ref { id: "AlarmTopic".into(), kind: "sns_topic".into(), attr: Attr::Id })
        }
        AlarmTopic::Existing(arn) => super::inputs::given(arn),
    }
}

impl Builder {
    pub(super) fn monitoring(&mut self, config: &Config) {
        let Some(m) = &config.monitoring else { return };
        let env = self.env.clone();
        let topic = topic_arn(m);
        let alarms = alarms(&env, &topic);
        if let AlarmTopic::Created { emails } = &m.topic {
            self.alarm_topic(emails, &alarms, &topic);
        }
        for (id, a) in &alarms {
            let tags = self.tags_with_name(None);
            let alarm = self.add(id, Kind::Alarm(Box::new(a.clone())));
            alarm.tags = Some(tags);
            // Created once the environment is: MWAA takes 20-30 minutes or more to create one
            // (user guide, create-environment: "takes about twenty to thirty minutes"), and sends no
            // scheduler heartbeat meanwhile, so an alarm created first (missing data = breaching)
            // would page about 15 minutes into every first deploy. Every target gets it from here
            // (CloudFormation DependsOn, Terraform depends_on, CDK addDependency).
            alarm.depends_on = vec![super::mwaa::ENVIRONMENT_ID.to_owned()];
        }
        if m.dashboard {
            let body = dashboard(&env, &alarms);
            self.add("Dashboard", Kind::Dashboard { name: format!("mwaa-{env}"), body });
        }
    }

    /// The topic, its key, the policy that lets the alarms publish, and the email subscriptions.
    ///
    /// The topic has a key of its own. CloudWatch alarms can publish to an encrypted topic only if
    /// the key policy admits `cloudwatch.amazonaws.com` (SNS developer guide, sns-key-management.html,
    /// "Enabling compatibility between event sources from AWS services and encrypted topics"): the
    /// AWS managed `aws/sns` key's policy cannot be changed, so with it every notification would be
    /// dropped; and admitting CloudWatch to the environment's key would let it use the key of the
    /// bucket and logs too. This key encrypts nothing but the topic.
    fn alarm_topic(&mut self, emails: &[String], alarms: &[(String, AlarmSettings)], topic: &Expr) {
        let env = self.env.clone();
        // Only this environment's alarms, of this account (aws:SourceArn, aws:SourceAccount): the
        // confused-deputy conditions, which the requests of CloudWatch alarms carry both to SNS
        // (AWS knowledge center, cloudwatch-receive-sns-for-alarm-trigger; SNS developer guide,
        // "Example cases for Amazon SNS access control") and to KMS (AWS MDAA,
        // grantCloudWatchAlarmsTopicAccess).
        let only_these_alarms = Expr::Map(IndexMap::from([
            (
                "ArnLike".to_owned(),
                Expr::Map(IndexMap::from([(
                    "aws:SourceArn".to_owned(),
                    Expr::List(alarms.iter().map(|(_, a)| alarm_arn(&a.name)).collect()),
                )])),
            ),
            (
                "StringEquals".to_owned(),
                Expr::Map(IndexMap::from([("aws:SourceAccount".to_owned(), Expr::Pseudo(Pseudo::AccountId))])),
            ),
        ]));
        let key_policy = policy(vec![
            account_root_statement(),
            statement(
                "AllowCloudWatchAlarms",
                "Allow",
                Some(principal("Service", Expr::s("cloudwatch.amazonaws.com"))),
                // What the SNS developer guide's example key policy grants an AWS service that
                // publishes to an encrypted topic (sns-key-management.html, "Enabling compatibility
                // between event sources from AWS services and encrypted topics": `kms:Decrypt` and
                // `kms:GenerateDataKey*`). The wildcard also admits GenerateDataKeyPair* and
                // ...WithoutPlaintext, which yield nothing outside this key's own use: the key
                // encrypts only this topic, and the conditions keep it to this stack's alarms.
                Expr::strs(["kms:Decrypt", "kms:GenerateDataKey*"]),
                Some(("Resource", Expr::s("*"))),
                Some(only_these_alarms.clone()),
            ),
        ]);
        let tags = self.tags_with_name(None);
        let key = self.add(
            "AlarmTopicKey",
            Kind::KmsKey {
                description: format!("Encrypts the alarm topic of the Amazon MWAA environment {env}"),
                policy: key_policy,
            },
        );
        key.tags = Some(tags);
        let key_arn = key.attr(Attr::Arn);
        let key_id = key.attr(Attr::Id);
        self.add("AlarmTopicKeyAlias", Kind::KmsAlias { name: format!("alias/mwaa-{env}-alarms"), target: key_id });

        let tags = self.tags_with_name(None);
        self.add("AlarmTopic", Kind::SnsTopic { name: format!("mwaa-{env}-alarms"), kms_key: key_arn }).tags =
            Some(tags);
        // Only this environment's alarms may publish, and only over TLS.
        let doc = policy(vec![
            statement(
                "AllowEnvironmentAlarms",
                "Allow",
                Some(principal("Service", Expr::s("cloudwatch.amazonaws.com"))),
                Expr::strs(["sns:Publish"]),
                Some(("Resource", topic.clone())),
                Some(only_these_alarms),
            ),
            statement(
                "DenyInsecureTransport",
                "Deny",
                Some(principal_any()),
                Expr::strs(["sns:Publish"]),
                Some(("Resource", topic.clone())),
                Some(condition("Bool", "aws:SecureTransport", Expr::s("false"))),
            ),
        ]);
        self.add("AlarmTopicPolicy", Kind::SnsTopicPolicy { topic: topic.clone(), document: doc });
        for (i, email) in emails.iter().enumerate() {
            self.add(
                &format!("AlarmEmail{}", i + 1),
                Kind::SnsSubscription { topic: topic.clone(), protocol: "email".into(), endpoint: email.clone() },
            );
        }
    }
}

fn alarm_arn(name: &str) -> Expr {
    Expr::sub(&format!("arn:${{AWS::Partition}}:cloudwatch:${{AWS::Region}}:${{AWS::AccountId}}:alarm:{name}"))
}

fn metric(
    id: &str,
    namespace: &str,
    name: &str,
    function: &str,
    env: &str,
    stat: &str,
    return_data: bool,
) -> AlarmQuery {
    AlarmQuery {
        id: id.into(),
        metric: Some(MetricStat {
            namespace: namespace.into(),
            metric_name: name.into(),
            dimensions: IndexMap::from([
                ("Function".to_owned(), function.to_owned()),
                ("Environment".to_owned(), env.to_owned()),
            ]),
            period: PERIOD,
            stat: stat.into(),
        }),
        expression: None,
        label: None,
        return_data,
    }
}

/// The three alarms of spec-format.md, each with its logical id. How each treats missing data is
/// part of what it means:
/// - the scheduler's heartbeat: a scheduler that stops also stops sending the metric, so missing
///   data is `breaching`, and three quiet periods (15 minutes) fire the alarm;
/// - tasks queued while none run: an idle environment sends no executor metrics at all, which is
///   `notBreaching` (a dead scheduler is the heartbeat alarm's); a missing `RunningTasks` next to
///   queued tasks counts as none running (`FILL(..., 0)`), for three periods;
/// - DAG import errors: the gauge is sent while there are errors, so no data is `notBreaching`;
///   any error in a period fires it.
fn alarms(env: &str, topic: &Expr) -> Vec<(String, AlarmSettings)> {
    let alarm =
        |name: &str, description: String, queries, comparison: &str, threshold, periods, missing: &str| AlarmSettings {
            name: format!("mwaa-{env}-{name}"),
            description,
            queries,
            comparison_operator: comparison.into(),
            threshold,
            evaluation_periods: periods,
            datapoints_to_alarm: periods,
            treat_missing_data: missing.into(),
            actions: vec![topic.clone()],
        };
    vec![
        (
            "SchedulerHeartbeatAlarm".to_owned(),
            alarm(
                "scheduler-heartbeat",
                format!("No scheduler heartbeat of the Amazon MWAA environment {env} for 15 minutes: no task is scheduled"),
                vec![metric("heartbeat", "AmazonMWAA", "SchedulerHeartbeat", "Scheduler", env, "Sum", true)],
                "LessThanThreshold",
                1,
                3,
                "breaching",
            ),
        ),
        (
            "QueuedTasksAlarm".to_owned(),
            alarm(
                "tasks-stuck-queued",
                format!("Tasks of the Amazon MWAA environment {env} stay queued while none run, for 15 minutes: workers do not pick them up"),
                vec![
                    metric("queued", "AmazonMWAA", "QueuedTasks", "Executor", env, "Maximum", false),
                    metric("running", "AmazonMWAA", "RunningTasks", "Executor", env, "Maximum", false),
                    AlarmQuery {
                        id: "stuck".into(),
                        metric: None,
                        expression: Some("IF(FILL(queued, 0) > 0 AND FILL(running, 0) == 0, 1, 0)".into()),
                        label: Some("Tasks queued while none run".into()),
                        return_data: true,
                    },
                ],
                "GreaterThanOrEqualToThreshold",
                1,
                3,
                "notBreaching",
            ),
        ),
        (
            "DagImportErrorsAlarm".to_owned(),
            alarm(
                "dag-import-errors",
                format!("DAG files of the Amazon MWAA environment {env} fail to import: their DAGs are missing from Airflow"),
                vec![metric("errors", "AmazonMWAA", "ImportErrors", "DAG Processing", env, "Maximum", true)],
                "GreaterThanThreshold",
                0,
                1,
                "notBreaching",
            ),
        ),
    ]
}

/// The dashboard's body (CloudWatch dashboard body structure): the alarms, then the schedulers,
/// workers, queues, DAG processing and database of the environment.
fn dashboard(env: &str, alarms: &[(String, AlarmSettings)]) -> Expr {
    let s = |v: &str| Expr::s(v);
    let metric = |ns: &str, name: &str, dims: &[(&str, &str)]| {
        let mut v = vec![s(ns), s(name)];
        for (k, val) in dims {
            v.push(s(k));
            v.push(s(val));
        }
        v.push(s("Environment"));
        v.push(s(env));
        Expr::List(v)
    };
    // Database metrics: the user guide names them but not their dimensions, so a search finds
    // every series of the environment (CloudWatch search expression syntax).
    let search = |id: &str, name: &str, stat: &str| {
        Expr::List(vec![Expr::Map(IndexMap::from([
            (
                "expression".to_owned(),
                Expr::s(format!(
                    "SEARCH('Namespace=\"AWS/MWAA\" Environment=\"{env}\" MetricName=\"{name}\"', '{stat}', {PERIOD})"
                )),
            ),
            ("id".to_owned(), s(id)),
        ]))])
    };
    let mut widgets = Vec::new();
    // (x, y) in the dashboard's grid of 24 columns.
    let mut widget =
        |kind: &str, (x, y): (i64, i64), (width, height): (i64, i64), properties: IndexMap<String, Expr>| {
            widgets.push(Expr::Map(IndexMap::from([
                ("type".to_owned(), s(kind)),
                ("x".to_owned(), Expr::Int(x)),
                ("y".to_owned(), Expr::Int(y)),
                ("width".to_owned(), Expr::Int(width)),
                ("height".to_owned(), Expr::Int(height)),
                ("properties".to_owned(), Expr::Map(properties)),
            ])));
        };
    let graph = |title: &str, stat: &str, metrics: Vec<Expr>| {
        IndexMap::from([
            ("title".to_owned(), s(title)),
            ("region".to_owned(), Expr::Pseudo(Pseudo::Region)),
            ("view".to_owned(), s("timeSeries")),
            ("stat".to_owned(), s(stat)),
            ("period".to_owned(), Expr::Int(PERIOD)),
            ("metrics".to_owned(), Expr::List(metrics)),
        ])
    };
    widget(
        "alarm",
        (0, 0),
        (24, 3),
        IndexMap::from([
            ("title".to_owned(), s(&format!("Alarms of the Amazon MWAA environment {env}"))),
            ("alarms".to_owned(), Expr::List(alarms.iter().map(|(_, a)| alarm_arn(&a.name)).collect())),
        ]),
    );
    let cluster = |c: &str| {
        vec![
            metric("AWS/MWAA", "CPUUtilization", &[("Cluster", c)]),
            metric("AWS/MWAA", "MemoryUtilization", &[("Cluster", c)]),
        ]
    };
    widget(
        "metric",
        (0, 3),
        (12, 6),
        graph(
            "Scheduler heartbeat",
            "Sum",
            vec![metric("AmazonMWAA", "SchedulerHeartbeat", &[("Function", "Scheduler")])],
        ),
    );
    widget("metric", (12, 3), (12, 6), graph("Scheduler CPU and memory (%)", "Maximum", cluster("Scheduler")));
    let mut workers = cluster("BaseWorker");
    workers.extend(cluster("AdditionalWorker"));
    widget("metric", (0, 9), (12, 6), graph("Worker CPU and memory (%)", "Maximum", workers));
    widget(
        "metric",
        (12, 9),
        (12, 6),
        graph(
            "Queued and running tasks",
            "Maximum",
            vec![
                metric("AmazonMWAA", "QueuedTasks", &[("Function", "Executor")]),
                metric("AmazonMWAA", "RunningTasks", &[("Function", "Executor")]),
            ],
        ),
    );
    widget(
        "metric",
        (0, 15),
        (12, 6),
        graph(
            "DAG processing: import errors, DAGs, parse time (s)",
            "Maximum",
            vec![
                metric("AmazonMWAA", "ImportErrors", &[("Function", "DAG Processing")]),
                metric("AmazonMWAA", "DagBagSize", &[("Function", "DAG Processing")]),
                metric("AmazonMWAA", "TotalParseTime", &[("Function", "DAG Processing")]),
            ],
        ),
    );
    widget(
        "metric",
        (12, 15),
        (12, 6),
        graph(
            "Metadata database: connections and freeable memory",
            "Maximum",
            vec![
                search("connections", "DatabaseConnections", "Maximum"),
                search("memory", "FreeableMemory", "Minimum"),
            ],
        ),
    );
    Expr::Map(IndexMap::from([("widgets".to_owned(), Expr::List(widgets))]))
}
