"""Image intake: bytes and URLs checked, fetched and decoded."""
