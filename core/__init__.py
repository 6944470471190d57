"""Shared core of the face service: everything except the HTTP and trigger shells."""
