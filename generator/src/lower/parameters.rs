//! Values that CI passes in at deploy time without editing the spec: the object versions of
//! plugins.zip, requirements.txt and the startup script (spec-format.md, "Artifact versions without
//! editing the spec"). One parameter per S3 path the spec sets without an `*_object_version`,
//! empty by default (an empty value leaves the environment's property unset). A version the spec
//! pins is the property's value in every target, not a parameter's default: `aws cloudformation
//! deploy` and `cdk deploy` reuse a parameter's previous value unless it is passed, so an edited
//! default would not reach a deployed stack (docs/operations.md, section 5).

use crate::ir::{camel_case, snake_case, Parameter, S3Key};
use crate::model::{Environment, S3Object};

/// The three objects that take a version: (parameter id, what it is), in the MWAA API's order.
const VERSIONED: [(&str, &str); 3] = [
    ("PluginsS3ObjectVersion", "plugins.zip"),
    ("RequirementsS3ObjectVersion", "requirements.txt"),
    ("StartupScriptS3ObjectVersion", "the startup script"),
];

/// The parameters of an environment, one per S3 path it sets.
pub(super) fn parameters(e: &Environment) -> Vec<Parameter> {
    s3_keys(e).into_iter().flatten().filter_map(|k| k.parameter).collect()
}

/// The environment's S3 keys (plugins, requirements, startup script), each with its parameter.
pub(super) fn s3_keys(e: &Environment) -> [Option<S3Key>; 3] {
    objects(e).map(|((id, what), o)| {
        o.as_ref().map(|o| {
            let var = camel_case(&snake_case(id));
            let parameter = o.version.is_none().then(|| Parameter {
                id: id.to_owned(),
                tf_name: snake_case(id),
                var_name: format!("{var}Parameter"),
                condition: format!("Has{id}"),
                condition_var: format!("has{id}"),
                description: format!(
                    "S3 object version of {what} ({}) that the environment loads; empty: not set",
                    o.path
                ),
                default: None,
            });
            S3Key { path: o.path.clone(), version: o.version.clone(), parameter }
        })
    })
}

fn objects(e: &Environment) -> [((&'static str, &'static str), &Option<S3Object>); 3] {
    [(VERSIONED[0], &e.plugins), (VERSIONED[1], &e.requirements), (VERSIONED[2], &e.startup_script)]
}

#[cfg(test)]
mod tests {
    use crate::ir_of as ir;

    #[test]
    fn a_pinned_version_is_the_value_and_only_an_unpinned_path_has_a_parameter() {
        let ir = ir("version = 1\n[environment]\nname = \"e\"\nplugins_s3_path = \"p.zip\"\n\
                     plugins_s3_object_version = \"v1\"\nstartup_script_s3_path = \"s.sh\"\n");
        let got: Vec<(&str, &str, Option<&str>)> =
            ir.parameters.iter().map(|p| (p.id.as_str(), p.tf_name.as_str(), p.default.as_deref())).collect();
        assert_eq!(got, [("StartupScriptS3ObjectVersion", "startup_script_s3_object_version", None)]);
        assert!(ir.parameters.iter().all(|p| p.condition == format!("Has{}", p.id)));
        let env = ir.resources.iter().find_map(|r| match &r.kind {
            crate::ir::Kind::MwaaEnvironment(s) => Some(s.clone()),
            _ => None,
        });
        let env = env.unwrap_or_else(|| panic!("no environment"));
        let plugins = env.plugins.unwrap_or_else(|| panic!("no plugins"));
        assert_eq!((plugins.version.as_deref(), plugins.parameter), (Some("v1"), None));
        let script = env.startup_script.unwrap_or_else(|| panic!("no startup script"));
        assert_eq!(script.version, None);
        assert_eq!(script.parameter.map(|p| p.id), Some("StartupScriptS3ObjectVersion".to_owned()));
    }

    #[test]
    fn no_path_no_parameter() {
        assert!(ir("version = 1\n[environment]\nname = \"e\"\n").parameters.is_empty());
    }
}
