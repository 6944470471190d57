"""Face recognition models: one feature per detected face."""
