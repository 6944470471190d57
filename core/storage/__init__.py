"""Azure Storage access: one module per table, container and queue.

Storage speaks only in storage terms: functions take and return records of
stored values (strings, numbers, bytes, timestamps; a collection is named by its
kind's stored name and its id) and fail with ``core.storage.exceptions``. The
services above convert features, rectangles and kinds, and answer each
failure with the Azure error it means where it happens.
"""
