"""The one mapping from feature distance to Azure's ``confidence``.

dlib's face recognition model calls two faces the same person when the
Euclidean distance between their 128-d features is below 0.6. Azure Face calls
two faces the same person when the confidence is at least 0.5. The mapping is a
rescaled logistic (tanh) curve centred on dlib's threshold::

    confidence(d) = 1/2 + 1/2 * tanh((0.6 - d) / 0.2) / tanh(3)    for d <= 1.2
    confidence(d) = 0                                               for d > 1.2

It is 1 for identical features, exactly 0.5 at d = 0.6, 0 from d = 1.2 on, and
strictly decreasing in between, so "confidence >= 0.5" and "distance <= 0.6"
are the same decision (to the five decimals the confidence is reported with).
The scale spreads dlib's typical distances (0.3-0.5 for one person, 0.7-1.0 for
two people) over Azure-like confidences (0.95-0.73 and 0.27-0.02). Every
decision (Verify's ``isIdentical``, Identify's threshold, Find Similar's
matchPerson mode) compares the reported value, so a client applying the
threshold itself agrees with the service.
"""

from __future__ import annotations

import numpy as np

SAME_PERSON_DISTANCE = 0.6
"""dlib's same-person threshold on the Euclidean feature distance."""

DISTANCE_SCALE = 0.2
"""The tanh curve's width: confidence moves from 0.5 to 0.88 over this distance."""

ZERO_CONFIDENCE_DISTANCE = 2 * SAME_PERSON_DISTANCE
"""From this distance on, the confidence is 0."""

SAME_PERSON_CONFIDENCE = 0.5
"""Azure's default threshold: ``confidence >= 0.5`` means the same person."""

REPORTED_DECIMALS = 5


def confidence_from_squared_distance(squared_distances: np.ndarray) -> np.ndarray:
    """Reported confidences (float64, five decimals) for squared Euclidean distances."""
    distances = np.sqrt(np.maximum(np.asarray(squared_distances, dtype=np.float64), 0.0))
    full_swing = np.tanh((ZERO_CONFIDENCE_DISTANCE - SAME_PERSON_DISTANCE) / DISTANCE_SCALE)
    curve = 0.5 + 0.5 * np.tanh((SAME_PERSON_DISTANCE - distances) / DISTANCE_SCALE) / full_swing
    return np.round(np.clip(curve, 0.0, 1.0), REPORTED_DECIMALS)


def is_same_person(confidence: float) -> bool:
    """Azure's decision on a reported confidence."""
    return confidence >= SAME_PERSON_CONFIDENCE
