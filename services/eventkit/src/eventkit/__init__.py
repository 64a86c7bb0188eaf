"""eventkit: the runtime every service shares (store, relay, read models, command runner, HTTP edge)."""
