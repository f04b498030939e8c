#!/usr/bin/env python3
"""Renders the one benchmark report: bench/results/report.json and report.md.

bench/all.sh (`make bench`) and bench/soak.sh (`make soak`) give every benchmark script a file
to record its figures in (bench_figure in bench/lib.sh: one JSON object a line), then call

    report.py --figures-dir DIR --started ISO [--load-before "1.0 0.8 0.5"] NAME=EXIT_STATUS...

The figures of the benchmarks named replace theirs in report.json (a benchmark that failed
before recording anything is listed as failed, with no figures); the others' stay, each with
the date and commit of the run that measured it, so `make soak` adds its section to the last
`make bench` and `BENCH_ONLY=soap make bench` refreshes the SOAP rows alone. The machine
description is read here, at the end of the run. Python 3 standard library only.
"""

import argparse
import datetime
import json
import os
import pathlib
import platform
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

# Report sections in reading order, and the benchmarks in bench/all.sh's order (then the soak).
SECTIONS = {
    "http": "HTTP per protocol",
    "instantiation": "Per-request instantiation",
    "ingest": "MQTT ingest",
    "jobs": "Prediction and rerouting jobs",
    "memory": "Runtime memory (RSS) under load",
    "soak": "Soak: mixed load on the whole application",
}
BENCHES = ["run", "soap", "graphql", "grpc", "gateway", "ingest", "prediction", "soak"]
TARGET = re.compile(r"^\s*(value|ratio)\s*(<=|>=|<|>|==)\s*(-?[0-9]+(?:\.[0-9]+)?)\s*$")
OPS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
}
SHOWN_OP = {"<=": "≤", ">=": "≥", "<": "<", ">": ">", "==": "="}


def command_output(*argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, check=True, cwd=ROOT).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def machine():
    model = None
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem_kib = None
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    return {
        "cpu_model": model,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kib / 1024 / 1024, 1) if mem_kib else None,
        "kernel": f"{platform.system()} {platform.release()}",
        "arch": platform.machine(),
        "rustc": command_output("rustc", "--version"),
    }


def git_state():
    commit = command_output("git", "rev-parse", "HEAD")
    status = command_output("git", "status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "uncommitted_changes": bool(status)}


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def verdict(figure):
    match = TARGET.match(figure.get("target") or "")
    if not match:
        return None
    subject, op, bound = match.group(1), match.group(2), float(match.group(3))
    measured = figure.get(subject)
    if measured is None:
        return "n/a"
    return "PASS" if OPS[op](measured, bound) else "MISS"


def read_figures(path, bench, run_id):
    figures = []
    if not path.exists():
        return figures
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            figure = json.loads(line)
        except json.JSONDecodeError as e:
            print(f"report: {path}:{number}: not JSON ({e}), skipped", file=sys.stderr)
            continue
        if figure.get("ratio") is None and figure.get("value") is not None and figure.get("ref_value"):
            figure["ratio"] = figure["value"] / figure["ref_value"]
        figure.update(bench=bench, run=run_id, verdict=verdict(figure))
        figures.append(figure)
    return figures


def merge(previous, ran, figures_dir, started, load_before):
    """previous report + this run's benchmarks -> new report. A benchmark's new figures replace
    its old ones, except when it failed before recording any: then its last figures stay,
    with the run that measured them, and the failed attempt is listed too."""
    finished = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    run_id = started
    new_figures = {name: read_figures(figures_dir / f"{name}.jsonl", name, run_id) for name, _ in ran}
    previous_run_of = {b: run["id"] for run in previous.get("runs", []) for b in run.get("benches", {})}
    kept_previous = {
        name for name, status in ran
        if status != 0 and not new_figures[name]
        and any(f.get("bench") == name for f in previous.get("figures", []))
    }
    replaced = [name for name, _ in ran if name not in kept_previous]
    runs = []
    for run in previous.get("runs", []):
        kept = {b: s for b, s in run.get("benches", {}).items() if b not in replaced}
        if kept:
            runs.append({**run, "benches": kept})
    benches = {}
    for name, status in ran:
        benches[name] = {"exit_status": status, "figures": len(new_figures[name])}
        if name in kept_previous:
            benches[name]["figures_kept_from_run"] = previous_run_of.get(name)
    runs.append({
        "id": run_id,
        "started": started,
        "finished": finished,
        **git_state(),
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "machine": machine(),
        "benches": benches,
    })
    figures = [f for f in previous.get("figures", []) if f.get("bench") not in replaced]
    for name in replaced:
        figures += new_figures[name]
    order = lambda f: (
        list(SECTIONS).index(f["section"]) if f["section"] in SECTIONS else len(SECTIONS),
        BENCHES.index(f["bench"]) if f["bench"] in BENCHES else len(BENCHES),
    )
    figures.sort(key=order)  # stable: a benchmark's figures keep their recorded order
    verdicts = [f["verdict"] for f in figures]
    return {
        "title": "CityFlow benchmark report",
        "generated": finished,
        "machine": runs[-1]["machine"],
        "summary": {
            "figures": len(figures),
            "pass": verdicts.count("PASS"),
            "miss": verdicts.count("MISS"),
            "without_target": sum(1 for v in verdicts if v is None),
        },
        "runs": runs,
        "figures": figures,
    }


def number(x):
    """Three significant digits, never scientific: 1150.4 -> 1150, 12.345 -> 12.3, 0.0183 -> 0.0183."""
    if x is None:
        return "—"
    if isinstance(x, int) or float(x).is_integer() and abs(x) >= 1:
        return f"{int(x)}"
    magnitude = abs(x)
    if magnitude >= 100:
        return f"{x:.0f}"
    if magnitude >= 10:
        return f"{x:.1f}"
    if magnitude >= 1:
        return f"{x:.2f}"
    if magnitude == 0:
        return "0"
    digits = 2
    while magnitude * 10**digits < 100 and digits < 6:
        digits += 1
    return f"{x:.{digits}f}"


def with_unit(value, unit):
    return "—" if value is None else f"{number(value)} {unit}".strip()


def shown_target(figure):
    target = figure.get("target")
    if not target:
        return ""
    match = TARGET.match(target)
    if not match:
        return target
    subject, op, bound = match.groups()
    bound = f"{float(bound):g}"
    return f"{SHOWN_OP[op]} {bound} {figure['unit']}" if subject == "value" else f"ratio {SHOWN_OP[op]} {bound}"


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown(report):
    m = report["machine"]
    s = report["summary"]
    out = [
        f"# {report['title']}",
        "",
        "Written by `make bench` (`bench/all.sh`) and `make soak` (`bench/soak.sh`) through",
        "`bench/report.py`; each benchmark's own table is beside this file. Every figure is set",
        "against a reference measured **in the same run on the same machine** (native baseline,",
        "the seed's approach, or the REST yardstick served by the same runtime); ratio = value ÷",
        "reference unless a note says otherwise. PASS/MISS is against the target the issue names;",
        "no target, no verdict. The machine is shared with other work, so compare a value with its",
        "own reference rather than with another run's. How to read it: `bench/README.md`.",
        "",
        f"**{s['figures']} figures: {s['pass']} PASS, {s['miss']} MISS, {s['without_target']} without a target.**",
        "",
        "## Machine",
        "",
        f"- CPU: {m['cpu_model']}, {m['cores']} cores ({m['arch']})",
        f"- memory: {m['memory_gib']} GiB",
        f"- kernel: {m['kernel']}",
        f"- rustc: {m['rustc']}",
        "",
        "## Runs",
        "",
        "| benchmarks (exit status) | started | finished | commit | load average before → after |",
        "| --- | --- | --- | --- | --- |",
    ]
    for run in report["runs"]:
        benches = ", ".join(f"{b} ({v['exit_status']})" for b, v in run["benches"].items())
        commit = (run.get("commit") or "?")[:12] + (" + uncommitted changes" if run.get("uncommitted_changes") else "")
        out.append(
            f"| {benches} | {run['started']} | {run['finished']} | {commit} | "
            f"{run.get('load_average_before') or '?'} → {run.get('load_average_after') or '?'} |"
        )
        if run.get("machine") != m:
            rm = run["machine"]
            out.append(f"| ↳ on another machine: {rm['cpu_model']}, {rm['cores']} cores, {rm['memory_gib']} GiB, {rm['kernel']}, {rm['rustc']} | | | | |")
    out.append("")
    sections = list(dict.fromkeys(f["section"] for f in report["figures"]))
    for section in sections:
        rows = [f for f in report["figures"] if f["section"] == section]
        out += [
            f"## {SECTIONS.get(section, section)}",
            "",
            "| figure | value | reference (same run) | reference value | ratio | target | verdict | bench |",
            "| --- | ---: | --- | ---: | ---: | --- | --- | --- |",
        ]
        notes = []
        for f in rows:
            name = cell(f["figure"])
            if f.get("note"):
                notes.append(f"{len(notes) + 1}. {f['figure']}: {f['note']}")
                name += f" ({len(notes)})"
            verdict_cell = f"**{f['verdict']}**" if f["verdict"] in ("PASS", "MISS") else (f["verdict"] or "")
            out.append(
                f"| {name} | {with_unit(f['value'], f['unit'])} | {cell(f.get('reference') or '—')} | "
                f"{with_unit(f.get('ref_value'), f['unit'])} | {number(f.get('ratio'))} | {cell(shown_target(f))} | "
                f"{verdict_cell} | {f['bench']} |"
            )
        if section == "soak":
            notes.append("Details (status counts per endpoint, RSS over time): `soak.md`.")
        if notes:
            out += [""] + notes
        out.append("")
    failed = [(r, b, v) for r in report["runs"] for b, v in r["benches"].items() if v["exit_status"] != 0]
    if failed:
        out += ["## Benchmarks that exited non-zero", ""]
        for run, b, v in failed:
            if v.get("figures_kept_from_run"):
                out.append(
                    f"- `{b}` (run started {run['started']}) exited {v['exit_status']} before recording a figure; "
                    f"the `{b}` figures above are those of the run started {v['figures_kept_from_run']}."
                )
            else:
                recorded = sum(1 for f in report["figures"] if f["bench"] == b)
                figures = "the 1 figure it recorded before that is" if recorded == 1 else f"the {recorded} figures it recorded before that are"
                out.append(f"- `{b}` (run started {run['started']}) exited {v['exit_status']}; {figures} above (see its output for why).")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=pathlib.Path, default=ROOT / "bench" / "results")
    parser.add_argument("--figures-dir", type=pathlib.Path, required=True)
    parser.add_argument("--started", required=True, help="when the run started (UTC, ISO 8601)")
    parser.add_argument("--load-before", help="load average when the run started")
    parser.add_argument("ran", nargs="+", metavar="NAME=EXIT_STATUS")
    args = parser.parse_args()
    ran = []
    for item in args.ran:
        name, _, status = item.partition("=")
        if not name or not status.lstrip("-").isdigit():
            parser.error(f"{item!r}: expected NAME=EXIT_STATUS")
        ran.append((name, int(status)))
    report_json = args.results / "report.json"
    previous = {}
    if report_json.exists():
        try:
            previous = json.loads(report_json.read_text())
        except json.JSONDecodeError:
            print(f"report: {report_json} is not JSON; starting afresh", file=sys.stderr)
    report = merge(previous, ran, args.figures_dir, args.started, args.load_before)
    args.results.mkdir(parents=True, exist_ok=True)
    report_json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    (args.results / "report.md").write_text(markdown(report))
    s = report["summary"]
    print(f"report: {s['figures']} figures ({s['pass']} PASS, {s['miss']} MISS) in {args.results}/report.md and report.json")


if __name__ == "__main__":
    main()
