// A CDK app written by hand around constructs that mwaagen generated (scripts/check-cdk.sh copies
// lib/ops-platform.ts, generated from specs/operations.toml, and lib/platform-inputs.ts, generated
// from specs/inputs.toml, beside this file and synthesizes the app).
// - PlatformStack has resources of its own (a VPC, a bucket, a policy on the environment's role),
//   passes the construct its object versions and extra tags, and uses the construct's members.
// - InputsStack passes the spec's inputs as props: its own VPC, subnets, bucket, security group
//   and topic (tokens), and literal ARNs and ids (plain strings).
// tests/equivalence_cdk.rs checks that each construct's resources in the synthesized templates
// are the spec's CloudFormation resources: with the extra tags added, and with the inputs
// substituted for the parameters of the CloudFormation template.
import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { OpsPlatformMwaa } from '../lib/ops-platform';
import { PlatformInputsMwaa } from '../lib/platform-inputs';

class PlatformStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const vpc = new ec2.CfnVPC(this, 'AppVpc', { cidrBlock: '10.50.0.0/16' });
    const bucket = new s3.CfnBucket(this, 'AppBucket', {
      versioningConfiguration: { status: 'Enabled' },
      publicAccessBlockConfiguration: {
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
    });
    const mwaa = new OpsPlatformMwaa(this, 'Airflow', {
      pluginsS3ObjectVersion: 'plugins-v1',
      requirementsS3ObjectVersion: 'requirements-v2',
      startupScriptS3ObjectVersion: '',
      tags: { CostCenter: 'cc-1234' },
    });
    // The environment's role may read the app's own bucket.
    new iam.CfnRolePolicy(this, 'AppBucketRead', {
      roleName: mwaa.executionRole.ref,
      policyName: 'app-bucket-read',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: cdk.Fn.join('', [bucket.attrArn, '/*']) }],
      },
    });
    new cdk.CfnOutput(this, 'AppVpcId', { value: vpc.ref });
    new cdk.CfnOutput(this, 'AppWebserverUrl', { value: mwaa.webserverUrl });
    new cdk.CfnOutput(this, 'AppEnvironmentArn', { value: mwaa.environmentArn });
    new cdk.CfnOutput(this, 'AppSubnets', { value: cdk.Fn.join(',', mwaa.privateSubnets.map((s) => s.ref)) });
  }
}

// Every input of specs/inputs.toml from this stack: tests/equivalence_cdk.rs names the same values
// (INPUTS_APP_VALUES) when it substitutes them into the CloudFormation template.
class InputsStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const vpc = new ec2.CfnVPC(this, 'AppVpc', { cidrBlock: '10.60.0.0/16' });
    const subnetA = new ec2.CfnSubnet(this, 'AppSubnetA', {
      vpcId: vpc.ref,
      cidrBlock: '10.60.0.0/24',
      availabilityZone: cdk.Fn.select(0, cdk.Fn.getAzs()),
    });
    const subnetB = new ec2.CfnSubnet(this, 'AppSubnetB', {
      vpcId: vpc.ref,
      cidrBlock: '10.60.1.0/24',
      availabilityZone: cdk.Fn.select(1, cdk.Fn.getAzs()),
    });
    const bucket = new s3.CfnBucket(this, 'AppBucket', {
      versioningConfiguration: { status: 'Enabled' },
      publicAccessBlockConfiguration: {
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
    });
    const extraSecurityGroup = new ec2.CfnSecurityGroup(this, 'AppExtraSecurityGroup', {
      groupDescription: 'Reaches the team database',
      vpcId: vpc.ref,
    });
    const topic = new sns.CfnTopic(this, 'AppAlarmTopic', {});
    const mwaa = new PlatformInputsMwaa(this, 'Airflow', {
      vpc: vpc.ref,
      subnets: [subnetA.ref, subnetB.ref],
      extraSecurityGroups: [extraSecurityGroup.attrGroupId, 'sg-0123456789abcdef0'],
      dagsBucketArn: bucket.attrArn,
      roleArn: 'arn:aws:iam::123456789012:role/team-airflow',
      kmsKey: 'arn:aws:kms:eu-west-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
      alarmTopic: topic.attrTopicArn,
    });
    new cdk.CfnOutput(this, 'AppEnvironmentArn', { value: mwaa.environmentArn });
  }
}

const app = new cdk.App({ analyticsReporting: false });
new PlatformStack(app, 'hand-written-platform', { env: { region: 'us-east-1' } });
new InputsStack(app, 'hand-written-inputs', { env: { region: 'eu-west-1' } });
