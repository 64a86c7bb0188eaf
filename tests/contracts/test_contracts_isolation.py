"""Downstream consumers install `contracts/` alone: it must import without any service code."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import vc_contracts

CONTRACTS_SRC = Path(vc_contracts.__file__).resolve().parents[1]

# Run with -I (isolated) and -S (no site: the workspace's editable-install .pth files are not read),
# then put back only contracts/src and the third-party site-packages.
PROBE = """
import importlib, json, sys
sys.path[:0] = [{src!r}]
sys.path.append({site!r})
services = {{}}
for name in ("eventkit", "registry", "ledger", "assessment", "reporting", "devstack"):
    try:
        importlib.import_module(name)
        services[name] = True
    except ModuleNotFoundError:
        services[name] = False
import vc_contracts
print(json.dumps({{
    "services": services,
    "file": vc_contracts.__file__,
    "events": len(vc_contracts.known_events()),
    "loaded": sorted(m.split(".")[0] for m in sys.modules if m.split(".")[0] in services),
}}))
"""


def test_contracts_import_without_any_service_package() -> None:
    code = PROBE.format(src=str(CONTRACTS_SRC), site=sysconfig.get_paths()["purelib"])
    completed = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert not any(result["services"].values()), result["services"]
    assert Path(result["file"]).resolve().is_relative_to(CONTRACTS_SRC)
    assert result["events"] == len(vc_contracts.known_events())
    assert result["loaded"] == []
