"""Feature distance to Azure's ``confidence``: one curve per recognition model.

A recognition model calls two faces the same person when the Euclidean
distance d between their features is at most its threshold t (dlib's ResNet:
0.6, from its ``loss_metric``; SFace: the distance of its published cosine
threshold, see ``core.vision.catalog``). Azure Face calls two faces the same
person when the confidence is at least 0.5. Each model's mapping is a rescaled
logistic (tanh) curve centred on its threshold::

    confidence(d) = 1/2 + 1/2 * tanh((t - d) / s) / tanh((z - t) / s)

clipped to [0, 1]: exactly 0.5 at d = t, 0 from the zero-confidence distance
z on, and strictly decreasing in between, so "confidence >= 0.5" and
"distance <= t" are the same decision (to the five decimals the confidence is
reported with). dlib's curve (t = 0.6, s = 0.2, z = 1.2) spreads its typical
distances (0.3-0.5 for one person, 0.7-1.0 for two people) over Azure-like
confidences (0.95-0.73 and 0.27-0.02). Every decision (Verify's
``isIdentical``, Identify's threshold, Find Similar's matchPerson mode, Group's
links) follows the curve of the features' model and compares the reported
value, so a client applying the threshold itself agrees with the service.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAME_PERSON_CONFIDENCE = 0.5
"""Azure's default threshold: ``confidence >= 0.5`` means the same person."""

REPORTED_DECIMALS = 5


@dataclass(frozen=True)
class ConfidenceCurve:
    """A recognition model's same-person threshold on the Euclidean feature distance, and its
    confidence curve (see the module docstring)."""

    same_person_distance: float
    distance_scale: float
    zero_confidence_distance: float

    def confidences(self, squared_distances: np.ndarray) -> np.ndarray:
        """Reported confidences (float64, five decimals) for squared Euclidean distances."""
        distances = np.sqrt(np.maximum(np.asarray(squared_distances, dtype=np.float64), 0.0))
        full_swing = np.tanh((self.zero_confidence_distance - self.same_person_distance) / self.distance_scale)
        curve = 0.5 + 0.5 * np.tanh((self.same_person_distance - distances) / self.distance_scale) / full_swing
        return np.round(np.clip(curve, 0.0, 1.0), REPORTED_DECIMALS)


SAME_PERSON_DISTANCE = 0.6
"""dlib's same-person threshold on the Euclidean feature distance."""

DLIB_RESNET_CURVE = ConfidenceCurve(
    same_person_distance=SAME_PERSON_DISTANCE, distance_scale=0.2, zero_confidence_distance=2 * SAME_PERSON_DISTANCE
)
"""dlib's ResNet: confidence moves from 0.5 to 0.88 over 0.2 of distance, and is 0 from 1.2 on."""


def is_same_person(confidence: float) -> bool:
    """Azure's decision on a reported confidence."""
    return confidence >= SAME_PERSON_CONFIDENCE
