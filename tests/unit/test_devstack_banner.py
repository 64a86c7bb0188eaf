"""`make run` prints ONE address to open (the web service); the APIs' docs go on a secondary line."""

from __future__ import annotations

from pathlib import Path

import pytest
from devstack import run
from devstack.postgres import PostgresHandle
from devstack.services import SERVICES, WEB, web_env
from devstack.stack import Infra
from devstack.tansu import TansuHandle


def test_the_banner_names_one_address_to_open(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    infra = Infra(PostgresHandle("postgresql://postgres@127.0.0.1:55432/villagecounsel"),
                  TansuHandle("127.0.0.1:59092"))  # fmt: skip
    run._banner(infra, tmp_path, [*SERVICES, WEB])
    lines = capsys.readouterr().out.splitlines()
    opens = [line for line in lines if line.strip().startswith("Open ")]
    assert opens == [f"  Open {WEB.url}/   (sign in as a demo person of 正宁县)"]
    (docs,) = [line for line in lines if "API docs" in line]
    assert all(f"{s.url}/docs" in docs for s in SERVICES)


def test_the_web_service_in_the_dev_stack_proxies_and_offers_demo_sign_in() -> None:
    env = web_env({s.name: s.url for s in SERVICES})
    assert env["VC_WEB_GATEWAY"] == env["VC_WEB_DEV_SIGNIN"] == "true"
    assert env["VC_WEB_LEDGER_URL"] == "http://127.0.0.1:8002"
    assert WEB.app == "vc_web.main:app_factory" and WEB.module_exists()
