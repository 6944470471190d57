"""Microsoft's Face SDK, unchanged, end to end against the dev host (with models and photos)."""
