"""Azure Functions blueprints, one module per resource family; each HTTP route is its own function."""
