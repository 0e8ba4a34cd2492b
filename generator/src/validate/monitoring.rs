//! `[monitoring]`: alarms and a dashboard.

use super::{span, val, Validator};
use crate::diagnostics::quote;
use crate::model::{AlarmTopic, Monitoring};
use crate::spec::RawSpec;

impl Validator {
    pub(super) fn monitoring(&mut self, raw: &RawSpec) -> Option<Monitoring> {
        let m = raw.monitoring.as_ref()?.get_ref();
        let emails: Vec<String> = m
            .alarm_emails
            .as_ref()
            .map(|l| l.get_ref().iter().map(|e| e.get_ref().clone()).collect())
            .unwrap_or_default();
        if let Some(list) = &m.alarm_emails {
            for (i, e) in list.get_ref().iter().enumerate() {
                let ok = e.get_ref().split_once('@').is_some_and(|(user, domain)| {
                    !user.is_empty() && domain.contains('.') && !e.get_ref().chars().any(char::is_whitespace)
                });
                if !ok {
                    self.err(
                        &format!("monitoring.alarm_emails[{i}]"),
                        span(e),
                        format!("{} is not an email address", quote(e.get_ref())),
                        "write an address like \"oncall@example.com\"",
                    );
                }
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
                let ok = t.get_ref().strip_prefix("arn:").and_then(|r| r.split_once(":sns:")).is_some();
                if !ok {
                    self.err(
                        "monitoring.sns_topic_arn",
                        span(t),
                        format!("{} is not an SNS topic ARN", quote(t.get_ref())),
                        "write arn:aws:sns:REGION:ACCOUNT-ID:TOPIC-NAME",
                    );
                }
                AlarmTopic::Existing(t.get_ref().clone())
            }
            None => AlarmTopic::Created { emails },
        };
        Some(Monitoring { topic, dashboard: val(&m.dashboard).copied().unwrap_or(true) })
    }
}
