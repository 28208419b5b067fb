"""Tesseract in this process: the system's ``libtesseract`` through its C API (ctypes).

Run as a program, Tesseract loaded its ``deu`` model for every page: about 0.13 s CPU of
a page's 0.5 s of OCR (issue 19, item 5). Here each thread loads it once and keeps it.
It is the same library the ``tesseract`` program of the Debian package uses, with the
same settings, so the text is the same (``bench/documents.py`` compares per document
kind); the binary wheel of ``tesserocr`` was not used because it brings its own, newer
Tesseract, which lost words of bank statements' tables. Without the library (another
system) ``available()`` is false and the pipeline runs the program as before.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import os
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

LANG = "deu"
PSM_AUTO = 3  # ``--psm 3``: automatic layout without orientation detection
# Where Debian and other distributions put the models; ``TESSDATA_PREFIX`` (the variable
# Tesseract itself reads) comes first.
TESSDATA_DIRS = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)
# The pipeline's settings besides the page segmentation (``assemble.OCR_CONFIG``).
VARIABLES = {"tessedit_do_invert": "0"}


@lru_cache(maxsize=1)
def tessdata_dir() -> str:
    """The folder with ``deu.traineddata``, or "" when there is none."""
    for folder in filter(None, (os.environ.get("TESSDATA_PREFIX", ""), *TESSDATA_DIRS)):
        for path in (Path(folder), Path(folder) / "tessdata"):
            if (path / f"{LANG}.traineddata").is_file():
                return str(path)
    return ""


@lru_cache(maxsize=1)
def _library() -> ctypes.CDLL | None:
    # One OpenMP thread (as ``assemble.ocr_page`` sets it for the program): libgomp reads
    # the variable when it is loaded, which is with the library.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    # ``find_library`` asks ``ldconfig``; the soname of Tesseract 5 (and 4) directly when
    # that is missing (slim images).
    names = [ctypes.util.find_library("tesseract"), "libtesseract.so.5", "libtesseract.so.4"]
    lib = None
    for name in filter(None, names):
        try:
            lib = ctypes.CDLL(name)
            break
        except OSError:
            continue
    if lib is None:
        return None
    handle, text = ctypes.c_void_p, ctypes.c_char_p
    lib.TessVersion.restype = text
    lib.TessBaseAPICreate.restype = handle
    lib.TessBaseAPIInit3.argtypes = [handle, text, text]
    lib.TessBaseAPIInit3.restype = ctypes.c_int
    lib.TessBaseAPISetPageSegMode.argtypes = [handle, ctypes.c_int]
    lib.TessBaseAPISetVariable.argtypes = [handle, text, text]
    lib.TessBaseAPISetVariable.restype = ctypes.c_int
    lib.TessBaseAPISetImage.argtypes = [handle, ctypes.c_void_p, *[ctypes.c_int] * 4]
    lib.TessBaseAPISetSourceResolution.argtypes = [handle, ctypes.c_int]
    # A pointer, not ``c_char_p``: the text must be handed back to ``TessDeleteText``.
    lib.TessBaseAPIGetUTF8Text.argtypes = [handle]
    lib.TessBaseAPIGetUTF8Text.restype = ctypes.c_void_p
    lib.TessDeleteText.argtypes = [ctypes.c_void_p]
    lib.TessBaseAPIClear.argtypes = [handle]
    lib.TessBaseAPIDelete.argtypes = [handle]
    version = (lib.TessVersion() or b"").decode()
    if not version.startswith(("4.", "5.")):  # the C API above is theirs
        return None
    return lib


def available() -> bool:
    return _library() is not None and bool(tessdata_dir())


class _Engine:
    """One initialised ``TessBaseAPI``; not thread-safe, so one per thread."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        self._lib = lib
        self._api = lib.TessBaseAPICreate()
        if lib.TessBaseAPIInit3(self._api, tessdata_dir().encode(), LANG.encode()) != 0:
            lib.TessBaseAPIDelete(self._api)
            msg = f"Tesseract could not load {LANG} from {tessdata_dir()}"
            raise RuntimeError(msg)
        lib.TessBaseAPISetPageSegMode(self._api, PSM_AUTO)
        for name, value in VARIABLES.items():
            lib.TessBaseAPISetVariable(self._api, name.encode(), value.encode())

    def read(self, grey: NDArray[np.uint8], dpi: int) -> str:
        lib, api = self._lib, self._api
        pixels = np.ascontiguousarray(grey, dtype=np.uint8)
        height, width = pixels.shape
        # What ``--dpi`` of the program sets; the image carries no resolution of its own.
        lib.TessBaseAPISetVariable(api, b"user_defined_dpi", str(dpi).encode())
        lib.TessBaseAPISetImage(api, pixels.ctypes.data, width, height, 1, width)
        lib.TessBaseAPISetSourceResolution(api, dpi)
        found = lib.TessBaseAPIGetUTF8Text(api)
        try:
            return ctypes.string_at(found).decode("utf-8", errors="replace") if found else ""
        finally:
            if found:
                lib.TessDeleteText(found)
            lib.TessBaseAPIClear(api)

    def __del__(self) -> None:
        api, self._api = getattr(self, "_api", None), None
        if api:
            self._lib.TessBaseAPIDelete(api)


class _Engines(threading.local):
    engine: _Engine | None = None


_engines = _Engines()


@atexit.register
def _release() -> None:
    """The main thread's engine goes before the library's own clean-up at exit (which
    otherwise reports the still-loaded model as a leak); other threads' go with them."""
    _engines.engine = None


def read(grey: NDArray[np.uint8], dpi: int) -> str:
    """The text of a grey page at ``dpi`` (this thread's engine, made on first use)."""
    lib = _library()
    if lib is None:
        msg = "libtesseract is not installed"
        raise RuntimeError(msg)
    if _engines.engine is None:
        _engines.engine = _Engine(lib)
    return _engines.engine.read(grey, dpi)
