"""ecolib installed as a package, not from the project folder: a wheel built from this checkout,
installed (without an editable link) into a new virtual environment, writes the demo workspace
and renders a report page from the notebooks it carries; and the lock (constraints.txt) pins
the whole set of libraries this test run uses.

The new environment borrows this one's libraries (a .pth line) so that the test needs no
network; the wheel's own files come first on its path. `make` installs the pinned set on a fresh
machine (``pip install -c constraints.txt``); a wheel installed with all its dependencies from
the index renders the whole demo month the same way (the README's "Install as a package")."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "constraints.txt"


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not pinned with =="
            pins[_key(name)] = version
    return pins


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(out), str(ROOT)], check=True, capture_output=True)
    (built,) = out.glob("ecolib-*.whl")
    return built


def test_the_wheel_carries_the_notebooks_and_everything_the_package_reads(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    notebooks = sorted(n.rsplit("/", 1)[1] for n in names if n.startswith("ecolib/notebooks/"))
    assert notebooks == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    for prefix in ("ecolib/templates/ecolib/", "ecolib/presentation/i18n/zh/", "ecolib/datasets/data/tiny/"):
        assert any(n.startswith(prefix) for n in names), prefix
    assert not any("/tests/" in n or n.startswith("tests/") for n in names)


def test_an_installed_wheel_writes_the_demo_and_renders_a_page_from_its_own_notebooks(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-index", str(wheel)], check=True, capture_output=True)

    env = {k: v for k, v in os.environ.items() if not k.startswith(("ECOLIB_", "JUPYTER_"))}
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")    # the borrowed nbconvert templates
    where = subprocess.run([str(python), "-c", "import ecolib.report as r; print(r.__file__); "
                            "print(r.default_notebooks_dir())"], cwd=tmp_path, env=env, check=True,
                           capture_output=True, text=True).stdout.split()
    assert all(Path(p).is_relative_to(site) for p in where), where        # not the project's copy
    ecolib = venv / "bin" / "ecolib"
    demo = subprocess.run([str(ecolib), "demo", "demo"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert demo.returncode == 0, demo.stderr
    run = subprocess.run([str(ecolib), "report", "demo", "--month", "2026-10", "--only", "overview",
                          "--out", "reports"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    month = tmp_path / "reports" / "demo" / "en" / "2026-10"
    page = (month / "00_overview.html").read_text(encoding="utf-8")
    assert "Traceback" not in page and str(ROOT) not in page
    summary = json.loads((month / "summary.json").read_text(encoding="utf-8"))
    assert summary["month"] == "2026-10"


def test_the_lock_pins_every_library_this_run_uses_at_the_version_installed():
    pins = _pins()
    assert len(pins) > 50
    wanted, seen, missing, different = ["ecolib[dev]"], set(), [], []
    while wanted:
        req = Requirement(wanted.pop())
        key = _key(req.name)
        if (key, tuple(sorted(req.extras))) in seen:
            continue
        seen.add((key, tuple(sorted(req.extras))))
        if key != "ecolib":
            if key not in pins:
                missing.append(req.name)
                continue
            if metadata.version(req.name) != pins[key]:
                different.append(f"{req.name} {metadata.version(req.name)} (lock {pins[key]})")
        for dep in metadata.requires(req.name) or []:
            marker = Requirement(dep).marker          # this platform, and the extras asked for
            if marker is None or any(marker.evaluate({"extra": e}) for e in (req.extras or {""})):
                wanted.append(dep)
    assert not missing, f"not pinned in constraints.txt: {missing}"
    assert not different, f"installed versions differ from constraints.txt (make setup after a lock change): {different}"
