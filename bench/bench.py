"""The segflux-vs-SDK benchmark. Run it through `bench/run`, which builds segflux and the
virtualenv first; see bench/README.md for what is measured and how.

Only the standard library is used here, so the orchestration itself carries no SDK code.
"""

import argparse
import concurrent.futures
import datetime
import json
import math
import os
import platform
import shutil
import shlex
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
WORK = BENCH / ".work"
API_KEY = "bench"
# Must match LOG_GRACE in crates/segflux/src/commands/emulator.rs: a job's log line is written this long
# after it finished, so a client still busy with the job later than that may be miscounted.
LOG_GRACE = 5.0
GNU_TIME = "/usr/bin/time"

# Two timelines, each on its own emulator. The first is jobs near the model page's ~14 s
# (10-18 s) with real-size images; the second is jobs far shorter than that (1-4 s) with small
# images, where a client that expects 14 s must still not be late. `warmup` is how many jobs
# segflux runs first in its warm mode (a shared job history); its cold mode gives every job
# an empty one (a CI runner).
SCENARIOS = [
    {"name": "10–18 s jobs", "slug": "long", "queued": 1.0, "processing": 9.0, "spread": 8.0,
     "size": "real", "warmup": 10},
    {"name": "1–4 s jobs", "slug": "short", "queued": 0.5, "processing": 0.5, "spread": 3.0,
     "size": 512, "warmup": 3},
]

# The goals, as the largest allowed ratio segflux/SDK per (timeline, mode, metric).
GOALS = {
    ("long", "cold", "median"): 0.6, ("long", "cold", "p95"): 1.0,
    ("long", "warm", "median"): 0.4, ("long", "warm", "p95"): 1.0,
    ("short", "cold", "p95"): 2.0, ("short", "warm", "p95"): 1.0,
}
for _slug in ("long", "short"):
    for _mode in ("cold", "warm"):
        GOALS[(_slug, _mode, "polls")] = 1.0


def main() -> int:
    args = parse_args()
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    started = time.time()
    load_before = os.getloadavg()
    scenarios = []
    for sc in SCENARIOS:
        log(f"scenario {sc['name']}: {args.jobs} jobs per client and mode, "
            f"{args.concurrency} at a time")
        scenarios.append(run_scenario(args, sc))
    startup = measure_startup(args)
    batch = batch_200(args)
    load = (load_before, os.getloadavg())
    report = render(args, scenarios, startup, batch, time.time() - started, load)
    print(report)
    (BENCH / "results.md").write_text(report)
    log(f"written to {BENCH / 'results.md'}")
    if update_readme(report):
        log("README.md's Benchmark table regenerated")
    return 0


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--segflux", required=True, help="the segflux binary")
    p.add_argument("--python", required=True, help="the virtualenv's python, with segmind")
    p.add_argument("--jobs", type=int, default=30, help="measured jobs per client and timeline")
    p.add_argument("--warmup", type=int, default=None,
                   help="unmeasured jobs segflux runs first in its warm mode "
                        "(default: 10 for the 10-18 s jobs, 3 for the 1-4 s jobs)")
    p.add_argument("--concurrency", type=int, default=4, help="jobs in flight per client")
    p.add_argument("--startup-runs", type=int, default=30)
    p.add_argument("--image-size", default="real",
                   help="the emulator's --image-size for the 10-18 s jobs: real (about 4 MP, "
                        "2048x2048 at 1:1, the default) or a long side in px")
    p.add_argument("--command", default="bench/run", help="how the run was started, for the report")
    return p.parse_args()


def log(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


# --- the two clients ------------------------------------------------------------------------

def segflux_job(args, fresh):
    """segflux's command; `fresh`: an empty job history for every job (a CI runner), else
    one history shared by the timeline's jobs (one user's machine)."""
    def command(base, prompt, seed, out, env_dir):
        home = env_dir / f"fresh-{seed}" if fresh else env_dir
        env = {
            "SEGFLUX_BASE_URL": base,
            "SEGMIND_API_KEY": API_KEY,
            "SEGFLUX_DATA_DIR": str(home / "data"),
            "SEGFLUX_CONFIG_DIR": str(home / "config"),
            "NO_COLOR": "1",
        }
        argv = [args.segflux, "generate", prompt, "--seed", str(seed), "-o", str(out),
                "--json", "--quiet"]
        return argv, env
    return command


def sdk_job(args):
    def command(base, prompt, seed, out, _env_dir):
        argv = [args.python, str(BENCH / "sdk_job.py"), base, prompt, str(seed), str(out)]
        return argv, {"SEGMIND_API_KEY": API_KEY}
    return command


def run_one(argv, extra_env, out: Path) -> dict:
    """Runs one job process under GNU time; returns its request id, the instant its file was
    complete at its final path (ctime), and its peak RSS (GNU time's %M).

    GNU time rather than os.wait4 here: a child forked from this (multi-threaded, ~15 MiB)
    Python process inherits its memory high-water mark through exec, so wait4 would report
    at least our own size; GNU time is a small C process."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(WORK), **extra_env}
    err, rss = out.with_suffix(".stderr"), out.with_suffix(".rss")
    with err.open("wb") as stderr:
        proc = subprocess.run([GNU_TIME, "-f", "%M", "-o", str(rss), *argv], env=env,
                              stdout=subprocess.PIPE, stderr=stderr, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[:3]} exited {proc.returncode}: {err.read_text()[-500:]}")
    answer = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    return {
        "request_id": answer["request_id"],
        "done_at": out.stat().st_ctime_ns / 1e9,
        "rss_kib": int(rss.read_text().split()[-1]),
    }


# --- one timeline ---------------------------------------------------------------------------

def run_scenario(args, sc) -> dict:
    wdir = WORK / sc["slug"]
    wdir.mkdir()
    job_log = wdir / "jobs.jsonl"
    size = args.image_size if sc["size"] == "real" else sc["size"]
    emulator = subprocess.Popen(
        [args.segflux, "emulator", "--port", "0", "--cdn-port", "0",
         "--queued-secs", str(sc["queued"]), "--processing-secs", str(sc["processing"]),
         "--processing-spread", str(sc["spread"]), "--image-size", str(size),
         "--job-log", str(job_log)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    base = emulator.stdout.readline().strip()
    if not base.startswith("http://"):
        raise RuntimeError(f"the emulator did not start (said {base!r})")
    warmup = sc["warmup"] if args.warmup is None else args.warmup
    # (name, command, warm-up jobs): segflux cold, segflux warm, then the SDK (no history).
    modes = [("cold", segflux_job(args, True), 0), ("warm", segflux_job(args, False), warmup),
             ("SDK", sdk_job(args), 0)]
    runs = {}
    try:
        for name, command, warm in modes:
            cdir = wdir / name
            cdir.mkdir()
            if warm:
                t0 = time.time()
                run_batch(command, base, range(1, warm + 1), cdir, args.concurrency)
                log(f"  segflux {name}: {warm} warm-up jobs in {time.time() - t0:.0f} s")
            t0 = time.time()
            runs[name] = run_batch(command, base, range(1001, 1001 + args.jobs), cdir,
                                   args.concurrency)
            log(f"  {name}: {args.jobs} measured jobs in {time.time() - t0:.0f} s")
    finally:
        # Ctrl-C makes the emulator write the lines of the jobs still in their grace period.
        emulator.send_signal(signal.SIGINT)
        emulator.wait(timeout=30)
    lines = [json.loads(l) for l in job_log.read_text().splitlines() if l.strip()]
    server = {line["request_id"]: line for line in lines}
    return {"scenario": {**sc, "size_px": size, "warmup_used": warmup},
            "clients": {n: join(r, server) for n, r in runs.items()}}


def run_batch(command, base, seeds, cdir, concurrency) -> list:
    def one(seed):
        out = cdir / f"{seed}.jpg"
        argv, env = command(base, f"benchmark job {seed}", seed, out, cdir)
        return {"seed": seed, **run_one(argv, env, out)}
    with concurrent.futures.ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(one, seeds))


def join(results, server) -> dict:
    """Latency and request counts per job, from the client's results and the emulator's log."""
    latency, polls, fetches, rss, late = [], [], [], [], 0
    for r in results:
        line = server[r["request_id"]]
        if line["state"] != "COMPLETED":
            raise RuntimeError(f"job {r['request_id']} ended {line['state']}")
        lat = r["done_at"] - line["completed_at"]
        late += lat > LOG_GRACE - 0.1
        latency.append(lat)
        polls.append(line["status_polls"])
        fetches.append(line["result_fetches"])
        rss.append(r["rss_kib"])
    return {"latency": latency, "polls": polls, "fetches": fetches, "rss_kib": rss,
            "late": late}


# --- start-up -------------------------------------------------------------------------------

def measure_startup(args) -> dict:
    commands = {
        "segflux": [args.segflux, "--version"],
        "SDK": [args.python, "-c", "import segmind"],
        "python": [args.python, "-c", "pass"],
    }
    hyperfine = shutil.which("hyperfine")
    if hyperfine:
        out = WORK / "startup.json"
        subprocess.run(
            [hyperfine, "--shell=none", "--warmup", "3", "--runs", str(args.startup_runs),
             "--export-json", str(out), "--style", "none",
             *[shlex.join(c) for c in commands.values()]],
            check=True, stdout=subprocess.DEVNULL,
        )
        medians = [r["median"] for r in json.loads(out.read_text())["results"]]
        return {"tool": "hyperfine", **dict(zip(commands, medians))}
    timings = {}
    for name, argv in commands.items():
        for _ in range(3):
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        samples = []
        for _ in range(args.startup_runs):
            t0 = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
            samples.append(time.perf_counter() - t0)
        timings[name] = statistics.median(samples)
    return {"tool": "a timing loop of perf_counter around each run (hyperfine is not installed)",
            **timings}


def batch_200(args):
    """Item 5 of the issue: 200 jobs on an emulator with a capacity of 16 concurrent jobs of
    1 s each (ideal: 200 / 16 x 1 s = 12.5 s). segflux runs them as one batch
    (`generate --from FILE --concurrency 16`, with an empty job history); the SDK, having no
    batch mode, runs them the way its users do today: one driver process per job, 16 at a time
    (like `xargs -P 16`). Returns the wall time of each. Small images (512 px): this measures
    the scheduling of 200 jobs, not the emulator's rendering."""
    wdir = WORK / "batch"
    wdir.mkdir()
    emulator = subprocess.Popen(
        [args.segflux, "emulator", "--port", "0", "--cdn-port", "0", "--queued-secs", "0",
         "--processing-secs", "1", "--capacity", "16", "--image-size", "512"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    base = emulator.stdout.readline().strip()
    try:
        prompts = wdir / "prompts.txt"
        prompts.write_text("".join(f"batch job {i}\n" for i in range(1, 201)))
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(WORK),
               "SEGFLUX_BASE_URL": base, "SEGMIND_API_KEY": API_KEY, "NO_COLOR": "1",
               "SEGFLUX_DATA_DIR": str(wdir / "data"), "SEGFLUX_CONFIG_DIR": str(wdir / "config")}
        t0 = time.time()
        subprocess.run([args.segflux, "generate", "--from", str(prompts), "--concurrency", "16",
                        "-o", str(wdir / "segflux") + "/", "--quiet"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        ours = time.time() - t0
        log(f"  segflux: 200 batch jobs in {ours:.1f} s")
        sdk_dir = wdir / "SDK"
        sdk_dir.mkdir()
        t0 = time.time()
        run_batch(sdk_job(args), base, range(1, 201), sdk_dir, 16)
        theirs = time.time() - t0
        log(f"  SDK: 200 jobs, 16 processes at a time, in {theirs:.1f} s")
    finally:
        emulator.send_signal(signal.SIGINT)
        emulator.wait(timeout=30)
    return {"segflux": ours, "SDK": theirs}


# --- the report -----------------------------------------------------------------------------

def p95(xs):
    """Nearest-rank 95th percentile."""
    s = sorted(xs)
    return s[max(0, math.ceil(0.95 * len(s)) - 1)]


def machine() -> str:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = "unknown"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return (f"{os.cpu_count()} CPUs (`nproc`), {cpu}, {mem} RAM, Linux {platform.release()}")


def version(argv) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "unknown"


def render(args, scenarios, startup, batch, took, load) -> str:
    rows = []

    def row(metric, ours, theirs, fmt, goal=None):
        ratio = ours / theirs if theirs else None
        verdict = ""
        if goal is not None and ratio is not None:
            verdict = f"≤ {goal:.2f} " + ("**met**" if ratio <= goal else "**missed**")
        shown = f"{ratio:.2f}" if ratio is not None else "–"
        rows.append(f"| {metric} | {fmt(ours)} | {fmt(theirs)} | {shown} | {verdict} |")

    secs = lambda x: f"{x:.3f} s"
    count = lambda x: f"{x:.1f}"
    notes = []
    for s in scenarios:
        sc, sdk = s["scenario"], s["clients"]["SDK"]
        lo, hi = sc["queued"] + sc["processing"], sc["queued"] + sc["processing"] + sc["spread"]
        for mode, label in (("cold", "fresh history per job"),
                            ("warm", f"shared history, {sc['warmup_used']} jobs known first")):
            ours = s["clients"][mode]
            tag = f"{sc['name']}, {label}"
            goal = lambda metric: GOALS.get((sc["slug"], mode, metric))
            row(f"{tag}: completion → file, median", statistics.median(ours["latency"]),
                statistics.median(sdk["latency"]), secs, goal("median"))
            row(f"{tag}: completion → file, p95", p95(ours["latency"]), p95(sdk["latency"]),
                secs, goal("p95"))
            row(f"{tag}: status polls per job, mean", statistics.mean(ours["polls"]),
                statistics.mean(sdk["polls"]), count, goal("polls"))
        for name, c in s["clients"].items():
            if c["late"]:
                notes.append(f"{c['late']} {name} job(s) of {sc['name']} finished more than "
                             f"{LOG_GRACE:g} s after completion: their request counts may "
                             f"miss the last requests.")
    ms = lambda x: f"{x * 1000:.1f} ms"
    row("start-up (`segflux --version` vs `python -c \"import segmind\"`), median",
        startup["segflux"], startup["SDK"], ms, 0.05)
    long = scenarios[0]
    size = long["scenario"]["size_px"]
    rss = lambda c: statistics.median(long["clients"][c]["rss_kib"]) / 1024
    mib = lambda x: f"{x:.1f} MiB"
    row(f"peak RSS of one `generate`, {px(size)} JPEG, median of "
        f"{len(long['clients']['cold']['rss_kib'])} jobs", rss("cold"), rss("SDK"), mib, 0.5)
    ideal = 200 / 16 * 1.0
    row(f"200 jobs of 1 s, capacity 16, fresh history: wall time (ideal {ideal:g} s)",
        batch["segflux"], batch["SDK"], secs)
    batch_ratio = batch["segflux"] / ideal
    commit = version(["git", "-C", str(BENCH), "describe", "--always", "--dirty"])
    when = datetime.datetime.now().astimezone()
    header = [
        "# Benchmark: segflux vs Segmind's Python SDK",
        "",
        f"Command: `{args.command}` ({took / 60:.1f} min for the jobs and start-up runs). "
        f"Run {when:%Y-%m-%d %H:%M %Z}, commit {commit}.",
        "",
        f"Machine: {machine()}; load average {load[0][0]:.1f} before the run and "
        f"{load[1][0]:.1f} after it (1 min; other work on the machine makes figures noisy).",
        "",
        f"Versions: {version([args.segflux, '--version'])}; segmind "
        f"{version([args.python, '-c', 'import segmind; print(segmind.__version__)'])} on "
        f"Python {version([args.python, '-c', 'import platform; print(platform.python_version())'])}"
        f", httpx {version([args.python, '-c', 'import httpx; print(httpx.__version__)'])}.",
        "",
        f"Jobs: per timeline, {args.jobs} measured jobs per client and mode (the same seeds and "
        f"prompts, so the same job lengths), {args.concurrency} in flight at a time, one "
        f"process per job. 10–18 s jobs: {px(long['scenario']['size_px'])} JPEG images; 1–4 s "
        f"jobs: {px(scenarios[1]['scenario']['size_px'])}. segflux runs cold (an empty job "
        f"history per job, like a CI runner) and warm (one history, after unmeasured warm-up "
        f"jobs); the SDK keeps no history.",
        "",
        "| metric | segflux | SDK | segflux/SDK | goal |",
        "|---|---|---|---|---|",
    ]
    footer = [
        "",
        f"200-job batch: segflux {batch['segflux']:.2f} s = {batch_ratio:.2f} × the ideal "
        f"(goal ≤ 1.10: {'**met**' if batch_ratio <= 1.10 else '**missed**'}); the SDK, "
        f"which has no batch mode, as 200 driver processes 16 at a time.",
        "",
        "Latency: the output file's ctime (the instant it was complete at its final path: the "
        "rename for segflux, the last write for the SDK driver) minus the emulator's COMPLETED "
        "instant from its job log. Status polls: counted by the emulator per job. p95 is "
        "nearest-rank.",
        f"Start-up measured with {startup['tool']}; the bare interpreter (`python -c pass`) "
        f"takes {ms(startup['python'])} of the SDK's {ms(startup['SDK'])}.",
    ]
    footer += [f"Note: {n}" for n in notes]
    return "\n".join(header + rows + footer) + "\n"


def px(size) -> str:
    """An emulator --image-size for the report."""
    if str(size) == "real":
        return "real-size (2048×2048)"
    return f"{size}×{size}"


README = BENCH.parent / "README.md"
BEGIN, END = "<!-- bench/run: begin -->", "<!-- bench/run: end -->"


def update_readme(report: str) -> bool:
    """Replaces the README's generated block (between the BEGIN and END markers in its
    Benchmark section) with this run's report, less its title. False when there is none."""
    text = README.read_text()
    if BEGIN not in text or END not in text:
        return False
    body = report.split("\n", 2)[2].strip()
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    README.write_text(f"{head}{BEGIN}\n{body}\n{END}{tail}")
    return True


if __name__ == "__main__":
    sys.exit(main())
