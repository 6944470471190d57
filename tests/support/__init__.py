"""What the tests share: real servers, dlib's recorded reference, an image server, helpers and one poller.

Each helper is defined here once; tests, ``bench/`` and ``tests/fixtures/record_dlib_reference.py``
import it from here (the project is installed editable, ``tests`` included, so no path edits).
"""
