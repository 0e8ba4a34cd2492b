#!/usr/bin/env python3
"""Times whole mwaagen processes: wall time and peak memory (max RSS).

1. `mwaagen --target all` for the built-in default spec (one process, all three targets).
2. `mwaagen --target all --out DIR` over 1, 10, 100 and 1000 generated specs: growth of time and memory.
3. Side by side: `mwaagen --target cfn` and `cdk synth` of the CDK app mwaagen generates for the same
   spec (both produce the CloudFormation template), as a ratio.

Usage: python3 bench/run.py [--runs N] [--counts 1,10,100,1000] [--skip-cdk]
Needs a release build (`cargo build --release`); part 3 needs the npm packages that
scripts/check-cdk.sh installs under .cache/ (run it once first).
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(os.environ.get("MWAAGEN_BIN", ROOT / os.environ.get("CARGO_TARGET_DIR", "target") / "release" / "mwaagen"))


def measure(cmd, cwd=None, env=None):
    """Runs cmd once; returns (wall seconds, peak RSS in MiB). A fresh helper process runs the
    command so that RUSAGE_CHILDREN's max RSS is this command's alone."""
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, *map(str, cmd)],
        cwd=cwd, env=env, capture_output=True, text=True, check=False,
    )
    if probe.returncode != 0:
        sys.exit(f"command failed: {' '.join(map(str, cmd))}\n{probe.stdout}\n{probe.stderr}")
    wall, rss_kib = probe.stdout.split()
    return float(wall), int(rss_kib) / 1024


PROBE = """
import resource, subprocess, sys, time
start = time.perf_counter()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
if r.returncode != 0:
    sys.stderr.write(r.stderr.decode()); sys.exit(r.returncode)
print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def median_of(runs, cmd, **kw):
    results = [measure(cmd, **kw) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def make_specs(dest: Path, count: int):
    """count specs, cycling through the examples, each with its own environment name."""
    examples = sorted((ROOT / "specs").glob("*.toml"))
    paths = []
    for i in range(count):
        out, in_env, renamed = [], False, False
        for line in examples[i % len(examples)].read_text().splitlines():
            in_env = (line.strip() == "[environment]") or (in_env and not line.startswith("["))
            if in_env and not renamed and line.startswith("name = "):
                line, renamed = f'name = "bench-{i:04d}"', True
            out.append(line)
        path = dest / f"spec-{i:04d}.toml"
        path.write_text("\n".join(out) + "\n")
        paths.append(str(path))
    return paths


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--counts", default="1,10,100,1000")
    ap.add_argument("--skip-cdk", action="store_true")
    args = ap.parse_args()
    if not BIN.exists():
        sys.exit(f"{BIN} not found: run cargo build --release first")
    print(f"machine: {os.cpu_count()} cores; binary: {BIN}")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        wall, rss = median_of(max(args.runs, 20), [BIN, "--target", "all", "--out", tmp / "default"])
        print(f"\n1. default spec, --target all, one process: {wall * 1000:.1f} ms wall (median), {rss:.1f} MiB peak")

        print("\n2. --target all over N generated specs (median wall, max peak RSS)")
        print(f"{'specs':>6} {'wall s':>9} {'ms/spec':>9} {'peak MiB':>9} {'files':>7}")
        for n in [int(c) for c in args.counts.split(",")]:
            spec_dir = tmp / f"specs-{n}"
            spec_dir.mkdir()
            specs = make_specs(spec_dir, n)
            out = tmp / f"out-{n}"
            runs = args.runs if n <= 100 else max(3, args.runs // 2)
            results = []
            for _ in range(runs):
                shutil.rmtree(out, ignore_errors=True)
                results.append(measure([BIN, "--target", "all", "--out", out, *specs]))
            wall = statistics.median(r[0] for r in results)
            rss = max(r[1] for r in results)
            files = sum(1 for _ in out.rglob("*") if _.is_file())
            print(f"{n:>6} {wall:>9.3f} {wall / n * 1000:>9.2f} {rss:>9.1f} {files:>7}")

        if args.skip_cdk:
            print("\n3. skipped (--skip-cdk)")
            return
        deps = ROOT / ".cache" / "cdk-deps" / "node_modules"
        if not deps.exists():
            sys.exit(f"\n3. needs {deps}: run scripts/check-cdk.sh once first (or pass --skip-cdk)")
        app = tmp / "cdk-app"
        subprocess.run([BIN, "--target", "cdk", "--out", app], check=True, stdout=subprocess.DEVNULL)
        (app / "node_modules").symlink_to(deps)
        env = dict(os.environ, CDK_DISABLE_CLI_TELEMETRY="true")
        subprocess.run(["npx", "tsc"], cwd=app, env=env, check=True)
        cdk_runs = max(3, args.runs // 2)
        synth = [measure(["npx", "cdk", "synth", "--quiet", "--no-notices", "--no-version-reporting", "-o", "cdk.out"], cwd=app, env=env)
                 for _ in range(cdk_runs)]
        synth_wall = statistics.median(r[0] for r in synth)
        gen_wall, _ = median_of(max(args.runs, 20), [BIN, "--target", "cfn"])
        print("\n3. CloudFormation template of the default spec")
        print(f"   mwaagen --target cfn: {gen_wall * 1000:.1f} ms   npx cdk synth: {synth_wall * 1000:.0f} ms"
              f"   ratio: {synth_wall / gen_wall:.0f}x")


if __name__ == "__main__":
    main()
