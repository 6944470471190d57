"""Tests of the storage layer against a real Azurite (started once per session); no dev host."""
