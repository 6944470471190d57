"""Tests of the vision pipeline: the model files and the photos in ../shared/data (no servers)."""
