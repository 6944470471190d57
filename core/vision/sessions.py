"""onnxruntime sessions for the service's networks, with one threading policy.

Every session runs sequentially with ``inter_op_num_threads=1`` and
``intra_op_num_threads`` from the settings, so a worker's CPU use is decided
in one place. Callers create their sessions lazily, once per process.

Every session also runs without onnxruntime's memory pattern
(``enable_mem_pattern``): the pattern is traced per set of input shapes and
then served as one block holding every intermediate tensor of a run, which pays
off only when the same shapes come back. The detectors' inputs follow each
image's size (and each pyramid level's), and the recognisers' the number of
faces, so most shapes are new: the pattern seldom pays, and its whole-run
blocks, sized anew for each shape, are kept by the CPU arena.

For the same reason sessions run without onnxruntime's CPU arena
(``enable_cpu_mem_arena``) unless their caller asks for it: a session's arena
keeps the largest set of tensors it ever held at once, and grows whenever two
concurrent runs of new shapes need more, but never gives memory back. MTCNN's
networks see a new shape at every pyramid level and every number of
candidates, and their arenas came to hold more than the rest of the worker.
Without it tensors come from the C allocator, whose freed memory
``core/allocator.py`` hands back to the system; a busy worker serves as many
requests at a lower, flatter resident memory (README, "Memory").
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime

from core.settings import get_settings


def create_session(
    model: Path | bytes, initializers: dict[str, np.ndarray] | None = None, *, arena: bool = False
) -> onnxruntime.InferenceSession:
    """A CPU inference session for the ONNX file ``model`` (or a serialised model built in memory).

    ``arena`` keeps onnxruntime's CPU arena, for a network whose largest tensors exceed what the C allocator
    serves from its heaps (32 MB) and whose memory the arena reuses rather than grows (see the module's text).

    ``initializers`` supply the model's external initializers from memory the caller owns: onnxruntime
    reads them in place, so the arrays must stay alive (and unchanged) as long as the session does.
    """
    options = onnxruntime.SessionOptions()
    if initializers:
        names = list(initializers)
        options.add_external_initializers(
            names, [onnxruntime.OrtValue.ortvalue_from_numpy(initializers[name]) for name in names]
        )
    options.enable_mem_pattern = False
    options.enable_cpu_mem_arena = arena
    options.intra_op_num_threads = get_settings().inference_threads
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    source = model if isinstance(model, bytes) else str(model)
    return onnxruntime.InferenceSession(source, options, providers=["CPUExecutionProvider"])
