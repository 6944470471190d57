"""Azure Storage access: one module per table, container and queue."""
