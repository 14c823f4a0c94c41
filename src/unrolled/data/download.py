"""Files the course ships, and files it downloads: cached, checksummed, offline-aware.

* :func:`shipped` gives the path of a file that travels inside the package
  (``unrolled/data/files/``), after checking its sha256.
* :func:`fetch` downloads a URL once into a cache folder and checks its sha256 when a
  checksum is known; it raises :class:`OfflineError` when the file is neither cached nor
  downloadable, so callers can fall back to shipped data and say so.

The cache folder is ``$UNROLLED_CACHE`` if set, else ``~/.cache/unrolled``. Setting
``UNROLLED_OFFLINE=1`` forbids every download (the loaders then use their fallbacks
straight away).
"""

import hashlib
import os
import shutil
import tempfile
import urllib.request
from pathlib import Path

__all__ = ["OfflineError", "ChecksumError", "cache_dir", "offline", "sha256", "shipped",
           "fetch", "SHIPPED_SHA256"]

FILES = Path(__file__).resolve().parent / "files"

#: Checksums of the shipped files (also listed in files/ATTRIBUTION.md).
SHIPPED_SHA256 = {
    "sentiment_sentences.tsv": "b24468f69d778217248cdb5781361b340418976e18bb07effaa8ef8869c24804",
    "time_machine.txt": "25a6f0487c3740068c78a0240506d91bc69cbfb8ab33ffb6c930044462d58d1a",
    "elnino.csv": "b647be00e0fd264be9764e317e6b963f35030014ecca2b21b204521716e463ad",
}


class OfflineError(OSError):
    """A file could not be downloaded (no network, or downloads disabled)."""


class ChecksumError(ValueError):
    """A file's sha256 is not the one expected."""


def cache_dir():
    """The folder downloads are cached in (created on demand)."""
    d = Path(os.environ.get("UNROLLED_CACHE") or Path.home() / ".cache" / "unrolled")
    d.mkdir(parents=True, exist_ok=True)
    return d


def offline():
    """True when downloads are disabled with ``UNROLLED_OFFLINE=1``."""
    return os.environ.get("UNROLLED_OFFLINE", "").strip().lower() in ("1", "true", "yes")


def sha256(path):
    """The hex sha256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


_verified = set()


def shipped(name):
    """Path of a file shipped in ``unrolled/data/files``, its sha256 checked once per process."""
    path = FILES / name
    if not path.is_file():
        raise FileNotFoundError(f"{name} is not among the shipped data files in {FILES}; "
                                "reinstall the package (pip install -e .)")
    expected = SHIPPED_SHA256.get(name)
    if expected and name not in _verified:
        got = sha256(path)
        if got != expected:
            raise ChecksumError(f"the shipped file {path} is damaged: sha256 {got}, "
                                f"expected {expected}")
        _verified.add(name)
    return path


def fetch(url, filename=None, sha256sum=None, timeout=30, quiet=False):
    """Download ``url`` into the cache once and return the local path.

    Args:
        url: what to download (``file://`` URLs work too).
        filename: name in the cache folder (default: the last part of the URL).
        sha256sum: the expected sha256, checked on the cached and on the fresh file
            when given. A cached file with the wrong checksum is downloaded again.
        timeout: seconds before the network is given up on.

    Raises:
        OfflineError: not cached, and the download failed or downloads are disabled.
        ChecksumError: the downloaded file does not have the expected checksum.
    """
    filename = filename or url.rstrip("/").rsplit("/", 1)[-1]
    target = cache_dir() / filename
    if target.is_file():
        if sha256sum is None or sha256(target) == sha256sum:
            return target
        if not quiet:
            print(f"[unrolled.data] cached {target} has the wrong checksum; downloading again")
    if offline():
        raise OfflineError(f"{filename} is not cached and downloads are disabled (UNROLLED_OFFLINE)")
    if not quiet:
        print(f"[unrolled.data] downloading {url} -> {target}")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=filename + ".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
            shutil.copyfileobj(resp, out)
        if sha256sum is not None:
            got = sha256(tmp)
            if got != sha256sum:
                raise ChecksumError(f"{url}: sha256 {got}, expected {sha256sum}")
        os.replace(tmp, target)
    except ChecksumError:
        os.unlink(tmp)
        raise
    except Exception as e:  # DNS failure, refused connection, timeout, HTTP error, ...
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise OfflineError(f"could not download {url}: {e}") from e
    return target
