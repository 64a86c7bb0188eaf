"""Village Counsel dev stack: embedded PostgreSQL + Tansu (Kafka protocol) + the four services.

Entry points: `python -m devstack up|down` (`make run` / `make down`) and the pytest plugin
`devstack.pytest_plugin` (fixture `devstack`). All state lives in the git-ignored `.var/` folder.
"""
