//! `[network]`, `[network.security_group]` and `[network.acl]`: a created or an existing VPC.

use std::ops::Range;

use ipnet::Ipv4Net;

use super::aws::{bucket_arn_name, is_az};
use super::{count, span, val, Validator};
use crate::diagnostics::quote;
use crate::model::{
    ExistingVpc, Given, Ingress, InputKind, NatGateways, Network, Output, Routing, SecurityGroup, WebIngress,
};
use crate::rules::{
    ec2_id_is_issued, CIDR_PREFIX, EC2_INTERNET_GATEWAY_ID, EC2_PREFIX_LIST_ID, EC2_SECURITY_GROUP_ID, EC2_SUBNET_ID,
    EC2_VPC_ID, SECURITY_GROUP_ID, SECURITY_GROUP_INBOUND_RULES, SECURITY_GROUP_LIST, SUBNET_ID, SUBNET_LIST,
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
        if let Some(igw) = &net.existing_internet_gateway_id {
            if net.existing_vpc_id.is_none() || net.existing_private_subnet_ids.is_some() {
                self.err(
                    "network.existing_internet_gateway_id",
                    span(igw),
                    "`existing_internet_gateway_id` only applies to subnets that mwaagen creates in an existing VPC",
                    "use it with existing_vpc_id and without existing_private_subnet_ids (a VPC mwaagen creates gets its \
                     own internet gateway; existing subnets keep their own routes)",
                );
            }
        }
        if net.existing_private_subnet_ids.is_some() {
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
                    Given::Lit(String::new())
                }
                Some(id) => self.given(id, InputKind::VpcId, Self::vpc_id),
            };
            let subnets = match &net.existing_private_subnet_ids {
                None => Given::Lit([String::new(), String::new()]),
                Some(list) => self.given(list, InputKind::PrivateSubnetIds, Self::existing_subnets),
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
        // `existing_vpc_id` without subnets: the subnets, NAT gateways and routes go into that VPC.
        let existing_vpc = net.existing_vpc_id.as_ref().map(|id| {
            let vpc_id = self.given(id, InputKind::VpcId, Self::vpc_id);
            for (key, given, needed, example) in [
                (
                    "private_subnet_cidrs",
                    net.private_subnet_cidrs.is_some(),
                    true,
                    "[\"10.0.100.0/24\", \"10.0.101.0/24\"]",
                ),
                (
                    "public_subnet_cidrs",
                    net.public_subnet_cidrs.is_some(),
                    routing == Routing::Public,
                    "[\"10.0.0.0/24\", \"10.0.1.0/24\"]",
                ),
            ] {
                if needed && !given {
                    self.err(
                        &format!("network.{key}"),
                        span(id),
                        format!("subnets in an existing VPC need `{key}`"),
                        format!(
                            "write two free blocks of the VPC's CIDR, e.g. {key} = {example} (the defaults belong to \
                             the VPC mwaagen creates); or give existing_private_subnet_ids"
                        ),
                    );
                }
            }
            let internet_gateway_id = match (&net.existing_internet_gateway_id, routing) {
                (Some(igw), Routing::Public) => Some(self.given(igw, InputKind::InternetGatewayId, |v, igw| {
                    if v.text(
                        "network.existing_internet_gateway_id",
                        igw,
                        &EC2_INTERNET_GATEWAY_ID,
                        "an internet gateway id",
                        "write igw- followed by 17 (or 8) lowercase hexadecimal digits, e.g. \"igw-0a1b2c3d4e5f67890\"",
                    ) {
                        v.ec2_id_length("network.existing_internet_gateway_id", igw, "internet gateway");
                    }
                    igw.get_ref().clone()
                })),
                (Some(igw), Routing::Private) => {
                    self.err(
                        "network.existing_internet_gateway_id",
                        span(igw),
                        "`existing_internet_gateway_id` cannot be used with routing = \"private\"",
                        "private routing has no route to the internet: remove it, or use routing = \"public\"",
                    );
                    None
                }
                (None, Routing::Public) => {
                    // Public subnets route 0.0.0.0/0 to the VPC's internet gateway (VPC user guide,
                    // VPC_Internet_Gateway.html); a VPC has at most one attached.
                    self.err(
                        "network.existing_internet_gateway_id",
                        span(id),
                        "public routing in an existing VPC needs the VPC's internet gateway",
                        "add existing_internet_gateway_id = \"igw-...\" (`aws ec2 describe-internet-gateways --filters \
                         Name=attachment.vpc-id,Values=VPC-ID`), or use routing = \"private\"",
                    );
                    None
                }
                (None, Routing::Private) => None,
            };
            ExistingVpc { vpc_id, internet_gateway_id, cidr_known: net.vpc_cidr.is_some() }
        });
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
        match vpc_cidr {
            // An existing VPC whose block the spec does not give: the subnets can only be checked
            // against each other (the VPC refuses a subnet outside its blocks at deploy time).
            Some(_) if existing_vpc.as_ref().is_some_and(|v| !v.cidr_known) => {
                self.check_subnets(Ipv4Net::default(), &all, None);
            }
            Some(vpc) => self.check_subnets(vpc, &all, net.vpc_cidr.as_ref().and_then(span)),
            None => {}
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
                existing_vpc,
            },
            acl,
        )
    }

    fn vpc_id(&mut self, id: &S<String>) -> String {
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
        let net = raw.network.as_ref().map(|n| n.get_ref());
        let existing_network = net.is_some_and(|n| n.existing_vpc_id.is_some());
        let sg = net.and_then(|n| n.security_group.as_ref()).map(|s| s.get_ref());
        let create_o = sg.and_then(|s| s.create.as_ref());
        let create = create_o.map_or(true, |c| *c.get_ref());
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
        if !create {
            self.no_group_of_its_own(sg, create_o, existing_network);
        }
        let given = sg.and_then(|s| s.additional_ids.as_ref());
        if let Some(name) = given.and_then(|g| g.get_ref().input()) {
            let name = self.input(name, InputKind::SecurityGroupIds);
            let web_ingress = if create { self.web_ingress(sg, ingress) } else { Vec::new() };
            return SecurityGroup { ingress, additional_ids: Given::Input(name), create, web_ingress };
        }
        if let Some(ids) = given.and_then(|g| crate::spec::lit(&Some(g.clone()))) {
            let ids = &ids;
            if create && ids.get_ref().len() > SECURITY_GROUP_LIST.max {
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
        let web_ingress = if create { self.web_ingress(sg, ingress) } else { Vec::new() };
        SecurityGroup { ingress, additional_ids: Given::Lit(additional_ids), create, web_ingress }
    }

    /// `create = false`: the environment uses exactly `additional_ids`, which MWAA takes 1..=5 of
    /// (MWAA API, SecurityGroupList), and nothing may add rules to a group mwaagen does not make.
    fn no_group_of_its_own(
        &mut self,
        sg: Option<&crate::spec::RawSecurityGroup>,
        create_o: Option<&S<bool>>,
        existing_network: bool,
    ) {
        let at = create_o.and_then(span);
        if !existing_network {
            self.err(
                "network.security_group.create",
                at.clone(),
                "create = false needs an existing network",
                "the groups of additional_ids must belong to the VPC, which must exist before them: set \
                 network.existing_vpc_id, or let mwaagen create the group",
            );
        }
        let given = sg.and_then(|s| s.additional_ids.as_ref());
        let ids = given.and_then(|g| g.get_ref().lit()).map(Vec::len);
        let n = ids.unwrap_or(0);
        // An input's length is checked at deploy time (its Terraform validation, its
        // CloudFormation parameter's type, MWAA's SecurityGroupList).
        let is_input = given.is_some_and(|g| g.get_ref().input().is_some());
        if !is_input && !(1..=SECURITY_GROUP_LIST.max + SECURITY_GROUP_LIST.reserved).contains(&n) {
            self.err(
                "network.security_group.additional_ids",
                given.and_then(span).or(at.clone()),
                format!(
                    "with create = false the environment uses exactly additional_ids, which has {}",
                    count(n, "security group", "security groups")
                ),
                format!(
                    "give 1 to {} security group ids ({})",
                    SECURITY_GROUP_LIST.max + SECURITY_GROUP_LIST.reserved,
                    SECURITY_GROUP_LIST.source
                ),
            );
        }
        let Some(sg) = sg else { return };
        for (key, o) in [
            ("ingress", sg.ingress.as_ref().and_then(span)),
            ("web_ingress_cidrs", sg.web_ingress_cidrs.as_ref().and_then(span)),
            ("web_ingress_prefix_list_ids", sg.web_ingress_prefix_list_ids.as_ref().and_then(span)),
            ("web_ingress_security_group_ids", sg.web_ingress_security_group_ids.as_ref().and_then(span)),
        ] {
            if o.is_some() {
                self.err(
                    &format!("network.security_group.{key}"),
                    o,
                    format!("`{key}` needs the security group mwaagen creates"),
                    "with create = false mwaagen adds no rules: manage the rules of your groups where they are defined, \
                     or remove create = false",
                );
            }
        }
    }

    /// `web_ingress_*`: peers allowed to reach the web server on TCP 443 (MWAA user guide,
    /// vpc-security.html: the web server is reached on HTTPS, port 443; EC2 API,
    /// AuthorizeSecurityGroupIngress: a rule's peer is an IPv4 CIDR (CidrIp), a prefix list
    /// (PrefixListId) or a security group (GroupId)).
    fn web_ingress(&mut self, sg: Option<&crate::spec::RawSecurityGroup>, ingress: Ingress) -> Vec<WebIngress> {
        let mut out = Vec::new();
        let Some(sg) = sg else { return out };
        let field = "network.security_group";
        if let Some(list) = &sg.web_ingress_cidrs {
            for (i, c) in list.get_ref().iter().enumerate() {
                let f = format!("{field}.web_ingress_cidrs[{i}]");
                match c.get_ref().parse::<Ipv4Net>() {
                    Err(_) => self.err(
                        &f,
                        span(c),
                        format!("{} is not an IPv4 CIDR block", quote(c.get_ref())),
                        "write an address and a prefix length, e.g. \"10.50.0.0/16\" (a VPN's range) or \"203.0.113.7/32\"",
                    ),
                    Ok(n) if n.network() != n.addr() => self.err(
                        &f,
                        span(c),
                        format!("\"{}\" has host bits set", c.get_ref()),
                        format!("did you mean \"{}\"?", n.trunc()),
                    ),
                    Ok(n) => {
                        let rule = WebIngress::Cidr(n.to_string());
                        if out.contains(&rule) {
                            self.err(&f, span(c), format!("\"{n}\" is listed twice"), "list each block once");
                        } else {
                            if n.prefix_len() == 0 {
                                self.warn(
                                    &f,
                                    span(c),
                                    "0.0.0.0/0 lets every address reach the web server",
                                    "name the networks that need the UI (a VPN, a peered VPC); with PUBLIC_ONLY the UI is \
                                     reachable over the internet already",
                                );
                            }
                            out.push(rule);
                        }
                    }
                }
            }
        }
        for (key, rule, make, what, hint) in [
            (
                "web_ingress_prefix_list_ids",
                &EC2_PREFIX_LIST_ID,
                WebIngress::PrefixList as fn(String) -> WebIngress,
                "a managed prefix list id",
                "write pl- followed by 17 (or 8) lowercase hexadecimal digits, e.g. \"pl-0a1b2c3d4e5f67890\"",
            ),
            (
                "web_ingress_security_group_ids",
                &EC2_SECURITY_GROUP_ID,
                WebIngress::SecurityGroup,
                "a security group id",
                "write sg- followed by 17 (or 8) lowercase hexadecimal digits, e.g. \"sg-0123456789abcdef0\"",
            ),
        ] {
            let list = if key == "web_ingress_prefix_list_ids" {
                sg.web_ingress_prefix_list_ids.as_ref()
            } else {
                sg.web_ingress_security_group_ids.as_ref()
            };
            let Some(list) = list else { continue };
            for (i, id) in list.get_ref().iter().enumerate() {
                let f = format!("{field}.{key}[{i}]");
                if self.text(&f, id, rule, what, hint) {
                    let r = make(id.get_ref().clone());
                    if out.contains(&r) {
                        self.err(&f, span(id), format!("{} is listed twice", quote(id.get_ref())), "list each once");
                    } else {
                        self.ec2_id_length(&f, id, what.trim_start_matches("a ").trim_end_matches(" id"));
                        out.push(r);
                    }
                }
            }
        }
        let own = match ingress {
            Ingress::AllSelf => 1,
            Ingress::Restricted => 2,
        };
        if out.len() + own > SECURITY_GROUP_INBOUND_RULES {
            self.err(
                &format!("{field}.web_ingress_cidrs"),
                sg.web_ingress_cidrs.as_ref().and_then(span),
                format!("the group would have {} inbound rules; a security group has at most {SECURITY_GROUP_INBOUND_RULES}", out.len() + own),
                "use a managed prefix list for many blocks (VPC user guide, amazon-vpc-limits.html, \"Inbound or \
                 outbound rules per security group\")",
            );
        }
        out
    }
}
