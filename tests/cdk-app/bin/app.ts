// A CDK app written by hand around a construct that mwaagen generated (scripts/check-cdk.sh copies
// lib/ops-platform.ts, generated from specs/operations.toml, beside this file and synthesizes the
// app). The stack has resources of its own (a VPC, a bucket, a policy on the environment's role),
// passes the construct its object versions and extra tags, and uses the construct's members.
// tests/equivalence_cdk.rs checks that the construct's resources in the synthesized template are
// the spec's CloudFormation resources, with the extra tags added.
import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { OpsPlatformMwaa } from '../lib/ops-platform';

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

const app = new cdk.App({ analyticsReporting: false });
new PlatformStack(app, 'hand-written-platform', { env: { region: 'us-east-1' } });
