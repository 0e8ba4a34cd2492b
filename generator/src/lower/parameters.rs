//! Values that CI passes in at deploy time without editing the spec: the object versions of
//! plugins.zip, requirements.txt and the startup script (spec-format.md, "Artifact versions without
//! editing the spec"). One parameter per S3 path the spec sets, defaulting to the spec's
//! `*_object_version`; an empty value leaves the environment's property unset.

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
    s3_keys(e).into_iter().flatten().map(|k| k.parameter).collect()
}

/// The environment's S3 keys (plugins, requirements, startup script), each with its parameter.
pub(super) fn s3_keys(e: &Environment) -> [Option<S3Key>; 3] {
    objects(e).map(|((id, what), o)| {
        o.as_ref().map(|o| {
            let var = camel_case(&snake_case(id));
            let parameter = Parameter {
                id: id.to_owned(),
                tf_name: snake_case(id),
                var_name: format!("{var}Parameter"),
                condition: format!("Has{id}"),
                condition_var: format!("has{id}"),
                description: format!(
                    "S3 object version of {what} ({}) that the environment loads; empty: not set",
                    o.path
                ),
                default: o.version.clone(),
            };
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
    fn one_parameter_per_path_with_the_spec_version_as_default() {
        let ir = ir("version = 1\n[environment]\nname = \"e\"\nplugins_s3_path = \"p.zip\"\n\
                     plugins_s3_object_version = \"v1\"\nstartup_script_s3_path = \"s.sh\"\n");
        let got: Vec<(&str, &str, Option<&str>)> =
            ir.parameters.iter().map(|p| (p.id.as_str(), p.tf_name.as_str(), p.default.as_deref())).collect();
        assert_eq!(
            got,
            [
                ("PluginsS3ObjectVersion", "plugins_s3_object_version", Some("v1")),
                ("StartupScriptS3ObjectVersion", "startup_script_s3_object_version", None)
            ]
        );
        assert!(ir.parameters.iter().all(|p| p.condition == format!("Has{}", p.id)));
    }

    #[test]
    fn no_path_no_parameter() {
        assert!(ir("version = 1\n[environment]\nname = \"e\"\n").parameters.is_empty());
    }
}
