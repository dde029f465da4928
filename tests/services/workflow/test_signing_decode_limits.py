"""The verify page parses hostile PDFs with pyHanko, which bounds stream decoding from 0.38 on
(pyproject.toml pins it): a compression bomb is refused, quickly and in little memory."""

from __future__ import annotations

import time
import tracemalloc
import zlib
from importlib.metadata import version
from pathlib import Path

from footprint.services.workflow.signing import check_pdf_signature

ROOT = Path(__file__).resolve().parents[3]
MiB = 1024 * 1024


def _bomb_pdf(decoded_mib: int = 512) -> bytes:
    """A PDF whose cross-reference stream is deflated twice: a few hundred bytes that would
    decode to `decoded_mib` MiB — read before anything else, signature or not."""
    once = zlib.compressobj(1)  # level 1: 0.8 s instead of 2 s to make, the second pass shrinks it
    chunk = bytes(MiB)
    inner = b"".join(once.compress(chunk) for _ in range(decoded_mib)) + once.flush()
    data = zlib.compress(inner, 9)
    head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    obj = (
        b"1 0 obj\n<< /Type /XRef /Size 2 /W [1 2 1] /Root 1 0 R "
        b"/Filter [/FlateDecode /FlateDecode] /Length %d >>\nstream\n" % len(data)
        + data + b"\nendstream\nendobj\n"
    )
    return head + obj + b"startxref\n%d\n%%%%EOF\n" % len(head)


def test_the_installed_pyhanko_has_decode_limits():
    from pyhanko.pdf_utils.decode_limits import DecodeLimits  # new in 0.38.0

    assert DecodeLimits().per_stream.max_output_size is not None
    major, minor = (int(x) for x in version("pyhanko").split(".")[:2])
    assert (major, minor) >= (0, 38)
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"pyhanko[opentype]>=0.38,' in pyproject


def test_a_compression_bomb_is_refused_quickly_and_in_little_memory():
    pdf = _bomb_pdf()
    assert len(pdf) < 64 * 1024
    # pyHanko's modules are imported first: under tracemalloc an import is slow, and its
    # memory says nothing about the bomb.
    assert check_pdf_signature(b"%PDF-1.7\n").error
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = check_pdf_signature(pdf)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not result.present and result.error  # "无法读取 PDF：…"
    assert time.monotonic() - started < 10
    assert peak < 300 * MiB, f"peak {peak / MiB:.0f} MiB"
