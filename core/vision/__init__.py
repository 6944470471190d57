"""Face analysis models: detection, landmarks, features, and their file formats."""
