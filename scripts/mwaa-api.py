"""A local Amazon MWAA API for the apply checks (moto has no MWAA). Subcommands:

  serve PORT_FILE
      Listens on 127.0.0.1 (a free port, written to PORT_FILE once it listens) and speaks MWAA's
      REST-JSON API as botocore's `mwaa` service model (2020-07-01) describes it: CreateEnvironment,
      GetEnvironment, UpdateEnvironment, DeleteEnvironment, ListEnvironments, TagResource,
      UntagResource and ListTagsForResource. Every request is checked against the model's input
      shape, as AWS's front end does (required members, types, lengths, patterns, enums, ranges), and
      a request that fails is answered 400 ValidationException with a message in AWS's wording
      ("1 validation error detected: Value '...' at '...' failed to satisfy constraint: ...").
      CreateEnvironment also refuses an AirflowVersion that the model's documentation does not list
      as a valid value (the versions MWAA offers for new environments). Environments live in memory
      and are AVAILABLE as soon as they are created.

      The AWS SDKs put the host prefix `api.` before MWAA's endpoint host, so a client reaches this
      server as an HTTP proxy: endpoint `http://mwaa.invalid` with HTTP_PROXY=http://127.0.0.1:PORT
      (absolute request URIs are accepted, any Host). The region comes from the request's SigV4
      credential scope, the account is moto's (123456789012).

      One request outside MWAA's API, for tests: PUT /_local/environments/{Name} with a body shaped
      as GetEnvironment's `Environment` stores it as given (no offered-version check), i.e. an
      environment created long ago on a version MWAA no longer offers.
  selftest
      Starts the server on a free port and, through botocore's own MWAA client (proxied as above),
      shows that a valid environment is created, read, tagged, updated and deleted, and that requests
      the model refuses are refused with the model's message: an option key `Core.Upper` (ConfigKey's
      pattern), a missing required member, an enum value, a version MWAA does not offer.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import threading
import time
import unicodedata
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

ACCOUNT = "123456789012"  # moto's default account: the ARNs of roles and buckets the apply makes


def load_model() -> dict:
    import botocore  # the model only: botocore's data directory

    path = Path(botocore.__file__).parent / "data" / "mwaa" / "2020-07-01" / "service-2.json.gz"
    return json.loads(gzip.decompress(path.read_bytes()))


MODEL = load_model()
SHAPES = MODEL["shapes"]


def offered_versions() -> list[str]:
    """CreateEnvironmentInput.AirflowVersion's documentation: "Valid values: <code>2.7.2</code>, ..."."""
    doc = SHAPES["CreateEnvironmentInput"]["members"]["AirflowVersion"]["documentation"]
    tail = doc.split("Valid values:", 1)
    if len(tail) != 2:
        sys.exit("error: botocore's CreateEnvironmentInput.AirflowVersion no longer lists its valid values")
    return re.findall(r"<code>([^<]+)</code>", tail[1])


OFFERED = offered_versions()

# --- the model's patterns ------------------------------------------------------------------------
# The model's patterns are Java regular expressions matched against the whole value. Python's re
# reads all of MWAA's but the Unicode classes \p{L}, \p{Z}, \p{N} of TagKey/TagValue; a character
# class holding them is checked character by character (unicodedata categories).
CLASS_WITH_P = re.compile(r"^\(?\[((?:\\p\{[A-Z]\}|\\.|[^\]\\])*)\]\*\)?$")


def compile_pattern(pattern: str):
    if "\\p{" not in pattern:
        rx = re.compile(pattern)
        return lambda s: rx.fullmatch(s) is not None
    m = CLASS_WITH_P.match(pattern)
    if not m:
        sys.exit(f"error: the model's pattern {pattern!r} is not one this server can read")
    body = m.group(1)
    cats = set(re.findall(r"\\p\{([A-Z])\}", body))
    rest = re.sub(r"\\p\{[A-Z]\}", "", body)
    literal = set(re.sub(r"\\(.)", r"\1", rest))
    return lambda s: all(unicodedata.category(c)[0] in cats or c in literal for c in s)


PATTERNS = {name: compile_pattern(s["pattern"]) for name, s in SHAPES.items() if "pattern" in s}


def lower_camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def shown(value, sensitive: bool) -> str:
    if sensitive:
        return "***"
    if isinstance(value, list):  # as AWS prints a list: [a, b]
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def check(shape_name: str, value, path: str, errors: list, sensitive=False):
    """Appends to errors each way value breaks the model's shape (AWS's wording)."""
    shape = SHAPES[shape_name]
    sensitive = sensitive or shape.get("sensitive", False)
    kind = shape["type"]

    def fail(constraint):
        errors.append(f"Value '{shown(value, sensitive)}' at '{path}' failed to satisfy constraint: {constraint}")

    if kind == "structure":
        if not isinstance(value, dict):
            return fail("Member must be a structure")
        for req in shape.get("required", []):
            if value.get(req) is None:
                errors.append(f"Value null at '{path + '.' if path else ''}{lower_camel(req)}' failed to satisfy "
                              "constraint: Member must not be null")
        for name, member in shape.get("members", {}).items():
            if value.get(name) is not None:
                check(member["shape"], value[name], f"{path + '.' if path else ''}{lower_camel(name)}", errors, sensitive)
    elif kind == "string":
        if not isinstance(value, str):
            return fail("Member must be a string")
        if "enum" in shape and value not in shape["enum"]:
            fail(f"Member must satisfy enum value set: [{', '.join(shape['enum'])}]")
        if "min" in shape and len(value) < shape["min"]:
            fail(f"Member must have length greater than or equal to {shape['min']}")
        if "max" in shape and len(value) > shape["max"]:
            fail(f"Member must have length less than or equal to {shape['max']}")
        if shape_name in PATTERNS and value and not PATTERNS[shape_name](value):
            fail(f"Member must satisfy regular expression pattern: {shape['pattern']}")
    elif kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            return fail("Member must be an integer")
        if "min" in shape and value < shape["min"]:
            fail(f"Member must have value greater than or equal to {shape['min']}")
        if "max" in shape and value > shape["max"]:
            fail(f"Member must have value less than or equal to {shape['max']}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            fail("Member must be a boolean")
    elif kind == "list":
        if not isinstance(value, list):
            return fail("Member must be a list")
        if "min" in shape and len(value) < shape["min"]:
            fail(f"Member must have length greater than or equal to {shape['min']}")
        if "max" in shape and len(value) > shape["max"]:
            fail(f"Member must have length less than or equal to {shape['max']}")
        for i, item in enumerate(value):
            check(shape["member"]["shape"], item, f"{path}.{i + 1}.member", errors, sensitive)
    elif kind == "map":
        if not isinstance(value, dict):
            return fail("Member must be a map")
        if "min" in shape and len(value) < shape["min"]:
            fail(f"Member must have length greater than or equal to {shape['min']}")
        if "max" in shape and len(value) > shape["max"]:
            fail(f"Member must have length less than or equal to {shape['max']}")
        for k, v in value.items():
            key_errors, value_errors = [], []
            check(shape["key"]["shape"], k, path, key_errors)
            check(shape["value"]["shape"], v, path, value_errors, sensitive)
            # AWS names the key that fails and wraps the key's or value's constraints.
            for e in key_errors:
                errors.append(f"Value '{k}' at '{path}' failed to satisfy constraint: Map keys must satisfy "
                              f"constraint: [{e.split('failed to satisfy constraint: ', 1)[1]}]")
            for e in value_errors:
                errors.append(f"Value '{shown(v, sensitive)}' at '{path}.{k}' failed to satisfy constraint: Map value "
                              f"must satisfy constraint: [{e.split('failed to satisfy constraint: ', 1)[1]}]")


class ApiError(Exception):
    def __init__(self, status: int, kind: str, message: str):
        super().__init__(message)
        self.status, self.kind, self.message = status, kind, message


def validate(shape_name: str, request: dict):
    errors: list[str] = []
    check(shape_name, request, "", errors)
    if errors:
        n = len(errors)
        raise ApiError(400, "ValidationException",
                       f"{n} validation error{'s' if n > 1 else ''} detected: {'; '.join(errors)}")


# --- the environments -----------------------------------------------------------------------------
ENVIRONMENTS: dict[str, dict] = {}
LOCK = threading.Lock()
MODULES = {"DagProcessingLogs": "DAGProcessing", "SchedulerLogs": "Scheduler", "TaskLogs": "Task",
           "WebserverLogs": "WebServer", "WorkerLogs": "Worker"}


def env_arn(region: str, name: str) -> str:
    return f"arn:aws:airflow:{region}:{ACCOUNT}:environment/{name}"


def logging_out(region: str, name: str, given: dict | None, before: dict | None) -> dict:
    out = {}
    for module, suffix in MODULES.items():
        conf = dict((before or {}).get(module) or {"Enabled": False, "LogLevel": "INFO"})
        conf.update((given or {}).get(module) or {})
        conf.pop("CloudWatchLogGroupArn", None)
        if conf.get("Enabled"):
            # MWAA's log groups: airflow-ENV-Module (MWAA user guide, monitoring-airflow: "Viewing Airflow logs").
            conf["CloudWatchLogGroupArn"] = f"arn:aws:logs:{region}:{ACCOUNT}:log-group:airflow-{name}-{suffix}"
        out[module] = conf
    return out


def endpoint_service(region: str, name: str, kind: str) -> str:
    digest = format(abs(hash((name, kind))) % (16 ** 17), "017x")
    return f"com.amazonaws.vpce.{region}.vpce-svc-{digest}"


def create(region: str, name: str, body: dict, offered_only=True) -> dict:
    request = dict(body, Name=name)
    validate("CreateEnvironmentInput", request)
    version = request.get("AirflowVersion") or OFFERED[-1]
    if offered_only and version not in OFFERED:
        raise ApiError(400, "ValidationException",
                       f"Invalid AirflowVersion '{version}': valid values are {', '.join(OFFERED)}")
    with LOCK:
        if name in ENVIRONMENTS:
            raise ApiError(400, "ValidationException", f"Environment {name} already exists")
        now = time.time()
        env = {k: v for k, v in request.items() if k not in ("LoggingConfiguration",)}
        env.update({
            "Arn": env_arn(region, name),
            "Status": "AVAILABLE",
            "CreatedAt": now,
            "AirflowVersion": version,
            # Defaults as the model's documentation of CreateEnvironmentInput gives them.
            "EnvironmentClass": request.get("EnvironmentClass", "mw1.small"),
            "MaxWorkers": request.get("MaxWorkers", 10),
            "MinWorkers": request.get("MinWorkers", 1),
            "Schedulers": request.get("Schedulers", 2),
            "MinWebservers": request.get("MinWebservers", 2),
            "MaxWebservers": request.get("MaxWebservers", 2),
            "WebserverAccessMode": request.get("WebserverAccessMode", "PRIVATE_ONLY"),
            "EndpointManagement": request.get("EndpointManagement", "SERVICE"),
            "WeeklyMaintenanceWindowStart": request.get("WeeklyMaintenanceWindowStart", "SUN:03:00"),
            "AirflowConfigurationOptions": request.get("AirflowConfigurationOptions", {}),
            "Tags": request.get("Tags", {}),
            "LoggingConfiguration": logging_out(region, name, request.get("LoggingConfiguration"), None),
            "ServiceRoleArn": f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/airflow.amazonaws.com/"
                              "AWSServiceRoleForAmazonMWAA",
            "WebserverUrl": f"{name.lower()}.{region}.airflow.amazonaws.com",
            "CeleryExecutorQueue": f"arn:aws:sqs:{region}:{ACCOUNT}:airflow-celery-{name}",
            "DatabaseVpcEndpointService": endpoint_service(region, name, "database"),
            "LastUpdate": {"Status": "SUCCESS", "CreatedAt": now, "Source": "CREATE"},
        })
        if env["WebserverAccessMode"] != "PUBLIC_ONLY":
            env["WebserverVpcEndpointService"] = endpoint_service(region, name, "webserver")
        ENVIRONMENTS[name] = env
        return {"Arn": env["Arn"]}


def seed(region: str, name: str, body: dict) -> dict:
    """The local-only PUT /_local/environments/{Name}: an environment as GetEnvironment shows it."""
    given = dict(body)
    request = {k: given[k] for k in SHAPES["CreateEnvironmentInput"]["members"] if k in given}
    logging = given.get("LoggingConfiguration")
    if logging:
        request["LoggingConfiguration"] = {m: {"Enabled": c["Enabled"], "LogLevel": c["LogLevel"]}
                                           for m, c in logging.items()}
    out = create(region, name, request, offered_only=False)
    return out


def get(name: str) -> dict:
    validate("GetEnvironmentInput", {"Name": name})
    with LOCK:
        if name not in ENVIRONMENTS:
            raise ApiError(404, "ResourceNotFoundException", f"Environment {name} does not exist")
        return {"Environment": json.loads(json.dumps(ENVIRONMENTS[name]))}


def update(region: str, name: str, body: dict) -> dict:
    request = dict(body, Name=name)
    validate("UpdateEnvironmentInput", request)
    version = request.get("AirflowVersion")
    if version is not None and version not in OFFERED:
        raise ApiError(400, "ValidationException",
                       f"Invalid AirflowVersion '{version}': valid values are {', '.join(OFFERED)}")
    with LOCK:
        env = ENVIRONMENTS.get(name)
        if env is None:
            raise ApiError(404, "ResourceNotFoundException", f"Environment {name} does not exist")
        for key, value in request.items():
            if key in ("Name", "LoggingConfiguration", "NetworkConfiguration", "WorkerReplacementStrategy"):
                continue
            env[key] = value
        if "NetworkConfiguration" in request:
            env["NetworkConfiguration"] = dict(env.get("NetworkConfiguration", {}),
                                               SecurityGroupIds=request["NetworkConfiguration"]["SecurityGroupIds"])
        if "LoggingConfiguration" in request:
            env["LoggingConfiguration"] = logging_out(region, name, request["LoggingConfiguration"],
                                                      env["LoggingConfiguration"])
        env["LastUpdate"] = {"Status": "SUCCESS", "CreatedAt": time.time(), "Source": "UPDATE"}
        if "WorkerReplacementStrategy" in request:
            env["LastUpdate"]["WorkerReplacementStrategy"] = request["WorkerReplacementStrategy"]
        return {"Arn": env["Arn"]}


def delete(name: str) -> dict:
    validate("DeleteEnvironmentInput", {"Name": name})
    with LOCK:
        if ENVIRONMENTS.pop(name, None) is None:
            raise ApiError(404, "ResourceNotFoundException", f"Environment {name} does not exist")
    return {}


def by_arn(arn: str) -> dict:
    with LOCK:
        for env in ENVIRONMENTS.values():
            if env["Arn"] == arn:
                return env
    raise ApiError(404, "ResourceNotFoundException", f"Resource {arn} does not exist")


def tag(arn: str, body: dict) -> dict:
    validate("TagResourceInput", dict(body, ResourceArn=arn))
    env = by_arn(arn)
    with LOCK:
        env["Tags"] = dict(env.get("Tags", {}), **body["Tags"])
    return {}


def untag(arn: str, keys: list[str]) -> dict:
    validate("UntagResourceInput", {"ResourceArn": arn, "tagKeys": keys})
    env = by_arn(arn)
    with LOCK:
        env["Tags"] = {k: v for k, v in env.get("Tags", {}).items() if k not in keys}
    return {}


def list_tags(arn: str) -> dict:
    validate("ListTagsForResourceInput", {"ResourceArn": arn})
    return {"Tags": dict(by_arn(arn).get("Tags", {}))}


def list_environments(query: dict) -> dict:
    request = {}
    if "MaxResults" in query:
        try:
            request["MaxResults"] = int(query["MaxResults"][0])
        except ValueError:
            request["MaxResults"] = query["MaxResults"][0]
    validate("ListEnvironmentsInput", request)
    with LOCK:
        return {"Environments": sorted(ENVIRONMENTS)}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    quiet = False

    def log_message(self, fmt, *args):
        if not self.quiet:
            sys.stderr.write(f"mwaa-api: {fmt % args}\n")

    def region(self) -> str:
        m = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/", self.headers.get("Authorization", ""))
        return m.group(1) if m else "us-east-1"

    def route(self, method: str):
        url = urlsplit(self.path)  # absolute when this server is the client's proxy
        parts = [unquote(p) for p in url.path.split("/") if p]
        query = parse_qs(url.query)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw.strip() else {}
        except json.JSONDecodeError as e:
            raise ApiError(400, "SerializationException", f"the request body is not JSON: {e}")
        region = self.region()
        if parts[:1] == ["environments"] and len(parts) == 2:
            name = parts[1]
            if method == "PUT":
                return create(region, name, body)
            if method == "GET":
                return get(name)
            if method == "PATCH":
                return update(region, name, body)
            if method == "DELETE":
                return delete(name)
        if parts == ["environments"] and method == "GET":
            return list_environments(query)
        if parts[:1] == ["tags"] and len(parts) >= 2:
            arn = unquote(url.path.split("/tags/", 1)[1])
            if method == "POST":
                return tag(arn, body)
            if method == "DELETE":
                return untag(arn, query.get("tagKeys", []))
            if method == "GET":
                return list_tags(arn)
        if parts[:2] == ["_local", "environments"] and len(parts) == 3 and method == "PUT":
            return seed(region, parts[2], body)
        raise ApiError(404, "UnknownOperationException", f"no MWAA operation is {method} {url.path}")

    def answer(self, method: str):
        try:
            status, out = 200, self.route(method)
            headers = {}
        except ApiError as e:
            status, out = e.status, {"message": e.message}
            headers = {"x-amzn-ErrorType": e.kind}
            if not self.quiet:
                sys.stderr.write(f"mwaa-api: {method} {self.path}: {e.status} {e.kind}: {e.message}\n")
        data = json.dumps(out).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.answer("GET")

    def do_PUT(self):
        self.answer("PUT")

    def do_POST(self):
        self.answer("POST")

    def do_PATCH(self):
        self.answer("PATCH")

    def do_DELETE(self):
        self.answer("DELETE")


def serve(port_file: Path | None):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    if port_file:
        port_file.write_text(f"{port}\n")
    if not Handler.quiet:
        sys.stderr.write(f"mwaa-api: botocore's mwaa model {MODEL['metadata']['apiVersion']}, versions offered "
                     f"{', '.join(OFFERED)}; listening on 127.0.0.1:{port}\n")
    return server


def client(port: int):
    """botocore's MWAA client, reaching this server as its proxy, as the Terraform provider does."""
    import botocore.session
    from botocore.config import Config

    session = botocore.session.get_session()
    return session.create_client(
        "mwaa", region_name="us-east-1", endpoint_url="http://mwaa.invalid",
        aws_access_key_id="testing", aws_secret_access_key="testing",
        config=Config(proxies={"http": f"http://127.0.0.1:{port}"}, retries={"max_attempts": 1},
                      # AWS's front end checks what reaches it, whatever the client checked: botocore's own
                      # client-side checks are off so that the server sees what another client may send.
                      parameter_validation=False))


def selftest() -> int:
    from botocore.exceptions import ClientError

    Handler.quiet = True
    server = serve(None)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    c = client(server.server_address[1])
    base = {"Name": "selftest", "ExecutionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/mwaa",
            "SourceBucketArn": "arn:aws:s3:::dags", "DagS3Path": "dags",
            "NetworkConfiguration": {"SubnetIds": ["subnet-1", "subnet-2"], "SecurityGroupIds": ["sg-1"]},
            "AirflowConfigurationOptions": {"core.default_task_retries": "3"},
            "LoggingConfiguration": {"TaskLogs": {"Enabled": True, "LogLevel": "WARNING"}},
            "Tags": {"Team": "data"}}
    failures = []

    def refused(what: str, expect: str, **request):
        request["Name"] = "refused-" + re.sub(r"[^0-9a-zA-Z]", "-", what)  # its own name if it is accepted
        try:
            c.create_environment(**request)
        except ClientError as e:
            err = e.response["Error"]
            if err["Code"] != "ValidationException" or expect not in err["Message"]:
                failures.append(f"{what}: answered {err['Code']}: {err['Message']}")
            return
        failures.append(f"{what}: accepted")

    refused("option key Core.Upper", "Value 'Core.Upper' at 'airflowConfigurationOptions' failed to satisfy "
            "constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: "
            "[a-z]+([a-z0-9._]*[a-z0-9_]+)?]",
            **dict(base, AirflowConfigurationOptions={"Core.Upper": "1"}))
    refused("missing DagS3Path", "Value null at 'dagS3Path' failed to satisfy constraint: Member must not be null",
            **{k: v for k, v in base.items() if k != "DagS3Path"})
    refused("access mode", "Member must satisfy enum value set: [PRIVATE_ONLY, PUBLIC_ONLY, PUBLIC_AND_PRIVATE]",
            **dict(base, WebserverAccessMode="PUBLIC"))
    refused("one subnet", "at 'networkConfiguration.subnetIds' failed to satisfy constraint: Member must have "
            "length greater than or equal to 2", **dict(base, NetworkConfiguration={"SubnetIds": ["subnet-1"]}))
    refused("tag value", "at 'tags.Team' failed to satisfy constraint: Map value must satisfy constraint",
            **dict(base, Tags={"Team": "a\u0301"}))
    refused("version 2.6.3", "Invalid AirflowVersion '2.6.3'", **dict(base, AirflowVersion="2.6.3"))

    arn = c.create_environment(**base)["Arn"]
    env = c.get_environment(Name="selftest")["Environment"]
    if env["Status"] != "AVAILABLE" or env["AirflowVersion"] != OFFERED[-1] or \
            env["LoggingConfiguration"]["TaskLogs"]["CloudWatchLogGroupArn"] != \
            f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:airflow-selftest-Task":
        failures.append(f"get-environment after create: {env}")
    c.tag_resource(ResourceArn=arn, Tags={"Stage": "test"})
    c.untag_resource(ResourceArn=arn, tagKeys=["Team"])
    if c.list_tags_for_resource(ResourceArn=arn)["Tags"] != {"Stage": "test"}:
        failures.append("tags after tag/untag")
    c.update_environment(Name="selftest", MaxWorkers=3)
    if c.get_environment(Name="selftest")["Environment"]["MaxWorkers"] != 3:
        failures.append("update of MaxWorkers")
    if c.list_environments()["Environments"] != ["selftest"]:
        failures.append("list-environments")
    c.delete_environment(Name="selftest")
    try:
        c.get_environment(Name="selftest")
        failures.append("get-environment after delete: found")
    except c.exceptions.ResourceNotFoundException:
        pass
    server.shutdown()
    for f in failures:
        print(f"selftest: {f}")
    if failures:
        return 1
    print(f"ok   mwaa-api.py: botocore's MWAA client creates, reads, tags, updates and deletes; 6 requests the "
          f"model refuses are refused with its message (self-test)")
    return 0


def main(argv):
    if argv == ["selftest"]:
        return selftest()
    if len(argv) == 2 and argv[0] == "serve":
        server = serve(Path(argv[1]))
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
