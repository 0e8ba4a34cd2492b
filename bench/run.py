#!/usr/bin/env python3
"""Times whole mwaagen processes: wall time, CPU time and peak memory (max RSS).

1. One process per target for the built-in default spec (`--target ir` has no templates: the
   difference to the others is template parsing plus rendering), and `--target all --out DIR`.
2. `mwaagen --target all --out DIR` over 1, 10, 100 and 1000 generated specs, then `--check` of
   the same folder: how time and memory grow with the number of specs.
3. Side by side: `mwaagen --target cfn` and `npx cdk synth` of the CDK app that mwaagen generates
   for the same spec (both produce the CloudFormation template of the same architecture), runs
   interleaved so that both see the same machine, and the ratio of their median wall times.
4. `npx cdk synth` of the one CDK app that `mwaagen specs/*.toml --target cdk` writes (a stack per
   environment) beside the synth of each spec's own app, one after the other (what CI did before).

Usage: python3 bench/run.py [--runs N] [--counts 1,10,100,1000] [--skip-cdk] [--parts 1,2,3,4] [--json FILE]
Needs a release build (`cargo build --release`, or MWAAGEN_BIN=path). Part 3 needs node/npm and the
npm packages that scripts/check-cdk.sh installs under .cache/cdk-deps: run
`MWAAGEN_BIN=<release binary> bash scripts/check-cdk.sh specs/default.toml` once first.

Other processes on the machine (a build, say) slow the wall times down: the load average is
printed before and after, and CPU time (user + system) is printed beside each wall time.

Writing 20,000 files costs the kernel more when the file system is busy: output folders are never
deleted and re-created between runs (each run writes to a new folder, all removed at the end), and
dirty pages are synced before each timed write and check. Still, on ext4 the system time of the 1000-spec
write grows when many files were created or deleted shortly before (by an earlier benchmark run,
for one); `--out-root /dev/shm` writes to tmpfs instead, which measures mwaagen rather than the disk.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(os.environ.get("MWAAGEN_BIN", ROOT / os.environ.get("CARGO_TARGET_DIR", "target") / "release" / "mwaagen"))

def measure(cmd, cwd=None, env=None):
    """Runs cmd once; returns (wall s, CPU s) of that process and its children.

    The process is started from this long-lived interpreter and reaped with wait4, whose resource
    usage covers that one child. An earlier version started a new Python interpreter before each
    run; its start-up evicted the CPU caches and about doubled the time of a 2 ms process.
    """
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            sys.exit(f"command failed: {' '.join(map(str, cmd))}\n{err.read().decode(errors='replace')}")
    return wall, usage.ru_utime + usage.ru_stime


def peak_mib(cmd, cwd=None, env=None):
    """Peak memory (max RSS, MiB) of one run of cmd, its children included, through GNU time.

    Not from the timed runs: a process started from Python counts the interpreter's own pages in
    its max RSS (the child is the interpreter until it calls exec), ~16 MiB here. GNU time is small
    and starts the command with fork and exec, so what it reports is the command's own peak.
    """
    gnu_time = Path("/usr/bin/time")
    if not gnu_time.exists():
        sys.exit("peak memory needs GNU time at /usr/bin/time (Debian/Ubuntu package `time`)")
    r = subprocess.run([str(gnu_time), "-f", "mwaagen-bench-peak-kib %M", *map(str, cmd)], cwd=cwd, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    lines = [line for line in r.stderr.splitlines() if line.startswith("mwaagen-bench-peak-kib ")]
    if r.returncode != 0 or not lines:
        sys.exit(f"command failed: {' '.join(map(str, cmd))}\n{r.stderr}")
    return int(lines[-1].split()[1]) / 1024


def summary(results):
    """Median wall and median CPU of several measurements."""
    return statistics.median(r[0] for r in results), statistics.median(r[1] for r in results)


def make_specs(dest: Path, count: int):
    """count specs, cycling through the examples under specs/, each with its own environment name."""
    examples = sorted((ROOT / "specs").glob("*.toml"))
    paths = []
    for i in range(count):
        out, in_env, renamed = [], False, False
        for line in examples[i % len(examples)].read_text().splitlines():
            in_env = (line.strip() == "[environment]") or (in_env and not line.startswith("["))
            if in_env and not renamed and line.startswith("name = "):
                line, renamed = f'name = "bench-{i:04d}"', True
            out.append(line)
        if not renamed:
            sys.exit(f"{examples[i % len(examples)]}: no name in [environment] to rename")
        path = dest / f"spec-{i:04d}.toml"
        path.write_text("\n".join(out) + "\n")
        paths.append(str(path))
    return paths


def synced(f, *args, **kw):
    """Flushes dirty pages first, so that an earlier run's writeback does not land on this one."""
    os.sync()
    return f(*args, **kw)


def loadavg():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def machine():
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    version = subprocess.run([BIN, "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
        "cores": os.cpu_count(), "cpu": model, "kernel": platform.release(), "binary": str(BIN),
        "version": version,
    }


def part1(tmp: Path, runs: int, report):
    print("\n1. built-in default spec, one process each (median of %d, the commands taking turns;"
          " CPU = user + system)" % runs)
    print(f"   {'command':<42} {'wall ms':>8} {'CPU ms':>8} {'peak MiB':>9}")
    commands = [(f"mwaagen --target {t}", lambda i, t=t: [BIN, "--target", t]) for t in ["ir", "cfn", "terraform", "cdk", "all"]]
    commands.append(("mwaagen --target all --out DIR (new DIR)",
                     lambda i: [BIN, "--target", "all", "--out", tmp / f"default-{i}"]))
    for _, cmd in commands:
        measure(cmd("warm-up"))  # not counted: binary and page cache loaded
    # Round robin, so that a slow minute of the machine slows every command alike; synced, so that
    # the writeback of the files an earlier --out run wrote does not compete with the next run.
    results = {label: [] for label, _ in commands}
    for i in range(runs):
        for label, cmd in commands:
            results[label].append(synced(measure, cmd(i)))
    rows = []
    for label, cmd in commands:
        wall, cpu = summary(results[label])
        rows.append({"command": label, "wall_ms": wall * 1000, "cpu_ms": cpu * 1000, "peak_mib": peak_mib(cmd("peak"))})
    for r in rows:
        print(f"   {r['command']:<42} {r['wall_ms']:>8.1f} {r['cpu_ms']:>8.1f} {r['peak_mib']:>9.1f}")
    report["part1"] = rows


def part2(tmp: Path, runs: int, counts, report):
    print("\n2. --target all over N generated specs into a new folder, then --check of that folder")
    print(f"   (median of {runs} runs, 3 for N >= 1000; peak memory of one more run, through GNU time)")
    print(f"   {'specs':>6} {'files':>6} {'write s':>8} {'ms/spec':>8} {'CPU s':>7} {'peak MiB':>9}"
          f" {'check s':>8} {'ms/spec':>8} {'peak MiB':>9}")
    rows = []
    for n in counts:
        spec_dir = tmp / f"specs-{n}"
        spec_dir.mkdir()
        specs = make_specs(spec_dir, n)
        k = runs if n < 1000 else min(runs, 3)
        outs = [tmp / f"out-{n}-{i}" for i in range(k)]
        write = summary([synced(measure, [BIN, "--target", "all", "--out", out, *specs]) for out in outs])
        write += (synced(peak_mib, [BIN, "--target", "all", "--out", tmp / f"out-{n}-peak", *specs]),)
        check_cmd = [BIN, "--target", "all", "--out", outs[0], "--check", *specs]
        check = summary([synced(measure, check_cmd) for _ in range(k)]) + (peak_mib(check_cmd),)
        files = sum(1 for p in outs[0].rglob("*") if p.is_file())
        row = {"specs": n, "files": files, "write_s": write[0], "write_cpu_s": write[1], "write_peak_mib": write[2],
               "check_s": check[0], "check_cpu_s": check[1], "check_peak_mib": check[2]}
        rows.append(row)
        print(f"   {n:>6} {files:>6} {write[0]:>8.3f} {write[0] / n * 1000:>8.2f} {write[1]:>7.2f} {write[2]:>9.1f}"
              f" {check[0]:>8.3f} {check[0] / n * 1000:>8.2f} {check[2]:>9.1f}")
    if len(rows) >= 2 and rows[-2]["specs"] > 1:
        a, b = rows[-2], rows[-1]
        print(f"   growth {a['specs']} -> {b['specs']} specs: write x{b['write_s'] / a['write_s']:.1f},"
              f" check x{b['check_s'] / a['check_s']:.1f} (x{b['specs'] / a['specs']:.0f} would be linear)")
    report["part2"] = rows


def cdk_deps_key(package_json: Path):
    p = json.loads(package_json.read_text())
    return {"dependencies": p.get("dependencies"), "devDependencies": p.get("devDependencies")}


CACHE = Path(os.environ.get("MWAAGEN_CACHE", ROOT / ".cache"))


def synth_env(tmp: Path):
    """Offline and without credentials, as scripts/check-cdk.sh synthesizes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(CDK_DISABLE_CLI_TELEMETRY="true", AWS_EC2_METADATA_DISABLED="true",
               AWS_CONFIG_FILE=str(tmp / "no-aws-config"), AWS_SHARED_CREDENTIALS_FILE=str(tmp / "no-aws-credentials"))
    return env


def part4(tmp: Path, runs: int, report):
    deps = CACHE / "cdk-deps"
    if not (deps / "node_modules").exists():
        sys.exit(f"\n4. needs {deps}/node_modules: run scripts/check-cdk.sh once first (or leave out part 4)")
    specs = sorted((ROOT / "specs").glob("*.toml"))
    env = synth_env(tmp)
    synth_cmd = ["npx", "--no-install", "cdk", "synth", "--quiet", "--no-notices", "-o", "cdk.out"]
    multi = tmp / "multi"
    subprocess.run([BIN, *specs, "--target", "cdk", "--out", multi], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    app = multi / "cdk"
    (app / "node_modules").symlink_to(deps / "node_modules")
    apps = []
    for spec in specs:
        one = tmp / f"one-{spec.stem}"
        subprocess.run([BIN, spec, "--target", "cdk", "--out", one], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        (one / "node_modules").symlink_to(deps / "node_modules")
        apps.append(one)
    measure(synth_cmd, cwd=app, env=env)  # once to warm caches (node, tsc), not counted
    together, apart = [], []
    for _ in range(runs):
        together.append(measure(synth_cmd, cwd=app, env=env))
        walls = [measure(synth_cmd, cwd=a, env=env) for a in apps]
        apart.append((sum(w for w, _ in walls), sum(c for _, c in walls)))
    t, a = summary(together), summary(apart)
    print(f"\n4. cdk synth of {len(specs)} environments (median of {runs} runs, interleaved)")
    print(f"   {'command':<50} {'wall s':>8} {'CPU s':>8}")
    print(f"   {'one app, a stack per environment':<50} {t[0]:>8.1f} {t[1]:>8.1f}")
    print(f"   {f'{len(specs)} apps, one after the other':<50} {a[0]:>8.1f} {a[1]:>8.1f}")
    print(f"   the one app takes {t[0] / a[0]:.2f}x the time of the separate apps")
    report["part4"] = {"environments": len(specs), "one_app_wall_s": t[0], "one_app_cpu_s": t[1],
                       "separate_apps_wall_s": a[0], "separate_apps_cpu_s": a[1]}


def part3(tmp: Path, runs: int, spec, report):
    deps = CACHE / "cdk-deps"
    if not (deps / "node_modules").exists():
        sys.exit(f"\n3. needs {deps}/node_modules: run `MWAAGEN_BIN={BIN} bash scripts/check-cdk.sh"
                 " specs/default.toml` once first (or pass --skip-cdk)")
    spec_args = [spec] if spec else []
    app = tmp / "cdk-app"
    subprocess.run([BIN, *spec_args, "--target", "cdk", "--out", app], check=True, stdout=subprocess.DEVNULL)
    installed = json.loads((deps / "deps.json").read_text()) if (deps / "deps.json").exists() else None
    if installed != cdk_deps_key(app / "package.json"):
        sys.exit(f"\n3. {deps} holds other npm packages than the generated package.json asks for:"
                 " run scripts/check-cdk.sh once to update them")
    (app / "node_modules").symlink_to(deps / "node_modules")
    # Offline and without credentials, as scripts/check-cdk.sh synthesizes.
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(CDK_DISABLE_CLI_TELEMETRY="true", AWS_EC2_METADATA_DISABLED="true",
               AWS_CONFIG_FILE=str(tmp / "no-aws-config"), AWS_SHARED_CREDENTIALS_FILE=str(tmp / "no-aws-credentials"))
    synth_cmd = ["npx", "--no-install", "cdk", "synth", "--quiet", "--no-notices", "-o", "cdk.out"]
    gen_cmd = [BIN, *spec_args, "--target", "cfn"]
    measure(synth_cmd, cwd=app, env=env)  # once to warm caches (node, tsc), not counted
    synth, gen = [], []
    for _ in range(runs):
        synth.append(measure(synth_cmd, cwd=app, env=env))
        # As many mwaagen runs as fit in the same minute of machine time, interleaved.
        gen.extend(measure(gen_cmd) for _ in range(5))
    s = summary(synth) + (peak_mib(synth_cmd, cwd=app, env=env),)
    g = summary(gen) + (peak_mib(gen_cmd),)
    label = spec or "built-in default spec"
    print(f"\n3. CloudFormation template of the {label}: mwaagen vs cdk synth of the generated app"
          f" (median of {len(gen)} and {len(synth)} runs, interleaved)")
    print(f"   {'command':<42} {'wall ms':>9} {'CPU ms':>9} {'peak MiB':>9}")
    print(f"   {'mwaagen --target cfn':<42} {g[0] * 1000:>9.1f} {g[1] * 1000:>9.1f} {g[2]:>9.1f}")
    print(f"   {'npx cdk synth (tsc, then the app)':<42} {s[0] * 1000:>9.0f} {s[1] * 1000:>9.0f} {s[2]:>9.1f}")
    print(f"   ratio of wall times: cdk synth takes {s[0] / g[0]:.0f}x as long as mwaagen")
    report["part3"] = {"spec": label, "mwaagen_wall_ms": g[0] * 1000, "mwaagen_cpu_ms": g[1] * 1000,
                       "mwaagen_peak_mib": g[2], "synth_wall_ms": s[0] * 1000, "synth_cpu_ms": s[1] * 1000,
                       "synth_peak_mib": s[2], "ratio": s[0] / g[0]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="runs per measurement (part 1 uses 4x as many)")
    ap.add_argument("--counts", default="1,10,100,1000", help="numbers of specs for part 2")
    ap.add_argument("--cdk-spec", default="", help="spec for part 3 (default: the built-in default spec)")
    ap.add_argument("--skip-cdk", action="store_true", help="skip part 3")
    ap.add_argument("--parts", default="1,2,3", help="which parts to run (4: one CDK app of several specs)")
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument("--out-root", help="where the temporary specs and output folders go (default: the system's)")
    args = ap.parse_args()
    if not BIN.exists():
        sys.exit(f"{BIN} not found: run cargo build --release first (or set MWAAGEN_BIN)")
    parts = {int(p) for p in args.parts.split(",")}
    report = {"machine": machine(), "out_root": args.out_root or tempfile.gettempdir()}
    m = report["machine"]
    print(f"{m['date']}, commit {m['commit']}, {m['version']}")
    print(f"machine: {m['cores']} cores, {m['cpu']}, Linux {m['kernel']}; binary: {m['binary']}")
    report["load_before"] = loadavg()
    print(f"load average before: {report['load_before']}")

    print(f"output folders under: {args.out_root or tempfile.gettempdir()}")
    with tempfile.TemporaryDirectory(prefix="mwaagen-bench-", dir=args.out_root) as tmp:
        tmp = Path(tmp)
        if 1 in parts:
            part1(tmp, max(args.runs * 4, 20), report)
        if 2 in parts:
            part2(tmp, args.runs, [int(c) for c in args.counts.split(",")], report)
        if 3 in parts and not args.skip_cdk:
            part3(tmp, max(3, args.runs), args.cdk_spec, report)
        elif 3 in parts:
            print("\n3. skipped (--skip-cdk)")
        if 4 in parts and not args.skip_cdk:
            part4(tmp, max(1, args.runs // 3), report)
    report["load_after"] = loadavg()
    print(f"\nload average after: {report['load_after']}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
