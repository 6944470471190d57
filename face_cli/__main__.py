"""``python -m face_cli``: the same as the ``face`` command."""

from face_cli.main import main

main()
