//! `[monitoring]`: alarms and a dashboard. The alarms notify an SNS topic: one the stack
//! creates with email subscriptions, or an existing one.

use super::aws::{is_email, sns_topic_arn_problem};
use super::{span, val, Validator};
use crate::diagnostics::quote;
use crate::model::{AlarmTopic, InputKind, Monitoring};
use crate::spec::RawSpec;

impl Validator {
    pub(super) fn monitoring(&mut self, raw: &RawSpec) -> Option<Monitoring> {
        let m_s = raw.monitoring.as_ref()?;
        let m = m_s.get_ref();
        let mut emails: Vec<String> = Vec::new();
        if let Some(list) = &m.alarm_emails {
            for (i, e) in list.get_ref().iter().enumerate() {
                let field = format!("monitoring.alarm_emails[{i}]");
                if !is_email(e.get_ref()) {
                    self.err(
                        &field,
                        span(e),
                        format!("{} is not an email address", quote(e.get_ref())),
                        "write an address like \"oncall@example.com\": a local part of letters, digits and !#$%&'*+-/=?^_`{|}~ \
                         (dots between them), '@' and a domain name (RFC 5321 and 5322; SNS email subscriptions)",
                    );
                } else if emails.iter().any(|x| x.eq_ignore_ascii_case(e.get_ref())) {
                    self.err(&field, span(e), format!("\"{}\" is listed twice", e.get_ref()), "list each address once");
                }
                emails.push(e.get_ref().clone());
            }
        }
        let topic = match &m.sns_topic_arn {
            Some(t) => {
                if let Some(l) = m.alarm_emails.as_ref().filter(|l| !l.get_ref().is_empty()) {
                    self.err(
                        "monitoring.alarm_emails",
                        span(l),
                        "`alarm_emails` cannot be combined with `sns_topic_arn`",
                        "subscribe the addresses to the existing topic instead, or remove sns_topic_arn to let mwaagen create one",
                    );
                }
                AlarmTopic::Existing(self.given(t, InputKind::TopicArn, |v, t| {
                    if let Some(problem) = sns_topic_arn_problem(t.get_ref()) {
                        v.err(
                            "monitoring.sns_topic_arn",
                            span(t),
                            format!("{} is not an SNS topic ARN", quote(t.get_ref())),
                            format!(
                                "{problem}; write arn:aws:sns:REGION:ACCOUNT-ID:TOPIC-NAME (SNS API, CreateTopicInput.Name)"
                            ),
                        );
                    }
                    t.get_ref().clone()
                }))
            }
            None => {
                if emails.is_empty() {
                    // A topic with no subscriptions: the alarms fire and reach nobody.
                    let at = m.alarm_emails.as_ref().and_then(span).or_else(|| span(m_s));
                    self.warn(
                        "monitoring.alarm_emails",
                        at,
                        "the alarms notify nobody: neither alarm_emails nor sns_topic_arn is set",
                        "list addresses in alarm_emails (each must confirm the subscription email SNS sends), or give \
                         sns_topic_arn of a topic that reaches someone; without either, the stack creates a topic with no \
                         subscriptions",
                    );
                }
                AlarmTopic::Created { emails }
            }
        };
        Some(Monitoring { topic, dashboard: val(&m.dashboard).copied().unwrap_or(true) })
    }
}
