"""Village Counsel web front end: serves the built pages (`frontend/`), renders the public village
notice board and its A4 poster, and in the dev stack routes `/api/<service>/…` to the four services
(production: the Kubernetes Ingress does the routing)."""
