"""The test suite, one package so every folder, ``bench/`` and the fixture scripts import ``tests.support``."""
