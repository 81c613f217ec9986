"""An installed wheel (not the source tree) carries everything it needs: package data, adapters, mappings."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / ".." / "shared" / "realdata"


@pytest.mark.slow
def test_wheel_installs_and_runs_the_adapters(tmp_path):
    if not (REAL / "uk-commons-register-of-interests").is_dir():
        pytest.skip("the real registers are not beside this checkout")
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
                   check=True, capture_output=True)
    (wheel,) = dist.glob("graphrisk-*.whl")
    env_dir = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True)
    py = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True)
    # the dependencies come from this environment's site-packages (a path entry: its .pth files, among them
    # the editable install of the source tree, are not processed, so only the wheel provides graphrisk)
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GRAPHRISK_DB")}
    where = subprocess.run([str(py), "-c", "import graphrisk; print(graphrisk.__file__)"], check=True,
                           capture_output=True, text=True, cwd=tmp_path, env=env).stdout.strip()
    assert where.startswith(str(site)), where
    db = tmp_path / "uk.db"
    for fmt, src in (("uk-commons-register", REAL / "uk-commons-register-of-interests"),
                     ("cn-vaccine-procurement", REAL / "cn-vaccine-procurement")):
        res = subprocess.run([str(py), "-m", "graphrisk", "ingest", "--format", fmt, str(src), "--db", str(db),
                              "--format-output", "json", "--quiet"], capture_output=True, text=True, cwd=tmp_path,
                             env=env)
        assert res.returncode == 0, res.stderr[-2000:]
    info = json.loads(subprocess.run([str(py), "-m", "graphrisk", "info", "--format", "json", "--db", str(db)],
                                     check=True, capture_output=True, text=True, cwd=tmp_path, env=env).stdout)
    assert info["counts"]["gifts"] > 1000 and info["counts"]["contracts"] > 100
    flags = subprocess.run([str(py), "-m", "graphrisk", "flags", "--format", "json", "--db", str(db)],
                           capture_output=True, text=True, cwd=tmp_path, env=env)
    assert flags.returncode == 0, flags.stderr[-2000:]
