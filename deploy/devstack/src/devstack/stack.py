"""PostgreSQL + Tansu together, honouring DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS overrides."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from devstack import procs
from devstack.postgres import PostgresHandle, ensure_database, start_postgres
from devstack.tansu import TansuHandle, start_tansu


@dataclass
class Infra:
    postgres: PostgresHandle
    kafka: TansuHandle

    @property
    def dsn(self) -> str:
        return self.postgres.dsn

    @property
    def bootstrap(self) -> str:
        return self.kafka.bootstrap

    @property
    def can_restart_broker(self) -> bool:
        return not self.kafka.external

    def restart_broker(self) -> None:
        """Restart Tansu on the same port; it comes back empty (memory storage)."""
        self.kafka.restart()

    @property
    def can_restart_postgres(self) -> bool:
        return not self.postgres.external

    def restart_postgres(self) -> None:
        """Fast restart of PostgreSQL on the same port: sessions are cut, the data stays."""
        self.postgres.restart()

    def env(self) -> dict[str, str]:
        return {"DATABASE_URL": self.dsn, "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap}

    def stop(self) -> None:
        """Broker first, then the database. Safe to call twice."""
        try:
            self.kafka.stop()
        finally:
            self.postgres.stop()


def start_infra(
    state_dir: Path,
    *,
    database: str,
    pg_port: int | None = None,
    kafka_port: int | None = None,
    fresh_database: bool = False,
    rename_external_database: bool = False,
) -> Infra:
    """Start what the environment does not already provide. Ports default to free ones.

    With DATABASE_URL set no server starts; `rename_external_database` then points the DSN at `database`
    on that server, created (or recreated when `fresh_database`), instead of using the URL as given.
    """
    external_db = os.environ.get("DATABASE_URL", "").strip()
    external_kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "").strip()

    if external_db:
        if rename_external_database:
            external_db = ensure_database(external_db, database, fresh=fresh_database)
        postgres = PostgresHandle(external_db)
    else:
        postgres = start_postgres(state_dir, pg_port or procs.free_port(), database=database)
        if fresh_database:
            ensure_database(postgres.dsn, database, fresh=True)
    try:
        kafka = (
            TansuHandle(external_kafka)
            if external_kafka
            else start_tansu(state_dir, kafka_port or procs.free_port())
        )
    except BaseException:
        postgres.stop()
        raise
    return Infra(postgres, kafka)
