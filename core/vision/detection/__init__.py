"""Face detectors: MTCNN, dlib's CNN (MMOD), box calibration and refinement."""
