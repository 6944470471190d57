"""The ``face`` command line: bulk enrolment, identification and drawing over the public Face API.

It is a client of the REST API only (it never imports ``core``), so the same
commands work against this service and against Azure Face itself.
"""
