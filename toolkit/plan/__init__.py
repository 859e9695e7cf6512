"""The plan as data: frozen models and their queries (model), loading and checks (load), exports (export)."""
