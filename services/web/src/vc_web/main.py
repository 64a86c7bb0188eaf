"""Run the web service: `python -m vc_web` or `uvicorn vc_web.main:app_factory --factory`.

A factory, so the settings are read when the server starts, not when the module is imported.
"""

from __future__ import annotations

import argparse

import uvicorn
from fastapi import FastAPI
from vc_contracts.cli_args import name, whole

from vc_web.app import create_app


def app_factory() -> FastAPI:
    return create_app()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m vc_web")
    parser.add_argument("--host", type=name, default="127.0.0.1")
    parser.add_argument("--port", type=whole(1, 65535), default=8000)
    args = parser.parse_args()
    uvicorn.run("vc_web.main:app_factory", factory=True, host=args.host, port=args.port)
