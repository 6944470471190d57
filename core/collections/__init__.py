"""Collections and what they hold: the four kinds, persons, persisted faces and training."""
