"""The PersonDirectory: persons, their faces per recognition model, dynamic groups, long-running operations,
and the search index kept current without training."""
