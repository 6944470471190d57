"""Face - Group: split 2..1000 faceIds into groups of one person each, plus a messy group.

Faces are linked when they are within their recognition model's same-person distance (confidence
>= 0.5, as Verify decides); each connected set of two or more faces is a group,
largest first, and faces linked to no other form ``messyGroup``. Faces keep
the order the request gave them in.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core import limits
from core.operations.face_ids import detected_faces_index, face_id_list, load_query_faces
from core.search.matching import group_by_similarity


def group(body: dict[str, Any]) -> dict[str, Any]:
    face_ids = face_id_list(body.get("faceIds"), limits.GROUP_MIN_FACE_IDS, limits.GROUP_MAX_FACE_IDS)
    index = detected_faces_index(load_query_faces(face_ids))
    position = {face_id: order for order, face_id in enumerate(face_ids)}
    rank = np.array([position[index.face_id(row)] for row in range(len(index))])
    groups, messy = group_by_similarity(index, rank)
    return {
        "groups": [[index.face_id(row) for row in rows] for rows in groups],
        "messyGroup": [index.face_id(row) for row in messy],
    }
