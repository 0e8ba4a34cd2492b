//! The VPC and what is in it: subnets, gateways, routes, the security group and the network ACL
//! (architecture.md section 1; MWAA user guide, vpc-create.md and vpc-security.md).

use super::inputs::{given, subnets};
use super::Builder;
use crate::ir::{Attr, Expr, Kind, SgRule};
use crate::model::{Config, Ingress, NatGateways, Network, Routing, WebIngress};

impl Builder {
    /// Returns (vpc id, private subnet ids, public subnet ids, private route table ids).
    pub(super) fn network(&mut self, config: &Config) -> (Expr, Vec<Expr>, Vec<Expr>, Vec<Expr>) {
        let env = self.env.clone();
        let (routing, vpc_cidr, public_subnet_cidrs, private_subnet_cidrs, availability_zones, nat_gateways, existing) =
            match &config.network {
                Network::Existing { vpc_id, private_subnet_ids } => {
                    return (given(vpc_id), subnets(private_subnet_ids), Vec::new(), Vec::new());
                }
                Network::Created {
                    routing,
                    vpc_cidr,
                    public_subnet_cidrs,
                    private_subnet_cidrs,
                    availability_zones,
                    nat_gateways,
                    existing_vpc,
                    ..
                } => (
                    routing,
                    vpc_cidr,
                    public_subnet_cidrs,
                    private_subnet_cidrs,
                    availability_zones,
                    nat_gateways,
                    existing_vpc,
                ),
            };
        // Subnets in an existing VPC: its id and internet gateway, nothing of the VPC created.
        let vpc = match existing {
            Some(v) => given(&v.vpc_id),
            None => self.add_tagged("VPC", Kind::Vpc { cidr: vpc_cidr.to_string() }, &env),
        };
        // What an EIP and the public route wait for: the gateway's attachment, when the stack makes it.
        let attached: Vec<String> =
            if existing.is_none() { vec!["InternetGatewayAttachment".to_owned()] } else { Vec::new() };
        let az = |i: usize| match availability_zones {
            Some(azs) => Expr::s(azs[i].clone()),
            None => Expr::Az(u8::try_from(i).unwrap_or(0)),
        };
        let mut public = Vec::new();
        let mut attachment = None;
        if *routing == Routing::Public {
            let igw = match existing.as_ref().and_then(|v| v.internet_gateway_id.clone()) {
                Some(id) => given(&id),
                None => {
                    let igw = self.add_tagged("InternetGateway", Kind::InternetGateway, &env);
                    self.add(
                        "InternetGatewayAttachment",
                        Kind::VpcGatewayAttachment { vpc: vpc.clone(), internet_gateway: igw.clone() },
                    );
                    igw
                }
            };
            attachment = Some(igw);
            for (i, cidr) in public_subnet_cidrs.iter().enumerate() {
                let n = i + 1;
                public.push(self.add_tagged(
                    &format!("PublicSubnet{n}"),
                    Kind::Subnet { vpc: vpc.clone(), cidr: cidr.to_string(), availability_zone: az(i), public: true },
                    &format!("{env} public subnet (AZ{n})"),
                ));
                if availability_zones.is_some() {
                    self.last().suppressions.push(pinned_az());
                }
            }
        }
        let mut private = Vec::new();
        for (i, cidr) in private_subnet_cidrs.iter().enumerate() {
            let n = i + 1;
            private.push(self.add_tagged(
                &format!("PrivateSubnet{n}"),
                Kind::Subnet { vpc: vpc.clone(), cidr: cidr.to_string(), availability_zone: az(i), public: false },
                &format!("{env} private subnet (AZ{n})"),
            ));
            if availability_zones.is_some() {
                self.last().suppressions.push(pinned_az());
            }
        }
        let mut nats = Vec::new();
        if let Some(igw) = attachment {
            let count = match nat_gateways {
                NatGateways::OnePerAz => public.len(),
                NatGateways::Single => 1,
            };
            for (i, subnet) in public.iter().take(count).enumerate() {
                let n = i + 1;
                let name = format!("{env} NAT gateway (AZ{n})");
                let tags = self.tags_with_name(Some(&name));
                let eip = self.add(&format!("NatGateway{n}EIP"), Kind::Eip);
                eip.tags = Some(tags);
                // An EIP in a VPC needs the internet gateway attached first.
                eip.depends_on = attached.clone();
                let alloc = eip.attr(Attr::AllocationId);
                nats.push(self.add_tagged(
                    &format!("NatGateway{n}"),
                    Kind::NatGateway { allocation: alloc, subnet: subnet.clone() },
                    &name,
                ));
            }
            let rt = self.add_tagged(
                "PublicRouteTable",
                Kind::RouteTable { vpc: vpc.clone() },
                &format!("{env} public routes"),
            );
            let route = self.add(
                "DefaultPublicRoute",
                Kind::Route {
                    route_table: rt.clone(),
                    destination: "0.0.0.0/0".into(),
                    gateway: Some(igw),
                    nat_gateway: None,
                },
            );
            route.depends_on = attached.clone();
            for (i, subnet) in public.iter().enumerate() {
                self.add(
                    &format!("PublicSubnet{}RouteTableAssociation", i + 1),
                    Kind::SubnetRouteTableAssociation { subnet: subnet.clone(), route_table: rt.clone() },
                );
            }
        }
        let mut tables = Vec::new();
        for (i, subnet) in private.iter().enumerate() {
            let n = i + 1;
            let rt = self.add_tagged(
                &format!("PrivateRouteTable{n}"),
                Kind::RouteTable { vpc: vpc.clone() },
                &format!("{env} private routes (AZ{n})"),
            );
            if let Some(nat) = nats.get(i).or_else(|| nats.first()) {
                self.add(
                    &format!("DefaultPrivateRoute{n}"),
                    Kind::Route {
                        route_table: rt.clone(),
                        destination: "0.0.0.0/0".into(),
                        gateway: None,
                        nat_gateway: Some(nat.clone()),
                    },
                );
            }
            self.add(
                &format!("PrivateSubnet{n}RouteTableAssociation"),
                Kind::SubnetRouteTableAssociation { subnet: subnet.clone(), route_table: rt.clone() },
            );
            tables.push(rt);
        }
        (vpc, private, public, tables)
    }

    pub(super) fn security_group(&mut self, config: &Config, vpc: &Expr) -> Expr {
        let env = self.env.clone();
        let tags = self.tags_with_name(Some(&env));
        let sg = self.add(
            "SecurityGroup",
            Kind::SecurityGroup {
                vpc: vpc.clone(),
                description: format!("Amazon MWAA environment {env}: traffic between its own components"),
                egress: vec![SgRule {
                    protocol: "-1".into(),
                    from_port: None,
                    to_port: None,
                    peer_group: None,
                    cidr: Some("0.0.0.0/0".into()),
                    prefix_list: None,
                    description: "All outbound traffic (AWS service endpoints, PyPI through NAT)".into(),
                }],
            },
        );
        sg.tags = Some(tags);
        let group = sg.attr(Attr::GroupId);
        let self_rule = |protocol: &str, port: Option<i64>, description: &str| SgRule {
            protocol: protocol.into(),
            from_port: port,
            to_port: port,
            peer_group: Some(group.clone()),
            cidr: None,
            prefix_list: None,
            description: description.into(),
        };
        match config.security_group.ingress {
            Ingress::AllSelf => {
                self.add(
                    "SecurityGroupIngress",
                    Kind::SecurityGroupIngress {
                        group: group.clone(),
                        rule: self_rule("-1", None, "All traffic between members of this security group"),
                    },
                );
            }
            Ingress::Restricted => {
                self.add(
                    "SecurityGroupIngressPostgres",
                    Kind::SecurityGroupIngress {
                        group: group.clone(),
                        rule: self_rule("tcp", Some(5432), "PostgreSQL metadata database, from members of this group"),
                    },
                );
                self.add(
                    "SecurityGroupIngressHttps",
                    Kind::SecurityGroupIngress {
                        group: group.clone(),
                        rule: self_rule(
                            "tcp",
                            Some(443),
                            "HTTPS web server and VPC endpoints, from members of this group",
                        ),
                    },
                );
            }
        }
        // `web_ingress_*`: who reaches the web server (HTTPS, TCP 443: MWAA user guide,
        // vpc-security.html) from outside the group, one rule each.
        for (i, peer) in config.security_group.web_ingress.iter().enumerate() {
            let mut rule = SgRule {
                protocol: "tcp".into(),
                from_port: Some(443),
                to_port: Some(443),
                peer_group: None,
                cidr: None,
                prefix_list: None,
                description: String::new(),
            };
            match peer {
                WebIngress::Cidr(c) => {
                    rule.cidr = Some(c.clone());
                    rule.description = format!("HTTPS to the Airflow web server from {c}");
                }
                WebIngress::PrefixList(p) => {
                    rule.prefix_list = Some(p.clone());
                    rule.description = format!("HTTPS to the Airflow web server from prefix list {p}");
                }
                WebIngress::SecurityGroup(g) => {
                    rule.peer_group = Some(Expr::s(g.clone()));
                    rule.description = format!("HTTPS to the Airflow web server from security group {g}");
                }
            }
            self.add(
                &format!("SecurityGroupIngressWeb{}", i + 1),
                Kind::SecurityGroupIngress { group: group.clone(), rule },
            );
        }
        group
    }

    pub(super) fn acl(&mut self, vpc: &Expr, public: &[Expr], private: &[Expr]) {
        let env = self.env.clone();
        let acl = self.add_tagged("NetworkAcl", Kind::NetworkAcl { vpc: vpc.clone() }, &env);
        for (id, egress) in [("NetworkAclIngressEntry", false), ("NetworkAclEgressEntry", true)] {
            self.add(
                id,
                Kind::NetworkAclEntry {
                    acl: acl.clone(),
                    rule_number: 100,
                    egress,
                    protocol: "-1".into(),
                    action: "allow".into(),
                    cidr: "0.0.0.0/0".into(),
                },
            );
        }
        for (prefix, subnets) in [("Public", public), ("Private", private)] {
            for (i, subnet) in subnets.iter().enumerate() {
                self.add(
                    &format!("{prefix}Subnet{}NetworkAclAssociation", i + 1),
                    Kind::SubnetNetworkAclAssociation { subnet: subnet.clone(), acl: acl.clone() },
                );
            }
        }
    }
}

fn pinned_az() -> crate::ir::Suppression {
    crate::ir::Suppression {
        tool: "cfn-lint".into(),
        id: "W3010".into(),
        reason: "the spec pins these availability zones (network.availability_zones)".into(),
    }
}
