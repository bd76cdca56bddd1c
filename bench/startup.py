"""Start-up cost of the action as a runner pays it: a fresh venv, the install, then importing the CLI.

Usage (from the repository root):  python3 -m bench.startup [--reps 3] [--write]

Scenarios (each in a fresh temporary venv made with the interpreter running this script):
  pip-lock        python -m venv; pip install --require-hashes -r requirements.lock; pip install --no-deps
                  --no-build-isolation --no-index .
  uv-lock         python -m venv; pip install -r requirements-uv.lock (bootstrap, as a runner without uv
                  must); uv pip install --require-hashes -r requirements.lock; uv pip install --no-deps
                  --no-build-isolation --no-index .   (action.yml's fallback when python3 has no pip)
  uv-lock-target  the runner Python's pip installs uv with --target into a folder (no venv, so PEP 668 does
                  not apply); uv venv (no ensurepip); then as uv-lock   (what action.yml does)
  uv-nolock       python -m venv; pip install -r requirements-uv.lock; uv pip install .   (resolve from
                  pyproject.toml, build in an isolated env)
  venv-only       python -m venv alone (its ensurepip is part of every row above)
"cold" gives every repetition its own empty pip / uv cache (a hosted runner starts with none); "warm" shares
one cache that a first, untimed run fills (what restoring a cache with actions/cache would buy at best).
Then `python -c "import postmortem.cli"` is timed in the installed venv, plus a `-X importtime` summary.

pip is run with PIP_CONFIG_FILE=/dev/null and no PIP_FIND_LINKS so that only PyPI is used, as on a runner.
--write replaces the results section of bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
UV_LOCK = ROOT / "requirements-uv.lock"
README = ROOT / "bench" / "README.md"
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"


def _env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "VIRTUAL_ENV"))}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    if "PIP_CERT" in os.environ:
        env["PIP_CERT"] = os.environ["PIP_CERT"]
    env["PIP_CACHE_DIR"] = str(cache / "pip")
    env["UV_CACHE_DIR"] = str(cache / "uv")
    env["UV_NO_CONFIG"] = "1"
    env["UV_LINK_MODE"] = "copy"
    return env


def _run(cmd: Sequence[str | Path], env: dict[str, str]) -> None:
    subprocess.run(
        [str(c) for c in cmd], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def _venv(venv: Path, env: dict[str, str]) -> Path:
    _run([sys.executable, "-m", "venv", venv], env)
    return venv / "bin" / "python"


def pip_lock(venv: Path, env: dict[str, str]) -> None:
    py = _venv(venv, env)
    _run([py, "-m", "pip", "install", "-q", "--require-hashes", "--only-binary", ":all:", "-r", LOCK], env)
    _run([py, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index", ROOT], env)


def _uv(venv: Path, env: dict[str, str]) -> tuple[Path, Path]:
    py = _venv(venv, env)
    _run([py, "-m", "pip", "install", "-q", "--require-hashes", "--only-binary", ":all:", "-r", UV_LOCK], env)
    return py, venv / "bin" / "uv"


def uv_lock(venv: Path, env: dict[str, str]) -> None:
    py, uv = _uv(venv, env)
    _run(
        [
            uv,
            "pip",
            "install",
            "-q",
            "--python",
            py,
            "--require-hashes",
            "--only-binary",
            ":all:",
            "-r",
            LOCK,
        ],
        env,
    )
    _run(
        [uv, "pip", "install", "-q", "--python", py, "--no-deps", "--no-build-isolation", "--no-index", ROOT],
        env,
    )


def uv_lock_target(venv: Path, env: dict[str, str]) -> None:
    uv_dir = venv.parent / f"{venv.name}-uv"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--target",
            uv_dir,
            "--require-hashes",
            "--only-binary",
            ":all:",
            "-r",
            UV_LOCK,
        ],
        env,
    )
    uv = uv_dir / "bin" / "uv"
    _run([uv, "venv", "-q", "--python", sys.executable, venv], env)
    py = venv / "bin" / "python"
    _run(
        [
            uv,
            "pip",
            "install",
            "-q",
            "--python",
            py,
            "--require-hashes",
            "--only-binary",
            ":all:",
            "-r",
            LOCK,
        ],
        env,
    )
    _run(
        [uv, "pip", "install", "-q", "--python", py, "--no-deps", "--no-build-isolation", "--no-index", ROOT],
        env,
    )


def uv_nolock(venv: Path, env: dict[str, str]) -> None:
    py, uv = _uv(venv, env)
    _run([uv, "pip", "install", "-q", "--python", py, ROOT], env)


def venv_only(venv: Path, env: dict[str, str]) -> None:
    _venv(venv, env)


SCENARIOS: dict[str, Callable[[Path, dict[str, str]], None]] = {
    "pip-lock": pip_lock,
    "uv-lock": uv_lock,
    "uv-lock-target": uv_lock_target,
    "uv-nolock": uv_nolock,
    "venv-only": venv_only,
}


def _import_times(py: Path, reps: int) -> tuple[float, str]:
    """Median wall time of importing the CLI, and the -X importtime summary (heaviest top-level imports)."""
    walls = []
    for _ in range(reps):
        t0 = time.perf_counter()
        subprocess.run([py, "-c", "import postmortem.cli"], check=True)
        walls.append(time.perf_counter() - t0)
    err = subprocess.run(
        [py, "-X", "importtime", "-c", "import postmortem.cli"], check=True, capture_output=True, text=True
    ).stderr
    total = 0
    by_package: dict[str, int] = {}
    for line in err.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if not m:
            continue
        cumulative, name = int(m.group(1)), m.group(3)
        if name == "postmortem.cli":
            total = cumulative
        package = name.split(".")[0]
        if package != "postmortem":  # heaviest third-party / stdlib packages, by their costliest import
            by_package[package] = max(by_package.get(package, 0), cumulative)
    top = sorted(by_package.items(), key=lambda kv: -kv[1])[:6]
    summary = (
        f"`-X importtime`: postmortem.cli {total / 1000:.0f} ms cumulative; heaviest packages: "
        + ", ".join(f"`{name}` {us / 1000:.0f} ms" for name, us in top)
    )
    return statistics.median(walls), summary


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--scenarios", nargs="*", default=list(SCENARIOS))
    parser.add_argument("--write", action="store_true", help="write the table into bench/README.md")
    args = parser.parse_args(argv)

    lines = [
        "| scenario | uv/pip cache | median (s) | min (s) | max (s) | runs |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    last_python: Path | None = None
    keep = Path(tempfile.mkdtemp(prefix="pm-bench-keep-"))
    for name in args.scenarios:
        func = SCENARIOS[name]
        for cache_kind in ("cold", "warm"):
            times = []
            with tempfile.TemporaryDirectory(prefix="pm-bench-") as tmp:
                shared = Path(tmp) / "cache"
                if cache_kind == "warm":
                    func(Path(tmp) / "prime", _env(shared))  # fill the cache, untimed
                for i in range(args.reps):
                    cache = shared if cache_kind == "warm" else Path(tmp) / f"cache{i}"
                    venv = Path(tmp) / f"venv{i}"
                    t0 = time.perf_counter()
                    func(venv, _env(cache))
                    times.append(time.perf_counter() - t0)
                    print(f"{name:10} {cache_kind:4} run {i + 1}: {times[-1]:6.2f} s", flush=True)
                if name == "pip-lock" and cache_kind == "cold":
                    shutil.copytree(Path(tmp) / "venv0", keep / "venv", symlinks=True)
                    last_python = keep / "venv" / "bin" / "python"
            lines.append(
                f"| {name} | {cache_kind} | {statistics.median(times):.1f} | {min(times):.1f} | "
                f"{max(times):.1f} | {len(times)} |"
            )
    if last_python is None:  # pip-lock not run: make one venv for the import timing
        pip_lock(keep / "venv", _env(keep / "cache"))
        last_python = keep / "venv" / "bin" / "python"
    wall, summary = _import_times(last_python, max(5, args.reps))
    imports = f"`python -c 'import postmortem.cli'` in the installed venv: median {wall * 1000:.0f} ms wall ({summary})."
    shutil.rmtree(keep, ignore_errors=True)

    cpu = platform.processor() or platform.machine()
    header = (
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores ({cpu}), Python "
        f"{platform.python_version()}, {args.reps} repetitions per row; times include creating the venv."
    )
    text = "\n".join([header, "", *lines, "", imports])
    print("\n" + text)
    if args.write:
        readme = README.read_text()
        start, end = readme.index(BEGIN) + len(BEGIN), readme.index(END)
        README.write_text(readme[:start] + "\n" + text + "\n" + readme[end:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
