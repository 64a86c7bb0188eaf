"""`make bench`: throughput and latency of the shared runtime, each next to the raw limit measured in the
same run on the same servers (asyncpg, aiokafka), because the machine is shared and absolute numbers move.

Modules: servers (PostgreSQL + Tansu under .var/bench/), raw (the limits), store (appends),
pipeline (relay, projection catch-up, end-to-end latency), workload (events and the projection),
report (the table, printed and written to .var/bench/last.md).
"""
