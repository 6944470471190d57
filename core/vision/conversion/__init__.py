"""Model conversion: dlib's file formats read and rewritten as ONNX graphs."""
