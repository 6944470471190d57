"""Box calibration: each detector's box mapped into dlib's detector box convention.

dlib's shape predictors were trained on boxes from dlib's own detectors, so a
box from another detector is first moved and scaled to where dlib's CNN
detector would have put it. The adjustment is affine in the box's own frame:

    centre' = centre + (shift_x * width, shift_y * height)
    width'  = scale_x * width,  height' = scale_y * height

with width and height measured as ``right - left`` and ``bottom - top`` (the
shape predictor's unit square). The constants are fitted on the shared photos
by ``bench/fit_box_calibration.py`` (least squares against dlib CNN boxes of the
same faces) and pasted here.
"""

from __future__ import annotations

from dataclasses import dataclass

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class BoxCalibration:
    """An affine adjustment of (left, top, right, bottom) boxes, in the box's frame."""

    shift_x: float = 0.0
    shift_y: float = 0.0
    scale_x: float = 1.0
    scale_y: float = 1.0

    def apply(self, box: Box) -> Box:
        left, top, right, bottom = box
        width, height = right - left, bottom - top
        centre_x = (left + right) / 2 + self.shift_x * width
        centre_y = (top + bottom) / 2 + self.shift_y * height
        half_width, half_height = self.scale_x * width / 2, self.scale_y * height / 2
        return centre_x - half_width, centre_y - half_height, centre_x + half_width, centre_y + half_height


IDENTITY = BoxCalibration()
"""dlib's CNN detector (the MMOD network): its boxes are the convention."""

MTCNN_TO_DLIB = BoxCalibration(shift_x=-0.0167, shift_y=-0.0161, scale_x=1.0596, scale_y=0.7826)
"""MTCNN's O-Net boxes (taller than wide, from forehead to chin) to dlib's.

Fitted on 111 faces of the shared photos: dlib descriptors from the calibrated
boxes lie at median L2 0.046 (mean 0.058) from those from dlib's own boxes,
against median 0.087 uncalibrated; dlib's HOG boxes give median 0.050 (mean
0.062) on the same faces."""
