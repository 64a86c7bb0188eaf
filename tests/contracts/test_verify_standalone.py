"""issue 14's newcomer: the contracts wheel alone, in a fresh venv, verifies an exported volume.

The wheel is built and installed into a new venv without its dependencies (no network here); a
`.pth` line appends this workspace's site-packages, where pydantic, openpyxl and rfc8785 live, as
a plain directory: its own `.pth` files (the services' editable installs) are not read, so no
service package can be imported in that run (asserted).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sysconfig
from pathlib import Path

import pytest
import vc_contracts
from support.volumes import envelope, export_json, replaced, v1_text, volume_of

ROOT = Path(vc_contracts.__file__).resolve().parents[3]
SERVICES = ("eventkit", "registry", "ledger", "assessment", "reporting", "devstack", "vc_web")
PROBE = f"""
import importlib.util, json, vc_contracts
found = lambda names: [n for n in names if importlib.util.find_spec(n) is not None]
print(json.dumps({{"file": vc_contracts.__file__, "services": found({SERVICES!r}),
  "dependencies": found(("pydantic", "openpyxl", "rfc8785"))}}))
"""


def sh(*command: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fresh venv's interpreter, with only the contracts wheel installed."""
    uv = shutil.which("uv")
    assert uv is not None, "uv builds the wheel"
    where = tmp_path_factory.mktemp("standalone")
    sh(
        uv,
        "--offline",
        "build",
        "--package",
        "villagecounsel-contracts",
        "--wheel",
        "--out-dir",
        where,
        cwd=ROOT,
    )
    sh(uv, "--offline", "venv", where / "venv")
    python = where / "venv" / "bin" / "python"
    (wheel,) = where.glob("villagecounsel_contracts-*.whl")
    sh(uv, "--offline", "pip", "install", "--no-deps", "--python", python, wheel)
    site = sh(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip()
    Path(site, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def cli(python: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(python), "-I", "-m", "vc_contracts.verify", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_the_wheel_alone_imports_no_service_code(python: Path) -> None:
    found = json.loads(sh(python, "-I", "-c", PROBE))
    assert found["services"] == []
    assert found["dependencies"] == ["pydantic", "openpyxl", "rfc8785"]
    assert not Path(found["file"]).resolve().is_relative_to(ROOT), "imported the workspace's contracts"


def test_a_newcomer_verifies_an_exported_volume_with_the_wheel_alone(python: Path, tmp_path: Path) -> None:
    volume = volume_of(v1_text(1), envelope(2), envelope(3))
    path = tmp_path / "village-621025100200-2026.json"
    path.write_text(json.dumps(export_json(volume), ensure_ascii=False), encoding="utf-8")
    done = cli(python, str(path))
    assert (done.returncode, done.stdout, done.stderr) == (0, f"ok {volume.volume_id} 3 {volume.head}\n", "")

    path.write_text(json.dumps(export_json(replaced(volume, 2, link=volume.head))), encoding="utf-8")
    done = cli(python, str(path), "--json")
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["first_mismatch"]["seq"] == 2
