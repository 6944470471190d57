"""Searching features: trained indexes, exact nearest-neighbour search and confidence."""
