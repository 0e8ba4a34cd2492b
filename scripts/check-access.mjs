// The access matrix (issue 24, docs/security.md "Access matrix"): evaluates the rows written in
// tests/access/*.yaml against the policies AS GENERATED, with the IAM policy simulator
// @cloud-copilot/iam-simulate, and prints each wrong decision with the simulator's reasons and
// the total `access: N allowed as required, M denied as required, 0 wrong`.
//
//   node scripts/check-access.mjs --deps DIR --matrix DIR [--mutations] [--doc FILE [--write-doc]]
//        CASE...            CASE = NAME:cfn:TEMPLATE.yaml or NAME:terraform:PLAN.json
//
// The rows are data written by hand from what MWAA needs (the MWAA user guide pages cited in the
// matrix files), not derived from the generator. What this file derives from the generated output
// is only where the policies are and what the deployment tool named (the bucket, the keys, the
// topic): each found by resource type, not by logical id or Terraform address.
//
// One node process evaluates every case, every row and every mutation.
import { createRequire } from 'node:module'
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

const args = process.argv.slice(2)
const opt = (name) => {
  const i = args.indexOf(name)
  if (i < 0) return undefined
  const v = args[i + 1]
  args.splice(i, 2)
  return v
}
const flag = (name) => {
  const i = args.indexOf(name)
  if (i < 0) return false
  args.splice(i, 1)
  return true
}
const depsDir = opt('--deps')
const matrixDir = opt('--matrix')
const docFile = opt('--doc')
const writeDoc = flag('--write-doc')
const runMutations = flag('--mutations')
if (!depsDir || !matrixDir) {
  console.error('usage: check-access.mjs --deps DIR --matrix DIR [--mutations] [--doc FILE [--write-doc]] NAME:cfn|terraform:FILE...')
  process.exit(2)
}
const require = createRequire(path.join(path.resolve(depsDir), 'package.json'))
const { runSimulation, getDenialReasons, getGrantReasons } = require('@cloud-copilot/iam-simulate')
const YAML = require('yaml')
// The simulator's core engine, for the rows whose context key its entry point drops (`gap:` rows,
// see evaluate): the same evaluation, without the filter of context keys. Internal modules of the
// pinned version (tests/access/package-lock.json), loaded by path.
const simDir = path.join(path.dirname(require.resolve('@cloud-copilot/iam-simulate')), path.sep)
const { loadPolicy } = require('@cloud-copilot/iam-policy')
const { authorize } = require(simDir + 'core_engine/CoreSimulatorEngine.js')
const { AwsRequestImpl } = require(simDir + 'request/request.js')
const { RequestContextImpl } = require(simDir + 'requestContext.js')
const { DiscoveryContextKeyConstraints } = require(simDir + 'context_keys/discoveryContextKeyConstraints.js')

// The account and partition every case is evaluated in: moto's account for the Terraform apply,
// and the same for CloudFormation's AWS::AccountId so that one row fits both targets.
const ACCOUNT = '123456789012'
// The account that owns what MWAA runs for the environment (its Celery queues and their
// AWS-owned key). Its policies are not published; see SERVICE_OWNED_POLICY.
const SERVICE_ACCOUNT = '999999999999'
// An account that is neither.
const OTHER_ACCOUNT = '210987654321'

class CheckError extends Error {}
const fail = (msg) => {
  throw new CheckError(msg)
}

// ------------------------------------------------------------------------------------------------
// The deployment model both readers produce: where the policies are.
//   roles: Map name -> { arn, trust, policies: [{name, doc}] }   (also roles the output only attaches to)
//   groups: Map name -> [{name, doc}]
//   buckets: [{name, arn, policy}]  keys: [{arn, description, policy}]  topics: [{arn, keyArn, policy}]
//   endpoints: [{service, type, policy}]
function emptyModel() {
  return { roles: new Map(), groups: new Map(), buckets: [], keys: [], topics: [], endpoints: [], notes: [] }
}
function roleEntry(model, name) {
  if (!model.roles.has(name)) {
    model.roles.set(name, { arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, trust: undefined, policies: [] })
  }
  return model.roles.get(name)
}
function groupEntry(model, name) {
  if (!model.groups.has(name)) model.groups.set(name, [])
  return model.groups.get(name)
}
const asDoc = (p) => (typeof p === 'string' ? JSON.parse(p) : p)

// ---- CloudFormation ----------------------------------------------------------------------------
// The short-form intrinsics of the generated templates, read as their long form.
const cfnTags = ['Ref', 'Sub', 'GetAtt', 'Join', 'Select', 'If', 'Equals', 'Not', 'GetAZs', 'Split', 'Base64', 'And', 'Or', 'Condition', 'FindInMap', 'ImportValue'].flatMap(
  (name) => {
    const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`
    const wrap = (v) => ({ [key]: name === 'GetAtt' && typeof v === 'string' ? v.split('.') : v })
    return ['scalar', 'seq', 'map'].map((collection) => ({
      tag: `!${name}`,
      collection: collection === 'scalar' ? undefined : collection,
      resolve: (v) => wrap(collection === 'scalar' ? v : v.toJSON ? v.toJSON() : v),
      identify: () => false
    }))
  }
)

function readCfn(file, region) {
  const template = YAML.parse(readFileSync(file, 'utf8'), { customTags: cfnTags, uniqueKeys: true })
  const resources = template.Resources ?? fail(`${file}: no Resources`)
  const byId = (id) => resources[id] ?? fail(`${file}: reference to ${id}, which is no resource`)
  // The physical names a stack gives: the name property if the template sets one, else one made
  // of the logical id (CloudFormation's own are random; any fixed one serves the evaluation).
  const physicalName = (id) => {
    const r = byId(id)
    const p = r.Properties ?? {}
    switch (r.Type) {
      case 'AWS::S3::Bucket':
        return p.BucketName !== undefined ? resolve(p.BucketName) : `stack-${id.toLowerCase()}`
      case 'AWS::IAM::Role':
        return p.RoleName !== undefined ? resolve(p.RoleName) : `stack-${id}`
      case 'AWS::SNS::Topic':
        return p.TopicName !== undefined ? resolve(p.TopicName) : `stack-${id}`
      case 'AWS::KMS::Key':
        return `key-${id.toLowerCase()}`
      default:
        return `stack-${id}`
    }
  }
  const ref = (name) => {
    switch (name) {
      case 'AWS::AccountId':
        return ACCOUNT
      case 'AWS::Region':
        return region
      case 'AWS::Partition':
        return 'aws'
      case 'AWS::URLSuffix':
        return 'amazonaws.com'
      case 'AWS::StackName':
        return 'stack'
    }
    if (template.Parameters?.[name]) {
      return template.Parameters[name].Default ?? fail(`${file}: parameter ${name} has no default`)
    }
    const r = byId(name)
    if (r.Type === 'AWS::SNS::Topic') return `arn:aws:sns:${region}:${ACCOUNT}:${physicalName(name)}`
    if (r.Type === 'AWS::IAM::ManagedPolicy') return `arn:aws:iam::${ACCOUNT}:policy/${physicalName(name)}`
    return physicalName(name)
  }
  const getAtt = (id, attr) => {
    const r = byId(id)
    const n = physicalName(id)
    const key = `${r.Type}.${attr}`
    switch (key) {
      case 'AWS::S3::Bucket.Arn':
        return `arn:aws:s3:::${n}`
      case 'AWS::IAM::Role.Arn':
        return `arn:aws:iam::${ACCOUNT}:role/${n}`
      case 'AWS::KMS::Key.Arn':
        return `arn:aws:kms:${region}:${ACCOUNT}:key/${n}`
      case 'AWS::KMS::Key.KeyId':
        return n
      case 'AWS::SNS::Topic.TopicArn':
        return ref(id)
      case 'AWS::MWAA::Environment.DatabaseVpcEndpointService':
      case 'AWS::MWAA::Environment.WebserverVpcEndpointService':
        return `com.amazonaws.vpce.${region}.${attr}-of-${id}`
      case 'AWS::Logs::LogGroup.Arn':
        return `arn:aws:logs:${region}:${ACCOUNT}:log-group:${resolve(r.Properties.LogGroupName)}:*`
    }
    return fail(`${file}: the resolver knows no ${key} (Fn::GetAtt ${id}.${attr})`)
  }
  const sub = (text, vars = {}) =>
    text.replace(/\$\{([^}!]+)\}/g, (_, name) => {
      if (name in vars) return resolve(vars[name])
      const dot = name.indexOf('.')
      if (dot > 0 && !name.startsWith('AWS::')) return getAtt(name.slice(0, dot), name.slice(dot + 1))
      return ref(name)
    })
  function resolve(v) {
    if (Array.isArray(v)) return v.map(resolve).filter((x) => x !== NO_VALUE)
    if (v === null || typeof v !== 'object') return v
    const keys = Object.keys(v)
    if (keys.length === 1) {
      const [k] = keys
      const a = v[k]
      switch (k) {
        case 'Ref':
          return a === 'AWS::NoValue' ? NO_VALUE : ref(a)
        case 'Fn::Sub':
          return Array.isArray(a) ? sub(a[0], a[1]) : sub(a)
        case 'Fn::GetAtt':
          return getAtt(...(typeof a === 'string' ? a.split('.') : a))
        case 'Fn::Join':
          return resolve(a[1]).join(a[0])
        case 'Fn::Select':
          return resolve(a[1])[Number(resolve(a[0]))]
        case 'Fn::If':
          return resolve(condition(a[0]) ? a[1] : a[2])
      }
      if (k.startsWith('Fn::')) fail(`${file}: the resolver knows no ${k}`)
    }
    const out = {}
    for (const [k, x] of Object.entries(v)) {
      const r = resolve(x)
      if (r !== NO_VALUE) out[k] = r
    }
    return out
  }
  const condition = (name) => {
    const c = template.Conditions?.[name] ?? fail(`${file}: no condition ${name}`)
    const evalCond = (e) => {
      if (e.Condition) return condition(e.Condition)
      if (e['Fn::Equals']) return resolve(e['Fn::Equals'][0]) === resolve(e['Fn::Equals'][1])
      if (e['Fn::Not']) return !evalCond(e['Fn::Not'][0])
      if (e['Fn::And']) return e['Fn::And'].every(evalCond)
      if (e['Fn::Or']) return e['Fn::Or'].some(evalCond)
      return fail(`${file}: condition ${name}: unknown form`)
    }
    return evalCond(c)
  }

  const model = emptyModel()
  const managed = new Map() // policy ARN -> {name, doc}
  const attachManaged = (roleName, arn) => {
    if (managed.has(arn)) roleEntry(model, roleName).policies.push(managed.get(arn))
    else model.notes.push(`role ${roleName}: managed policy ${arn} is not in the output; not evaluated`)
  }
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::IAM::ManagedPolicy') managed.set(ref(id), { name: id, doc: resolve(r.Properties.PolicyDocument) })
  }
  for (const [id, r] of Object.entries(resources)) {
    const p = r.Properties ?? {}
    switch (r.Type) {
      case 'AWS::IAM::Role': {
        const role = roleEntry(model, physicalName(id))
        role.trust = resolve(p.AssumeRolePolicyDocument)
        for (const inline of p.Policies ?? []) role.policies.push({ name: resolve(inline.PolicyName), doc: resolve(inline.PolicyDocument) })
        for (const arn of resolve(p.ManagedPolicyArns ?? [])) attachManaged(physicalName(id), arn)
        if (p.PermissionsBoundary) role.boundary = resolve(p.PermissionsBoundary)
        break
      }
      case 'AWS::IAM::ManagedPolicy':
      case 'AWS::IAM::Policy': {
        const pol = { name: id, doc: resolve(p.PolicyDocument) }
        for (const name of resolve(p.Roles ?? [])) roleEntry(model, name).policies.push(pol)
        for (const name of resolve(p.Groups ?? [])) groupEntry(model, name).push(pol)
        break
      }
      case 'AWS::IAM::RolePolicy':
        roleEntry(model, resolve(p.RoleName)).policies.push({ name: resolve(p.PolicyName), doc: resolve(p.PolicyDocument) })
        break
      case 'AWS::IAM::GroupPolicy':
        groupEntry(model, resolve(p.GroupName)).push({ name: resolve(p.PolicyName), doc: resolve(p.PolicyDocument) })
        break
      case 'AWS::S3::Bucket':
        model.buckets.push({ name: physicalName(id), arn: getAtt(id, 'Arn'), policy: undefined })
        break
      case 'AWS::KMS::Key':
        model.keys.push({ arn: getAtt(id, 'Arn'), description: resolve(p.Description ?? ''), policy: resolve(p.KeyPolicy) })
        break
      case 'AWS::SNS::Topic':
        model.topics.push({ arn: ref(id), keyArn: p.KmsMasterKeyId ? resolve(p.KmsMasterKeyId) : undefined, policy: undefined })
        break
      case 'AWS::EC2::VPCEndpoint':
        model.endpoints.push({ service: resolve(p.ServiceName), type: resolve(p.VpcEndpointType ?? 'Gateway'), policy: p.PolicyDocument ? resolve(p.PolicyDocument) : undefined })
        break
    }
  }
  for (const r of Object.values(resources)) {
    const p = r.Properties ?? {}
    if (r.Type === 'AWS::S3::BucketPolicy') {
      const name = resolve(p.Bucket)
      const b = model.buckets.find((x) => x.name === name)
      if (b) b.policy = resolve(p.PolicyDocument)
      else model.buckets.push({ name, arn: `arn:aws:s3:::${name}`, policy: resolve(p.PolicyDocument), external: true })
    }
    if (r.Type === 'AWS::SNS::TopicPolicy') {
      for (const arn of resolve(p.Topics)) {
        const t = model.topics.find((x) => x.arn === arn) ?? fail(`${file}: topic policy of ${arn}, which is no topic of the template`)
        t.policy = resolve(p.PolicyDocument)
      }
    }
  }
  return model
}
const NO_VALUE = Symbol('AWS::NoValue')

// ---- Terraform: the prior state of `terraform show -json` of a plan after the apply ---------------
function readTerraform(file) {
  const plan = JSON.parse(readFileSync(file, 'utf8'))
  const all = []
  const walk = (m) => {
    if (!m) return
    for (const r of m.resources ?? []) if (r.mode === 'managed') all.push(r)
    for (const c of m.child_modules ?? []) walk(c)
  }
  walk(plan.prior_state?.values?.root_module ?? fail(`${file}: no prior_state (not a plan made after an apply?)`))
  const model = emptyModel()
  const of = (type) => all.filter((r) => r.type === type).map((r) => r.values)
  const policies = new Map(of('aws_iam_policy').map((v) => [v.arn, { name: v.name, doc: asDoc(v.policy) }]))
  const policyByArn = (arn, who) => {
    if (policies.has(arn)) return policies.get(arn)
    model.notes.push(`${who}: managed policy ${arn} is not in the output; not evaluated`)
    return undefined
  }
  for (const v of of('aws_iam_role')) {
    const role = roleEntry(model, v.name)
    role.arn = v.arn
    role.trust = asDoc(v.assume_role_policy)
    if (v.permissions_boundary) role.boundary = v.permissions_boundary
  }
  for (const v of of('aws_iam_role_policy')) roleEntry(model, v.role).policies.push({ name: v.name, doc: asDoc(v.policy) })
  for (const v of of('aws_iam_group_policy')) groupEntry(model, v.group).push({ name: v.name, doc: asDoc(v.policy) })
  for (const v of of('aws_iam_role_policy_attachment')) {
    const p = policyByArn(v.policy_arn, `role ${v.role}`)
    if (p) roleEntry(model, v.role).policies.push(p)
  }
  for (const v of of('aws_iam_group_policy_attachment')) {
    const p = policyByArn(v.policy_arn, `group ${v.group}`)
    if (p) groupEntry(model, v.group).push(p)
  }
  for (const v of of('aws_iam_policy_attachment')) {
    const p = policyByArn(v.policy_arn, `attachment ${v.name}`)
    if (!p) continue
    for (const r of v.roles ?? []) roleEntry(model, r).policies.push(p)
    for (const g of v.groups ?? []) groupEntry(model, g).push(p)
  }
  for (const v of of('aws_s3_bucket')) model.buckets.push({ name: v.bucket, arn: v.arn, policy: undefined })
  for (const v of of('aws_s3_bucket_policy')) {
    const b = model.buckets.find((x) => x.name === v.bucket)
    if (b) b.policy = asDoc(v.policy)
    else model.buckets.push({ name: v.bucket, arn: `arn:aws:s3:::${v.bucket}`, policy: asDoc(v.policy), external: true })
  }
  for (const v of of('aws_kms_key')) model.keys.push({ arn: v.arn, description: v.description ?? '', policy: asDoc(v.policy) })
  for (const v of of('aws_sns_topic')) model.topics.push({ arn: v.arn, keyArn: v.kms_master_key_id || undefined, policy: undefined })
  for (const v of of('aws_sns_topic_policy')) {
    const t = model.topics.find((x) => x.arn === v.arn) ?? fail(`${file}: topic policy of ${v.arn}, which is no topic of the plan`)
    t.policy = asDoc(v.policy)
  }
  for (const v of of('aws_vpc_endpoint')) {
    model.endpoints.push({ service: v.service_name, type: v.vpc_endpoint_type, policy: v.policy ? asDoc(v.policy) : undefined })
  }
  return model
}

// ------------------------------------------------------------------------------------------------
// What the output names, for the rows' ${...}: found by type.
function namesOf(model) {
  const names = {}
  const created = model.buckets.filter((b) => b.name && !b.external)
  if (created.length === 1) names.bucket = created[0].name
  // An SNS topic's key (the alarm topic key) and the other key (the environment key).
  const topicKeys = new Set(model.topics.map((t) => t.keyArn).filter(Boolean))
  const keyOf = (ref) => model.keys.find((k) => k.arn === ref || k.arn.endsWith(`/${ref}`))
  const topicKey = [...topicKeys].map(keyOf).find(Boolean)
  if (topicKey) names.topic_key = topicKey.arn
  const envKeys = model.keys.filter((k) => k !== topicKey)
  if (envKeys.length === 1) names.key = envKeys[0].arn
  if (model.topics.length === 1) names.topic = model.topics[0].arn
  try {
    names.execution_role = executionRole(model).arn
  } catch (e) {
    if (!(e instanceof CheckError)) throw e
  }
  return names
}

function executionRole(model) {
  const found = [...model.roles.values()].filter((r) =>
    (r.trust?.Statement ?? []).some((s) => [s.Principal?.Service].flat().includes('airflow-env.amazonaws.com'))
  )
  return found.length === 1 ? found[0] : fail(`${found.length} roles trusted by airflow-env.amazonaws.com in the output, expected 1`)
}

const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }
// What MWAA's AWS-owned queues and key admit is not published: MWAA's user guide (execution role
// page, "Amazon SQS" and "AWS KMS") has the environment's role use them with its own identity
// policy, so their owner must admit the environment's account. Modelled as exactly that.
const SERVICE_OWNED_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'ServiceOwnerAdmitsEnvironmentAccount', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: '*', Resource: '*' }]
}

const DEFAULT_KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }]
}

// The principal of a row: its ARN and identity policies.
function principalOf(model, who) {
  if (who === 'execution-role') {
    const r = executionRole(model)
    if (r.boundary) model.notes.push(`permissions boundary ${r.boundary} is not in the output; evaluated without it (it can only narrow what is allowed)`)
    return { principal: r.arn, identity: r.policies }
  }
  if (who.startsWith('role/')) {
    const name = who.slice(5)
    const r = model.roles.get(name)
    return { principal: `arn:aws:iam::${ACCOUNT}:role/${name}`, identity: r?.policies ?? [] }
  }
  if (who.startsWith('group/')) {
    const name = who.slice(6)
    return { principal: `arn:aws:iam::${ACCOUNT}:user/member-of-${name}`, identity: model.groups.get(name) ?? [] }
  }
  if (who.startsWith('service:')) return { principal: who.slice(8), identity: [] }
  if (who === 'account-admin') return { principal: `arn:aws:iam::${ACCOUNT}:role/AccountAdmin`, identity: [{ name: 'AdministratorAccess', doc: allowAll }] }
  if (who === 'other-account-admin') return { principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/OutsideAdmin`, identity: [{ name: 'AdministratorAccess', doc: allowAll }] }
  return fail(`unknown principal ${who}`)
}

// The resource policy that applies to a resource ARN, and the account that owns it.
function resourceOf(model, arn, ownerOverride) {
  const parts = arn.split(':')
  const service = parts[2]
  let account = parts[4] || ACCOUNT
  let policy
  if (service === 's3') {
    const bucket = parts.slice(5).join(':').split('/')[0]
    const b = model.buckets.find((x) => x.name === bucket)
    policy = b?.policy
  } else if (service === 'kms') {
    // KMS needs a key policy that allows (IAM policies alone never do). A key of the account that
    // the output does not create (secrets.kms_key_arns) is taken to have the default key policy,
    // which lets the account's IAM policies grant it (KMS developer guide, "Default key policy":
    // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
    policy = model.keys.find((k) => k.arn === arn)?.policy ?? (account === ACCOUNT ? DEFAULT_KEY_POLICY : undefined)
  } else if (service === 'sns') {
    policy = model.topics.find((t) => t.arn === arn)?.policy
  } else if (service === 'iam' && arn.includes(':role/')) {
    policy = model.roles.get(arn.split(':role/')[1])?.trust
  }
  if (account === SERVICE_ACCOUNT) policy = SERVICE_OWNED_POLICY
  if (ownerOverride) account = ownerOverride
  return { account, policy }
}

function endpointOf(model, service) {
  const e = model.endpoints.filter((x) => x.service.split('.').slice(3).join('.') === service)
  if (e.length !== 1) fail(`${e.length} VPC endpoints for ${service} in the output, expected 1`)
  // An endpoint without a policy has the default one: full access.
  return e[0].policy ?? { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] }
}

const expand = (text, vars, where) =>
  String(text).replace(/\$\{([a-z_]+)\}/g, (_, name) => (name in vars ? vars[name] : fail(`${where}: no value for \${${name}}`)))

async function evaluate(model, row, vars, where) {
  const on = expand(row.on, vars, where)
  const ctx = { 'aws:SecureTransport': 'true' }
  for (const [k, v] of Object.entries(row.ctx ?? {})) ctx[k] = Array.isArray(v) ? v.map((x) => expand(x, vars, where)) : expand(v, vars, where)
  const who = principalOf(model, expand(row.who, vars, where))
  const res = resourceOf(model, on, row.owner && expand(row.owner, vars, where))
  // AWS sets aws:ResourceAccount on every request; the simulator takes it from the context only.
  if (!('aws:ResourceAccount' in ctx) && on !== '*') ctx['aws:ResourceAccount'] = res.account
  const sim = {
    request: { principal: who.principal, action: row.do, resource: { resource: on, accountId: res.account }, contextVariables: ctx },
    identityPolicies: who.identity.map((p, i) => ({ name: `${p.name}#${i}`, policy: p.doc })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: res.policy
  }
  if (row.through) sim.vpcEndpointPolicies = [{ name: `${row.through} endpoint`, policy: endpointOf(model, row.through) }]
  const result = await runSimulation(sim, {})
  if (result.resultType === 'error') return { decision: 'error', reasons: JSON.stringify(result.errors) }
  let analysis = result.resultType === 'single' ? result.result.analysis : result.results[0]?.analysis
  const ignored = result.resultType === 'single' ? result.result.ignoredContextKeys ?? [] : []
  let decision = result.overallResult
  // iam-simulate's entry point keeps only the context keys it knows for the action; it matches
  // variable keys (`prefix/NAME`) after a '/' only, so it drops `kms:EncryptionContext:aws:logs:arn`,
  // which AWS evaluates. A row that says so (gap:) is evaluated by the simulator's core engine
  // with the whole context; any other row with a dropped key is wrong (see runCase).
  if (ignored.length && row.gap) {
    analysis = authorize({
      request: new AwsRequestImpl(sim.request.principal, sim.request.resource, sim.request.action, new RequestContextImpl(ctx)),
      sessionPolicy: undefined,
      identityPolicies: sim.identityPolicies.map((p) => loadPolicy(p.policy, { name: p.name })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: sim.resourcePolicy ? loadPolicy(sim.resourcePolicy, { name: 'resource policy' }) : undefined,
      permissionBoundaries: undefined,
      vpcEndpointPolicies: sim.vpcEndpointPolicies?.map((p) => loadPolicy(p.policy, { name: p.name })),
      simulationParameters: { simulationMode: 'Strict', discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) },
      serviceSettings: { s3: {} }
    })
    decision = analysis.result
  }
  const reasons =
    decision === 'Allowed'
      ? getGrantReasons(analysis).map((g) => `granted by ${g.policyType}${g.policyIdentifier ? ' ' + g.policyIdentifier : ''}${g.statementId ? ' ' + g.statementId : ''} statement ${g.statementIndex}`)
      : getDenialReasons(analysis).map((d) => `${d.denialType === 'Explicit' ? 'explicitly' : 'implicitly'} denied by the ${d.policyType} policies${d.policyIdentifier ? ' (' + d.policyIdentifier + ')' : ''}${d.statementId ? ' statement ' + d.statementId : d.statementIndex ? ' statement ' + d.statementIndex : ''}`)
  return { decision, reasons: reasons.join('; ') || '(no reasons given)', ignored, resultType: result.resultType }
}

function matches(expect, decision) {
  switch (expect) {
    case 'allow':
      return decision === 'Allowed'
    case 'deny':
      return decision === 'ImplicitlyDenied' || decision === 'ExplicitlyDenied'
    case 'explicit-deny':
      return decision === 'ExplicitlyDenied'
  }
  return fail(`unknown expectation ${expect} (allow | deny | explicit-deny)`)
}

// ------------------------------------------------------------------------------------------------
// The matrix: tests/access/groups.yaml (row groups shared by specs) and one file per spec.
function loadMatrix() {
  const groups = YAML.parse(readFileSync(path.join(matrixDir, 'groups.yaml'), 'utf8'))
  const specs = readdirSync(matrixDir)
    .filter((f) => f.endsWith('.yaml') && f !== 'groups.yaml')
    .sort()
    .map((f) => {
      const m = YAML.parse(readFileSync(path.join(matrixDir, f), 'utf8'))
      const rows = []
      for (const g of m.groups ?? []) {
        for (const r of groups[g] ?? fail(`${f}: no row group ${g} in groups.yaml`)) rows.push({ ...r, group: g })
      }
      for (const r of m.rows ?? []) rows.push({ ...r, group: 'spec' })
      for (const [i, r] of rows.entries()) {
        for (const k of ['who', 'do', 'on', 'expect', 'why']) if (!r[k]) fail(`${f}: row ${i + 1} (${JSON.stringify(r)}) has no ${k}`)
        r.id = `${path.basename(f, '.yaml')}#${i + 1}`
      }
      return { file: f, name: path.basename(f, '.yaml'), no_policies: !!m.no_policies, cases: m.cases ?? fail(`${f}: no cases`), vars: m.vars ?? {}, groups: m.groups ?? [], rows }
    })
  return { groups, specs }
}

const matrix = loadMatrix()
const inputs = new Map() // "case:target" -> file
for (const a of args) {
  const [name, target, ...file] = a.split(':')
  if (!['cfn', 'terraform'].includes(target)) fail(`bad case ${a}: NAME:cfn|terraform:FILE`)
  inputs.set(`${name}:${target}`, file.join(':'))
}

async function runCase(spec, c, target, model, { quiet = false } = {}) {
  const vars = { account: ACCOUNT, service_account: SERVICE_ACCOUNT, other_account: OTHER_ACCOUNT, ...spec.vars, ...namesOf(model) }
  for (const [k, v] of Object.entries(spec.vars)) if (k in namesOf(model) && namesOf(model)[k] !== v) fail(`${c.name} ${target}: the output's ${k} is ${namesOf(model)[k]}, the matrix says ${v}`)
  const out = { allowed: 0, denied: 0, wrong: [], gaps: [] }
  // A spec that brings every resource of its own: the output must hold no policy at all.
  if (spec.no_policies) {
    const held = [
      ...[...model.roles].filter(([, r]) => r.policies.length || r.trust).map(([n]) => `role ${n}`),
      ...[...model.groups].filter(([, g]) => g.length).map(([n]) => `group ${n}`),
      ...model.buckets.filter((b) => b.policy).map((b) => `bucket ${b.name}`),
      ...model.keys.map((k) => `key ${k.arn}`),
      ...model.topics.filter((t) => t.policy).map((t) => `topic ${t.arn}`),
      ...model.endpoints.filter((e) => e.policy).map((e) => `endpoint ${e.service}`)
    ]
    if (held.length) out.wrong.push(`${c.name} ${target}: the matrix says the output holds no policy (no_policies), it holds: ${held.join(', ')}`)
  }
  for (const row of spec.rows) {
    if (row.targets && !row.targets.includes(target)) continue
    const where = `${row.id} (${c.name}, ${target})`
    let got
    try {
      got = await evaluate(model, row, vars, where)
    } catch (e) {
      if (!(e instanceof CheckError)) throw e
      got = { decision: 'error', reasons: e.message, ignored: [] }
    }
    const line = `${where}: ${expand(row.who, vars, where)} ${row.do} ${expand(row.on, vars, where)}${row.through ? ' through the ' + row.through + ' endpoint' : ''}${row.ctx ? ' ' + expand(JSON.stringify(row.ctx), vars, where) : ''}`
    // A context key the simulator drops changes the question; such a row must say why (gap:), and
    // is then not counted either way.
    if (got.ignored?.length && !row.gap) {
      out.wrong.push(`${line}: the simulator dropped the context key(s) ${got.ignored.join(', ')}; decided ${got.decision}: ${got.reasons}`)
      continue
    }
    if (row.gap && !got.ignored?.length) {
      out.wrong.push(`${line}: marked as a simulator gap (${row.gap}) but the simulator evaluated every key: remove the gap note`)
      continue
    }
    if (row.gap) out.gaps.push(`${row.id}: ${expand(row.who, vars, where)} ${row.do} with ${got.ignored.join(', ')}: ${row.gap}`)
    if (matches(row.expect, got.decision)) {
      if (row.expect === 'allow') out.allowed++
      else out.denied++
    } else {
      out.wrong.push(`${line}: expected ${row.expect}, got ${got.decision}: ${got.reasons}`)
    }
  }
  if (!quiet) {
    for (const w of out.wrong) console.log(`WRONG ${w}`)
  }
  return out
}

// ---- Mutations: each must make at least one row wrong ---------------------------------------------
const clone = (x) => structuredClone(x)
const statementsOf = (doc) => [doc.Statement].flat()
const mutations = [
  {
    name: 'a dropped SQS action (sqs:SendMessage) in the execution role',
    apply(model) {
      let n = 0
      for (const p of executionRole(model).policies) {
        for (const s of statementsOf(p.doc)) {
          const acts = [s.Action ?? []].flat()
          if (acts.includes('sqs:SendMessage')) {
            s.Action = acts.filter((a) => a !== 'sqs:SendMessage')
            n++
          }
        }
      }
      return n
    }
  },
  {
    name: "a widened bucket ARN (arn:aws:s3:::* for the DAG bucket's) in the execution role",
    apply(model) {
      const bucket = namesOf(model).bucket
      let n = 0
      for (const p of executionRole(model).policies) {
        for (const s of statementsOf(p.doc)) {
          if (!s.Resource) continue
          const res = [s.Resource].flat()
          const widened = res.map((r) => (typeof r === 'string' && r.startsWith(`arn:aws:s3:::${bucket}`) ? r.replace(`arn:aws:s3:::${bucket}`, 'arn:aws:s3:::*') : r))
          if (widened.some((r, i) => r !== res[i])) {
            s.Resource = widened
            n++
          }
        }
      }
      return n
    }
  },
  {
    name: 'a missing kms:ViaService condition in the execution role and the key policy',
    apply(model) {
      let n = 0
      const docs = [...executionRole(model).policies.map((p) => p.doc), ...model.keys.map((k) => k.policy)]
      for (const d of docs) {
        for (const s of statementsOf(d)) {
          for (const op of Object.keys(s.Condition ?? {})) {
            if (s.Condition[op]['kms:ViaService']) {
              delete s.Condition[op]['kms:ViaService']
              if (Object.keys(s.Condition[op]).length === 0) delete s.Condition[op]
              if (Object.keys(s.Condition).length === 0) delete s.Condition
              n++
            }
          }
        }
      }
      return n
    }
  },
  {
    name: "a '*' principal (without conditions) in the alarm topic's policy",
    apply(model) {
      let n = 0
      for (const t of model.topics) {
        for (const s of statementsOf(t.policy ?? { Statement: [] })) {
          if (s.Effect === 'Allow') {
            s.Principal = '*'
            delete s.Condition
            n++
          }
        }
      }
      return n
    }
  }
]

// ---- main --------------------------------------------------------------------------------------
const models = []
let exit = 0
for (const spec of matrix.specs) {
  for (const c of spec.cases) {
    for (const target of c.targets) {
      const file = inputs.get(`${c.name}:${target}`)
      if (!file) {
        if (target === 'terraform' && process.env.MWAAGEN_SKIP_TERRAFORM === '1') {
          console.log(`!!! SKIPPED: ${c.name} in Terraform (MWAAGEN_SKIP_TERRAFORM=1: no apply, no plan) !!!`)
          continue
        }
        console.log(`WRONG ${spec.file}: case ${c.name} ${target}: no ${target === 'cfn' ? 'template' : 'plan JSON'} given to the checker`)
        exit = 1
        continue
      }
      let model
      try {
        model = target === 'cfn' ? readCfn(file, spec.vars.region ?? fail(`${spec.file}: vars.region is needed`)) : readTerraform(file)
      } catch (e) {
        if (!(e instanceof CheckError)) throw e
        console.log(`WRONG ${c.name} ${target}: ${e.message}`)
        exit = 1
        continue
      }
      models.push({ spec, c, target, model })
      inputs.delete(`${c.name}:${target}`)
    }
  }
}
for (const k of inputs.keys()) {
  console.log(`WRONG ${k}: given to the checker but no matrix file lists this case`)
  exit = 1
}

let allowed = 0
let denied = 0
let wrong = exit
const gaps = []
const perCase = []
for (const { spec, c, target, model } of models) {
  let r
  try {
    r = await runCase(spec, c, target, model)
  } catch (e) {
    if (!(e instanceof CheckError)) throw e
    r = { allowed: 0, denied: 0, wrong: [e.message], gaps: [] }
    console.log(`WRONG ${c.name} ${target}: ${e.message}`)
  }
  allowed += r.allowed
  denied += r.denied
  wrong += r.wrong.length
  gaps.push(...r.gaps)
  perCase.push(`  ${c.name.padEnd(22)} ${target.padEnd(9)} ${r.allowed} allowed, ${r.denied} denied, ${r.wrong.length} wrong (${r.gaps.length} by the core engine)${model.notes.length ? '; ' + [...new Set(model.notes)].join('; ') : ''}`)
}
console.log(perCase.join('\n'))
if (gaps.length) {
  console.log(`rows whose context key the simulator's entry point drops, evaluated by its core engine (docs/security.md):`)
  for (const g of [...new Set(gaps)]) console.log(`  gap ${g}`)
}
const rowsWritten = matrix.specs.reduce((n, s) => n + s.rows.length * s.cases.length, 0)
console.log(`${rowsWritten} rows for ${matrix.specs.reduce((n, s) => n + s.cases.length, 0)} cases (${matrix.specs.length} matrix files), ${models.length} case-target evaluations`)
console.log(`access: ${allowed} allowed as required, ${denied} denied as required, ${wrong} wrong`)
if (wrong) exit = 1

if (runMutations) {
  console.log('\nmutations of the generated policies (each must make a row wrong):')
  for (const m of mutations) {
    const caught = []
    let applied = 0
    for (const { spec, c, target, model } of models) {
      const mutated = clone(model)
      mutated.roles = new Map([...model.roles].map(([k, v]) => [k, clone(v)]))
      mutated.groups = new Map([...model.groups].map(([k, v]) => [k, clone(v)]))
      let n
      try {
        n = m.apply(mutated)
      } catch (e) {
        if (!(e instanceof CheckError)) throw e
        continue
      }
      if (!n) continue
      applied++
      const r = await runCase(spec, c, target, mutated, { quiet: true })
      if (r.wrong.length) caught.push(`${c.name}/${target}: ${r.wrong.length} wrong, first row ${r.wrong[0].split(': expected')[0]}`)
      else caught.push(`${c.name}/${target}: NOT CAUGHT`)
    }
    const missed = caught.filter((x) => x.endsWith('NOT CAUGHT'))
    const ok = applied > 0 && missed.length === 0
    console.log(`${ok ? 'caught' : 'MISSED'} ${m.name}: applied to ${applied} case-targets`)
    for (const x of caught) console.log(`    ${x}`)
    if (!ok) exit = 1
  }
}

// ---- docs/security.md: the matrix as a table, generated from the data ------------------------------
if (docFile) {
  const BEGIN = '<!-- access-matrix: generated by scripts/check-access.sh --write-doc from tests/access/*.yaml; do not edit -->'
  const END = '<!-- end of access-matrix -->'
  const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ')
  const table = (rows) => [
    '| Who | Action | On | Context | Decision | Why |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${cell(r.who)}${r.through ? ' via the ' + cell(r.through) + ' endpoint' : ''} | \`${cell(r.do)}\` | \`${cell(r.on)}\` | ${r.ctx ? Object.entries(r.ctx).map(([k, v]) => `\`${cell(k)}\` = \`${cell([v].flat().join(', '))}\``).join('<br>') : ''} | ${r.expect === 'allow' ? 'allowed' : r.expect === 'deny' ? 'denied' : 'explicitly denied'} | ${cell(r.why)}${r.gap ? ' (simulator gap, section 8)' : ''} |`)
  ]
  const lines = [BEGIN, '']
  for (const [g, rows] of Object.entries(matrix.groups)) {
    lines.push(`#### Row group \`${g}\``, '', ...table(rows), '')
  }
  for (const s of matrix.specs) {
    const cases = s.cases.map((c) => `${c.name} (${c.targets.join(', ')})`).join('; ')
    lines.push(`#### ${s.name}: ${cases}`, '', `Values: ${Object.entries(s.vars).map(([k, v]) => `\`${k}\` = \`${v}\``).join(', ')}.`, '')
    lines.push(`Row groups: ${s.groups.map((g) => '`' + g + '`').join(', ') || 'none'}.`, '')
    const own = s.rows.filter((r) => r.group === 'spec')
    if (own.length) lines.push(...table(own), '')
  }
  lines.push(END)
  const want = lines.join('\n')
  const text = readFileSync(docFile, 'utf8')
  const a = text.indexOf(BEGIN)
  const b = text.indexOf(END)
  if (a < 0 || b < 0) {
    console.log(`WRONG ${docFile}: no access-matrix markers`)
    exit = 1
  } else {
    const updated = text.slice(0, a) + want + text.slice(b + END.length)
    if (updated !== text) {
      if (writeDoc) {
        writeFileSync(docFile, updated)
        console.log(`wrote the access matrix table into ${docFile}`)
      } else {
        console.log(`WRONG ${docFile}: its access-matrix table differs from tests/access/*.yaml; run scripts/check-access.sh --write-doc`)
        exit = 1
      }
    } else {
      console.log(`${docFile}: the access-matrix table matches tests/access/*.yaml`)
    }
  }
}
process.exit(exit)
