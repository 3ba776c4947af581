"""A description of the machine the benchmark ran on, for the results file."""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> float | None:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return None


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def load_average() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def describe() -> dict:
    mem = _memory_gb()
    return {
        "CPU": f"{_cpu_model()}, {os.cpu_count()} logical cores",
        "Memory": f"{mem:.0f} GiB" if mem else "unknown",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": sys.version.split()[0],
        "Packages": ", ".join(f"{d} {_version(d)}" for d in (
            "numpy", "matplotlib", "scikit-learn", "torch", "jupyter-book", "ipywidgets")),
    }


def markdown(info: dict, started: str, load_before: str, load_after: str) -> str:
    lines = ["| | |", "| --- | --- |"]
    lines += [f"| {k} | {v} |" for k, v in info.items()]
    lines += [f"| Run | {started} |",
              f"| Load average (1, 5, 15 min) | before {load_before}; after {load_after} |"]
    return "\n".join(lines)
