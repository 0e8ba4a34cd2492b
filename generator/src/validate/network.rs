//! `[network]`, `[network.security_group]` and `[network.acl]`: a created or an existing VPC.

use std::ops::Range;

use ipnet::Ipv4Net;

use super::aws::{bucket_arn_name, is_az};
use super::{count, span, val, Validator};
use crate::diagnostics::quote;
use crate::model::{Ingress, NatGateways, Network, Output, Routing, SecurityGroup};
use crate::rules::{
    ec2_id_is_issued, CIDR_PREFIX, EC2_SECURITY_GROUP_ID, EC2_SUBNET_ID, EC2_VPC_ID, SECURITY_GROUP_ID,
    SECURITY_GROUP_LIST, SUBNET_ID, SUBNET_LIST,
};
use crate::spec::{RawNetwork, RawSpec, S};

use crate::model::{
    DEFAULT_PRIVATE_SUBNET_CIDRS as DEFAULT_PRIVATE, DEFAULT_PUBLIC_SUBNET_CIDRS as DEFAULT_PUBLIC,
    DEFAULT_VPC_CIDR as DEFAULT_VPC,
};

fn parse_net(s: &str) -> Option<Ipv4Net> {
    s.parse().ok()
}

impl Validator {
    /// A warning for an EC2 id of a length EC2 does not give out (8 or 17 hexadecimal digits,
    /// EC2 user guide, resource-ids.html): a placeholder left in the spec, or a typo.
    fn ec2_id_length(&mut self, field: &str, id: &S<String>, what: &str) {
        if !ec2_id_is_issued(id.get_ref()) {
            self.warn(
                field,
                span(id),
                format!("{} is not the id of any {what}: EC2 ids have 8 or 17 hexadecimal digits", quote(id.get_ref())),
                "copy the id from the console or `aws ec2 describe-*`; the deployment fails on an id that does not exist",
            );
        }
    }

    pub(super) fn network(&mut self, raw: &RawSpec, output: &Output) -> (Network, bool) {
        let default = RawNetwork::default();
        let net = raw.network.as_ref().map_or(&default, |n| n.get_ref());
        let acl_o = net.acl.as_ref().and_then(|a| a.get_ref().enabled.as_ref());
        let acl = acl_o.is_some_and(|a| *a.get_ref());
        if net.existing_vpc_id.is_some() || net.existing_private_subnet_ids.is_some() {
            let created: [(&str, Option<Range<usize>>); 8] = [
                ("routing", net.routing.as_ref().and_then(span)),
                ("vpc_cidr", net.vpc_cidr.as_ref().and_then(span)),
                ("public_subnet_cidrs", net.public_subnet_cidrs.as_ref().and_then(span)),
                ("private_subnet_cidrs", net.private_subnet_cidrs.as_ref().and_then(span)),
                ("availability_zones", net.availability_zones.as_ref().and_then(span)),
                ("nat_gateways", net.nat_gateways.as_ref().and_then(span)),
                ("flow_logs", net.flow_logs.as_ref().and_then(span)),
                ("s3_endpoint_bucket_arns", net.s3_endpoint_bucket_arns.as_ref().and_then(span)),
            ];
            for (key, s) in created {
                if s.is_some() {
                    self.err(
                        &format!("network.{key}"),
                        s,
                        format!("`{key}` cannot be combined with an existing network"),
                        "with existing_vpc_id and existing_private_subnet_ids mwaagen creates no network: remove one or the other",
                    );
                }
            }
            if acl {
                self.err(
                    "network.acl.enabled",
                    acl_o.and_then(span),
                    "a network ACL needs subnets that mwaagen creates",
                    "with an existing network, manage its network ACLs where the network is defined, or remove this",
                );
            }
            let vpc_id = match &net.existing_vpc_id {
                None => {
                    self.err(
                        "network.existing_vpc_id",
                        net.existing_private_subnet_ids.as_ref().and_then(span),
                        "existing_private_subnet_ids is set but existing_vpc_id is not",
                        "add `existing_vpc_id = \"vpc-...\"`, the VPC the subnets belong to",
                    );
                    String::new()
                }
                Some(id) => {
                    if !EC2_VPC_ID.matches(id.get_ref()) {
                        self.err(
                            "network.existing_vpc_id",
                            span(id),
                            format!("{} is not a VPC id", quote(id.get_ref())),
                            format!(
                                "write vpc- followed by 17 (or, for older VPCs, 8) lowercase hexadecimal digits, e.g. \
                                 \"vpc-0a1b2c3d4e5f67890\" ({})",
                                EC2_VPC_ID.source
                            ),
                        );
                    } else {
                        self.ec2_id_length("network.existing_vpc_id", id, "VPC");
                    }
                    id.get_ref().clone()
                }
            };
            let subnets = match &net.existing_private_subnet_ids {
                None => {
                    self.err(
                        "network.existing_private_subnet_ids",
                        net.existing_vpc_id.as_ref().and_then(span),
                        "existing_vpc_id is set but existing_private_subnet_ids is not",
                        "add two private subnet ids in different AZs, e.g. [\"subnet-0a\", \"subnet-0b\"]",
                    );
                    [String::new(), String::new()]
                }
                Some(list) => self.existing_subnets(list),
            };
            return (Network::Existing { vpc_id, private_subnet_ids: subnets }, false);
        }

        let routing = match self.choice("network.routing", &net.routing, &["public", "private"], "public").as_str() {
            "private" => Routing::Private,
            _ => Routing::Public,
        };
        let vpc_cidr = match &net.vpc_cidr {
            None => parse_net(DEFAULT_VPC),
            Some(c) => self.cidr("network.vpc_cidr", c),
        };
        let mut all: Vec<(String, Ipv4Net, Option<Range<usize>>)> = Vec::new();
        let mut public = Vec::new();
        if routing == Routing::Private {
            for (key, o) in [
                ("public_subnet_cidrs", net.public_subnet_cidrs.as_ref().and_then(span)),
                ("nat_gateways", net.nat_gateways.as_ref().and_then(span)),
            ] {
                if o.is_some() {
                    self.err(
                        &format!("network.{key}"),
                        o,
                        format!("`{key}` cannot be used with routing = \"private\""),
                        "private routing has no public subnets and no NAT gateways: remove it, or use routing = \"public\"",
                    );
                }
            }
        } else {
            public =
                self.subnet_list("public_subnet_cidrs", net.public_subnet_cidrs.as_ref(), &DEFAULT_PUBLIC, &mut all);
        }
        let private =
            self.subnet_list("private_subnet_cidrs", net.private_subnet_cidrs.as_ref(), &DEFAULT_PRIVATE, &mut all);
        if let Some(vpc) = vpc_cidr {
            self.check_subnets(vpc, &all, net.vpc_cidr.as_ref().and_then(span));
        }
        let availability_zones = net.availability_zones.as_ref().and_then(|azs| self.azs(azs, output));
        let nat_gateways = match self
            .choice("network.nat_gateways", &net.nat_gateways, &["one_per_az", "single"], "one_per_az")
            .as_str()
        {
            "single" => NatGateways::Single,
            _ => NatGateways::OnePerAz,
        };
        let flow_logs = val(&net.flow_logs).copied().unwrap_or(true);
        let mut s3_endpoint_bucket_arns = Vec::new();
        if let Some(list) = &net.s3_endpoint_bucket_arns {
            if routing == Routing::Public && !list.get_ref().is_empty() {
                self.err(
                    "network.s3_endpoint_bucket_arns",
                    span(list),
                    "`s3_endpoint_bucket_arns` only applies to routing = \"private\"",
                    "public routing has no S3 gateway endpoint: the NAT gateways reach every bucket; remove this",
                );
            }
            for (i, a) in list.get_ref().iter().enumerate() {
                let field = format!("network.s3_endpoint_bucket_arns[{i}]");
                if let Err(help) = bucket_arn_name(a.get_ref(), false) {
                    self.err(&field, span(a), format!("{} is not an S3 bucket ARN", quote(a.get_ref())), help);
                } else if s3_endpoint_bucket_arns.contains(a.get_ref()) {
                    self.err(&field, span(a), format!("\"{}\" is listed twice", a.get_ref()), "list each bucket once");
                }
                s3_endpoint_bucket_arns.push(a.get_ref().clone());
            }
        }
        (
            Network::Created {
                routing,
                vpc_cidr: vpc_cidr.unwrap_or_else(|| parse_net(DEFAULT_VPC).unwrap_or_default()),
                public_subnet_cidrs: public,
                private_subnet_cidrs: private,
                availability_zones,
                nat_gateways,
                flow_logs,
                s3_endpoint_bucket_arns,
            },
            acl,
        )
    }

    fn existing_subnets(&mut self, list: &S<Vec<S<String>>>) -> [String; 2] {
        let ids = list.get_ref();
        if !(SUBNET_LIST.min..=SUBNET_LIST.max).contains(&ids.len()) {
            self.err(
                "network.existing_private_subnet_ids",
                span(list),
                format!("has {}; MWAA needs exactly 2", count(ids.len(), "subnet id", "subnet ids")),
                format!("give two private subnets in different availability zones ({})", SUBNET_LIST.source),
            );
        }
        for (i, id) in ids.iter().enumerate() {
            // MWAA's SubnetId pattern is looser than the ids EC2 gives out; both must hold.
            if !(SUBNET_ID.matches(id.get_ref()) && EC2_SUBNET_ID.matches(id.get_ref())) {
                self.err(
                    &format!("network.existing_private_subnet_ids[{i}]"),
                    span(id),
                    format!("{} is not a subnet id", quote(id.get_ref())),
                    format!(
                        "write subnet- followed by 17 (or 8) lowercase hexadecimal digits, e.g. \"subnet-0a1b2c3d4e5f67890\" \
                         ({}; {})",
                        EC2_SUBNET_ID.source, SUBNET_ID.source
                    ),
                );
            } else {
                self.ec2_id_length(&format!("network.existing_private_subnet_ids[{i}]"), id, "subnet");
            }
        }
        if ids.len() == 2 && ids[0].get_ref() == ids[1].get_ref() {
            self.err(
                "network.existing_private_subnet_ids[1]",
                span(&ids[1]),
                "the same subnet is listed twice",
                "MWAA needs two different subnets in different availability zones",
            );
        }
        let get = |i: usize| ids.get(i).map(|s| s.get_ref().clone()).unwrap_or_default();
        [get(0), get(1)]
    }

    /// An IPv4 block a VPC or subnet can have: no host bits, a prefix of /16 to /28.
    fn cidr(&mut self, field: &str, c: &S<String>) -> Option<Ipv4Net> {
        let (min_prefix, max_prefix) = (CIDR_PREFIX.min, CIDR_PREFIX.max);
        let text = c.get_ref();
        let Ok(net) = text.parse::<Ipv4Net>() else {
            self.err(
                field,
                span(c),
                format!("{} is not an IPv4 CIDR block", quote(text)),
                "write an address and a prefix length, e.g. \"10.192.0.0/16\"",
            );
            return None;
        };
        if net.network() != net.addr() {
            self.err(
                field,
                span(c),
                format!("\"{text}\" has host bits set"),
                format!("did you mean \"{}\"?", net.trunc()),
            );
            return None;
        }
        if !(min_prefix..=max_prefix).contains(&i64::from(net.prefix_len())) {
            self.err(
                field,
                span(c),
                format!("prefix /{} is out of range", net.prefix_len()),
                format!("use a prefix length from /{min_prefix} to /{max_prefix} ({})", CIDR_PREFIX.source),
            );
            return None;
        }
        Some(net)
    }

    fn subnet_list(
        &mut self,
        key: &str,
        list: Option<&S<Vec<S<String>>>>,
        defaults: &[&str; 2],
        all: &mut Vec<(String, Ipv4Net, Option<Range<usize>>)>,
    ) -> Vec<Ipv4Net> {
        let mut out = Vec::new();
        match list {
            None => {
                for (i, d) in defaults.iter().enumerate() {
                    if let Some(n) = parse_net(d) {
                        all.push((format!("the default network.{key}[{i}]"), n, None));
                        out.push(n);
                    }
                }
            }
            Some(l) => {
                if l.get_ref().len() != 2 {
                    self.err(
                        &format!("network.{key}"),
                        span(l),
                        format!(
                            "has {}; exactly 2 are needed (one per availability zone)",
                            count(l.get_ref().len(), "CIDR block", "CIDR blocks")
                        ),
                        format!("give two blocks, e.g. [\"{}\", \"{}\"]", defaults[0], defaults[1]),
                    );
                }
                for (i, c) in l.get_ref().iter().enumerate() {
                    let field = format!("network.{key}[{i}]");
                    if let Some(n) = self.cidr(&field, c) {
                        all.push((field, n, span(c)));
                        out.push(n);
                    }
                }
            }
        }
        out
    }

    fn check_subnets(
        &mut self,
        vpc: Ipv4Net,
        all: &[(String, Ipv4Net, Option<Range<usize>>)],
        vpc_span: Option<Range<usize>>,
    ) {
        let outside: Vec<&(String, Ipv4Net, Option<Range<usize>>)> =
            all.iter().filter(|(_, net, s)| s.is_none() && !vpc.contains(net)).collect();
        if !outside.is_empty() {
            let nets: Vec<String> = outside.iter().map(|(_, net, _)| net.to_string()).collect();
            let keys: Vec<&str> = ["public_subnet_cidrs", "private_subnet_cidrs"]
                .into_iter()
                .filter(|k| outside.iter().any(|(field, _, _)| field.contains(k)))
                .collect();
            self.err(
                "network.vpc_cidr",
                vpc_span,
                format!("the default subnets {} are not inside vpc_cidr {vpc}", nets.join(", ")),
                format!("set {} to blocks inside {vpc} as well", keys.join(" and ")),
            );
        }
        for (i, (field, net, s)) in all.iter().enumerate() {
            if s.is_some() && !vpc.contains(net) {
                self.err(
                    field,
                    s.clone(),
                    format!("subnet {net} is not inside vpc_cidr {vpc}"),
                    format!("choose a block inside {vpc}"),
                );
            }
            for (other_field, other, other_span) in &all[..i] {
                if net.contains(other) || other.contains(net) {
                    // Blame a block the user wrote: a default one has no place in the file.
                    let (f, sp, n, o, of) = if s.is_some() || other_span.is_none() {
                        (field, s, net, other, other_field)
                    } else {
                        (other_field, other_span, other, net, field)
                    };
                    self.err(
                        f,
                        sp.clone(),
                        format!("subnet {n} overlaps {of} ({o})"),
                        "subnets must not overlap; choose another block",
                    );
                }
            }
        }
    }

    fn azs(&mut self, azs: &S<Vec<S<String>>>, output: &Output) -> Option<[String; 2]> {
        let list = azs.get_ref();
        let mut ok = true;
        if list.len() != 2 {
            self.err(
                "network.availability_zones",
                span(azs),
                format!("has {}; exactly 2 are needed", count(list.len(), "entry", "entries")),
                "give two availability zones of the region, e.g. [\"us-east-1a\", \"us-east-1b\"], or leave it out",
            );
            ok = false;
        }
        for (i, az) in list.iter().enumerate() {
            let name = az.get_ref();
            let field = format!("network.availability_zones[{i}]");
            if !is_az(name) {
                self.err(
                    &field,
                    span(az),
                    format!("{} is not an availability zone name", quote(name)),
                    "write a name like \"us-east-1a\"",
                );
                ok = false;
            } else if let Some(region) = &output.region {
                if !name.starts_with(region.as_str()) {
                    self.err(
                        &field,
                        span(az),
                        format!("\"{name}\" is not in output.region \"{region}\""),
                        format!("use zones of {region}, e.g. \"{region}a\""),
                    );
                    ok = false;
                }
            }
            if list[..i].iter().any(|o| o.get_ref() == name) {
                self.err(
                    &field,
                    span(az),
                    format!("{} is listed twice", quote(name)),
                    "MWAA needs two different availability zones",
                );
                ok = false;
            }
        }
        ok.then(|| [list[0].get_ref().clone(), list[1].get_ref().clone()])
    }

    pub(super) fn security_group(&mut self, raw: &RawSpec) -> SecurityGroup {
        let sg = raw.network.as_ref().and_then(|n| n.get_ref().security_group.as_ref()).map(|s| s.get_ref());
        let ingress = match self
            .choice(
                "network.security_group.ingress",
                &sg.and_then(|s| s.ingress.clone()),
                &["all_self", "restricted"],
                "all_self",
            )
            .as_str()
        {
            "restricted" => Ingress::Restricted,
            _ => Ingress::AllSelf,
        };
        let mut additional_ids = Vec::new();
        if let Some(ids) = sg.and_then(|s| s.additional_ids.as_ref()) {
            if ids.get_ref().len() > SECURITY_GROUP_LIST.max {
                self.err(
                    "network.security_group.additional_ids",
                    span(ids),
                    format!(
                        "has {} security groups; at most {} are allowed",
                        ids.get_ref().len(),
                        SECURITY_GROUP_LIST.max
                    ),
                    format!(
                        "MWAA takes at most {} security groups, and mwaagen always adds its own ({})",
                        SECURITY_GROUP_LIST.max + SECURITY_GROUP_LIST.reserved,
                        SECURITY_GROUP_LIST.source
                    ),
                );
            }
            for (i, id) in ids.get_ref().iter().enumerate() {
                let field = format!("network.security_group.additional_ids[{i}]");
                if !(SECURITY_GROUP_ID.matches(id.get_ref()) && EC2_SECURITY_GROUP_ID.matches(id.get_ref())) {
                    self.err(
                        &field,
                        span(id),
                        format!("{} is not a security group id", quote(id.get_ref())),
                        format!(
                            "write sg- followed by 17 (or 8) lowercase hexadecimal digits, e.g. \"sg-0123456789abcdef0\" ({}; {})",
                            EC2_SECURITY_GROUP_ID.source, SECURITY_GROUP_ID.source
                        ),
                    );
                } else if additional_ids.contains(id.get_ref()) {
                    self.err(
                        &field,
                        span(id),
                        format!("\"{}\" is listed twice", id.get_ref()),
                        "list each security group once",
                    );
                } else {
                    self.ec2_id_length(&field, id, "security group");
                }
                additional_ids.push(id.get_ref().clone());
            }
        }
        SecurityGroup { ingress, additional_ids }
    }
}
