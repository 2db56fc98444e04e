"""Blockwise sketching of ``dask.array`` input: ``S A = sum_b S[:, b] A[b]`` over row chunks.

dask is imported here only, so ``import sparselearn.sketching`` does not pull it in.
"""

import numpy as np


def _sketch_one_block(block, sketch, row_offset):
    # runs on a worker: one chunk of rows (all its columns of this column chunk)
    return sketch.apply_block(block, row_offset)


def sketch_dask(sketch, A):
    """Lazy ``S @ A`` for a dask array ``A`` (1-D or 2-D), chunked along rows.

    Each row chunk is sketched with its global row offset (so the result equals the sketch of
    the same NumPy array up to summation order), and the partial sketches are summed by a
    tree reduction.
    """
    import dask.array as da

    k = sketch._k
    was_1d = A.ndim == 1
    if was_1d:
        A = A[:, None]
    if A.ndim != 2:
        raise ValueError(f"A must be a 1-D or 2-D dask array; got {A.ndim} dimensions.")
    dtype = np.float32 if A.dtype == np.float32 else np.float64
    offsets = np.concatenate([[0], np.cumsum(A.chunks[0])])
    parts = []
    for i in range(len(A.chunks[0])):
        row_block = A.blocks[i]
        parts.append(
            row_block.map_blocks(
                _sketch_one_block,
                sketch,
                int(offsets[i]),
                chunks=((k,), row_block.chunks[1]),
                dtype=dtype,
                meta=np.empty((0, 0), dtype=dtype),
            )
        )
    SA = da.stack(parts).sum(axis=0) if len(parts) > 1 else parts[0]
    return SA[:, 0] if was_1d else SA
