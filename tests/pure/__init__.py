"""Tests needing nothing outside the process: no network, processes, photos, Azurite or model files."""
