//! The Airflow versions Amazon MWAA offers, as data: one table that validation, the default spec,
//! `mwaagen schema` and the botocore check in CI all read.
//!
//! Source: the MWAA API model in botocore 1.44.8 (`mwaa/2020-07-01/service-2.json`), the
//! documentation of `CreateEnvironmentInput.AirflowVersion`: "Valid values: 2.7.2, 2.8.1, 2.9.2,
//! 2.10.1, 2.10.3, 2.11.0, and 3.0.6." (`scripts/check-botocore.py` fails CI when that list and
//! [`OFFERED`] differ.) The versions MWAA no longer creates come from the same user guide page the
//! model links to (airflow-versions.html, "Apache Airflow version support and FAQ") and from the
//! earlier model releases that listed them.

/// The Airflow versions MWAA offers for NEW environments, oldest first; the last is the default.
pub const OFFERED: &[&str] = &["2.7.2", "2.8.1", "2.9.2", "2.10.1", "2.10.3", "2.11.0", "3.0.6"];

/// Versions MWAA ran once and creates no more (past end of support): named in the error, so that
/// a spec written for them is told why instead of "unknown version".
pub const RETIRED: &[&str] = &["1.10.12", "2.0.2", "2.2.2", "2.4.3", "2.5.1", "2.6.3"];

/// The version a spec gets when it names none: the newest MWAA offers (CreateEnvironmentInput.
/// AirflowVersion: "If no value is specified, it defaults to the latest version").
#[must_use]
pub fn default_version() -> &'static str {
    OFFERED.last().copied().unwrap_or("3.0.6")
}

/// A spec setting that MWAA accepts only from some Airflow version on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Feature {
    /// The spec field and value, as the error names it.
    pub what: &'static str,
    /// The oldest Airflow version that has it, as `[major, minor, patch]`.
    pub since: [u32; 3],
    /// Where AWS says so.
    pub source: &'static str,
}

/// Every version-bound setting the MWAA API model documents. The model states one: the other
/// members' documentation names no Airflow version (Schedulers' "v1 - Accepts 1" concerns
/// Airflow 1, which MWAA no longer offers at all).
pub const FEATURES: &[Feature] = &[Feature {
    what: "webserver_access_mode = \"PUBLIC_AND_PRIVATE\"",
    since: [3, 2, 0],
    source: "MWAA API, CreateEnvironmentInput.WebserverAccessMode: \"only available for Apache Airflow version 3.2 and later\"",
}];

/// The feature entry for `PUBLIC_AND_PRIVATE`.
#[must_use]
pub fn public_and_private() -> Option<&'static Feature> {
    FEATURES.iter().find(|f| f.what.contains("PUBLIC_AND_PRIVATE"))
}

/// `"2.10.3"` as `[2, 10, 3]`; `None` when it is not three dot-separated numbers.
#[must_use]
pub fn parse(version: &str) -> Option<[u32; 3]> {
    let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
    let v = [parts.next()??, parts.next()??, parts.next()??];
    parts.next().is_none().then_some(v)
}

/// Whether `version` has `feature`.
#[must_use]
pub fn has(version: &str, feature: &Feature) -> bool {
    parse(version).is_some_and(|v| v >= feature.since)
}

/// The offered versions that have `feature`, oldest first (empty while MWAA offers none).
#[must_use]
pub fn offering(feature: &Feature) -> Vec<&'static str> {
    OFFERED.iter().copied().filter(|v| has(v, feature)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_ordered_and_disjoint() {
        let parsed: Vec<[u32; 3]> = OFFERED.iter().filter_map(|v| parse(v)).collect();
        assert_eq!(parsed.len(), OFFERED.len(), "every offered version parses");
        assert!(parsed.windows(2).all(|w| w[0] < w[1]), "OFFERED is oldest first");
        assert!(RETIRED.iter().all(|r| !OFFERED.contains(r)));
        assert!(RETIRED.iter().all(|r| parse(r).is_some()));
        assert_eq!(default_version(), "3.0.6");
    }

    #[test]
    fn features_compare_numerically() {
        let f = public_and_private().copied().unwrap_or(FEATURES[0]);
        assert!(!has("3.0.6", &f) && !has("2.11.0", &f));
        assert!(has("3.2.0", &f) && has("3.10.0", &f) && has("4.0.0", &f));
        assert!(!has("3.1.9", &f) && !has("x", &f));
        assert!(offering(&f).iter().all(|v| has(v, &f)));
        assert_eq!(parse("2.10.3"), Some([2, 10, 3]));
        assert_eq!(parse("2.10"), None);
        assert_eq!(parse("2.10.3.1"), None);
    }
}
