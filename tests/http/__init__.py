"""Tests over real HTTP: the dev host on Azurite (with models and photos), and local HTTP servers."""
