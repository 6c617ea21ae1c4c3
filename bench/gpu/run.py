"""bench/gpu.sh device's driver, run inside the unpacked bundle (cwd): the adapter, the WebGPU
parity tests, then each config on WebGPU and on PyTorch, alternating (round 1: webgpu, torch;
round 2: torch, webgpu), each run a fresh process with its own step budget, the whole bounded by
--total seconds (a run that would not fit is skipped and said so). Writes to --out: gpu.json
(every run's JSON), gpu.md (the table), parity.log, and prints progress as it goes.

    python3 bench/gpu/run.py --out DIR [--total 480] [--configs T1,T2,T2A,AWD,T3] [--rounds 2] [--dry-run]
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
T0 = time.monotonic()


def left(total):
    return total - (time.monotonic() - T0)


def say(*a):
    print(f"[{time.monotonic() - T0:6.1f}s]", *a, flush=True)


def run(cmd, timeout, env=None):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=max(5, timeout), env=env)
        return r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired as e:
        return 124, (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or ""), "timeout"


def last_json(out):
    for line in reversed(out.strip().splitlines()):
        try:
            return json.loads(line)
        except ValueError:
            continue
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--total", type=float, default=480)
    ap.add_argument("--configs", default="T1,T2,T2A,AWD,T3")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--dry-run", action="store_true", help="torch on cpu, 2 steps of 3 s, any adapter (a software one too)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    cfgs = os.path.join(HERE, "configs.json")
    report = {"date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "host": platform.node(), "dry_run": a.dry_run,
              "python": platform.python_version(), "runs": []}
    _, smi, _ = run(["nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"], 20) if not a.dry_run else (0, "", "")
    report["nvidia_smi"] = smi.strip()
    _, nv, _ = run(["node", "--version"], 20)
    report["node"] = nv.strip()
    say("gpu:", report["nvidia_smi"] or "(dry run)", "node", report["node"])

    rc, out, err = run(["node", "dist/workers/webgpu-probe.js"], 90)
    report["probe"] = last_json(out) or {"ok": False, "reason": f"probe exit {rc}: {err.strip()[-300:]}"}
    say("adapter:", json.dumps(report["probe"]))
    if err.strip():
        say("probe stderr:", err.strip()[-1500:])

    tests = ["dist/test/train/webgpu-parity.test.js", "dist/test/train/webgpu-fallback.test.js"]
    rc, out, err = run(["node", "--test", "--test-reporter=spec", *tests], min(150, left(a.total) - 60))
    with open(os.path.join(a.out, "parity.log"), "w") as f:
        f.write(out + "\n" + err)
    counts = {k: int(line.split()[-1]) for line in out.splitlines() for k in ("pass", "fail", "skipped", "tests")
              if line.strip().startswith(("ℹ " + k + " ", "# " + k + " "))}
    report["parity"] = {"exit": rc, **counts}
    say("parity tests:", json.dumps(report["parity"]))

    names = [n for n in a.configs.split(",") if n]
    extra = ["--steps", "2", "--budget", "3"] if a.dry_run else []
    sides = {
        "webgpu": lambda n: ["node", "dist/bench/gpu/webgpu-bench.js", n, "--backend", "webgpu", "--configs", cfgs, *extra],
        "torch": lambda n: [sys.executable, os.path.join(HERE, "torch_cuda.py"), n, "--device", "cpu" if a.dry_run else "cuda", *extra],
    }
    cost = {}
    with open(cfgs) as f:
        budget = {k: v["budget_s"] for k, v in json.load(f).items() if not k.startswith("_")}
    for rnd in range(a.rounds):
        order = ["webgpu", "torch"] if rnd % 2 == 0 else ["torch", "webgpu"]
        for n in names:
            for side in order:
                # A run costs its budget plus start-up and warm-up; round 2 knows round 1's cost.
                need = cost.get((n, side), budget.get(n, 30) + 40)
                if left(a.total) < need:
                    say(f"round {rnd + 1} {n} {side}: skipped, {left(a.total):.0f}s left < {need:.0f}s")
                    report["runs"].append({"round": rnd + 1, "side": side, "config": n, "skipped": f"time: {left(a.total):.0f}s left"})
                    continue
                t = time.monotonic()
                rc, out, err = run(sides[side](n), min(left(a.total), need * 3))
                cost[(n, side)] = time.monotonic() - t
                r = last_json(out) or {"error": f"exit {rc}: {err.strip()[-400:]}"}
                r.update(round=rnd + 1, side=side, config=n, wall_s=round(cost[(n, side)], 1))
                report["runs"].append(r)
                say(f"round {rnd + 1} {n} {side}:", json.dumps(r)[:600])
                if rc != 0 and err.strip():
                    say("stderr:", err.strip()[-800:])
                with open(os.path.join(a.out, "gpu.json"), "w") as f:
                    json.dump(report, f, indent=1)
    with open(os.path.join(a.out, "gpu.json"), "w") as f:
        json.dump(report, f, indent=1)
    md = table(report, names)
    with open(os.path.join(a.out, "gpu.md"), "w") as f:
        f.write(md)
    print(md, flush=True)


def table(report, names):
    def tok(n, side):
        v = [r["tok_per_s"]["median"] for r in report["runs"] if r.get("config") == n and r.get("side") == side and "tok_per_s" in r]
        return statistics.median(v) if v else None

    def field(n, side, k):
        v = [r[k] for r in report["runs"] if r.get("config") == n and r.get("side") == side and k in r]
        return max(v) if v else None

    p = report["probe"]
    lines = [f"GPU bench, {report['date']}, {report['nvidia_smi'] or 'dry run'}, node {report['node']}, "
             f"adapter: {p.get('adapter') if p.get('ok') else 'none (' + str(p.get('reason')) + ')'}; "
             f"parity tests: {json.dumps(report['parity'])}", "",
             "| config | webgpu tok/s | torch tok/s | webgpu / torch | webgpu step plan | webgpu pool peak MiB | torch peak alloc / reserved MiB | runs (wg, torch) |",
             "|---|---:|---:|---:|---|---:|---:|---|"]
    for n in names:
        w, t = tok(n, "webgpu"), tok(n, "torch")
        ratio = f"{w / t:.3f}" if w and t else "–"
        errs = [r.get("error") or r.get("skipped") for r in report["runs"] if r.get("config") == n and ("error" in r or "skipped" in r)]
        cnt = lambda s: sum(1 for r in report["runs"] if r.get("config") == n and r.get("side") == s and "tok_per_s" in r)
        lines.append(f"| {n} | {w or '–'} | {t or '–'} | {ratio} | {field(n, 'webgpu', 'plan') or '–'} | {field(n, 'webgpu', 'peak_gpu_pool_mib') or '–'} | "
                     f"{field(n, 'torch', 'peak_allocated_mib') or '–'} / {field(n, 'torch', 'peak_reserved_mib') or '–'} | {cnt('webgpu')}, {cnt('torch')}"
                     + (f" ({'; '.join(str(e)[:120] for e in errs)})" if errs else "") + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
