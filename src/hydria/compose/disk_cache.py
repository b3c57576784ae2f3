"""A private, authenticated, bounded directory of cached blobs: what one run leaves for the next.

The cache is a hint. Every entry carries a keyed BLAKE2b MAC made with a random key
that only the directory's owner can read, so a file hydria did not write (planted,
truncated, flipped, from another user) is never handed to `pickle.loads`. The
directory must be the user's own, a real directory, not writable by group or others;
otherwise it is not used. Odd entries (FIFOs, devices, directories, symlinks) are
never opened for reading or followed, so nothing here can hang or fail a run: every
problem is a debug line and a miss. Writes prune the oldest entries past a bound.
"""

from __future__ import annotations

import contextlib
import functools
import os
import stat
from collections.abc import Callable


def _debug(message: str, *args: object) -> None:
    """A debug line on this module's logger. `logging` is imported when there is one to
    write: a start-up that only prints a config (`--cfg`) would otherwise pay ~2 ms for it."""
    import logging

    logging.getLogger(__name__).debug(message, *args)


MAGIC = b"HYDRIA-CACHE-1\n"
KEY_FILE = "key"
KEY_SIZE = 32
MAC_SIZE = 32
SUFFIX = ".bin"
MAX_ENTRY_BYTES = 16 * 1024 * 1024  # a hydra node pickles to ~10 KB: far below
MAX_FILES = 128
MAX_TOTAL_BYTES = 32 * 1024 * 1024

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_READ_FLAGS = os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
# Without these (Windows) a file cannot be opened safely relative to a checked directory.
SUPPORTED = bool(_NOFOLLOW and _DIRECTORY) and hasattr(os, "geteuid")


def entry_name(header: bytes, prefix: str = "") -> str:
    """A file name for the entry stored with `header` (two 32-bit checksums: `hashlib`
    costs 5 ms to import). A collision is only a miss: `read` compares the header."""
    import zlib

    return f"{prefix}{zlib.crc32(header):08x}{zlib.adler32(header):08x}"


def content_digest(data: bytes) -> bytes:
    """A short digest of `data` (hex BLAKE2b): whether an entry's content is still what
    a caller would write, told without decoding it."""
    return _mac_function()(b"", data)[:16].hex().encode("ascii")


@functools.cache
def _mac_function() -> Callable[[bytes, bytes], bytes]:
    """The keyed BLAKE2b, made once: `_blake2` alone costs 0.5 ms to import; `hashlib`
    pulls in OpenSSL (5 ms), and every warm start reads the cache once."""
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import blake2b

    def mac(key: bytes, data: bytes) -> bytes:
        return blake2b(data, key=key, digest_size=MAC_SIZE).digest()

    return mac


def _read_regular(name: str, dir_fd: int, limit: int) -> bytes | None:
    """The bytes of a regular file owned by this user, at most `limit`; None otherwise.

    O_NOFOLLOW refuses a symlink, O_NONBLOCK keeps a FIFO from blocking the open,
    and `fstat` refuses anything that is not a regular file before a byte is read.
    """
    try:
        fd = os.open(name, _READ_FLAGS, dir_fd=dir_fd)
    except FileNotFoundError:
        return None
    except OSError as exc:
        _debug("hydria cache: cannot open %s: %s", name, exc)
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            _debug("hydria cache: %s is not a regular file; ignored", name)
            return None
        if st.st_uid != os.geteuid() or st.st_size > limit:
            _debug("hydria cache: %s is foreign or too large; ignored", name)
            return None
        chunks = []
        remaining = st.st_size
        while remaining > 0:
            chunk = os.read(fd, remaining)
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    except OSError as exc:
        _debug("hydria cache: cannot read %s: %s", name, exc)
        return None
    finally:
        os.close(fd)


def _write_new(name: str, dir_fd: int, data: bytes) -> bool:
    """Write `data` to a new file `name` (0600); False if it exists or cannot be written."""
    try:
        fd = os.open(name, _CREATE_FLAGS, 0o600, dir_fd=dir_fd)
    except OSError:
        return False
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        return True
    except OSError:
        _unlink(name, dir_fd)
        return False
    finally:
        os.close(fd)


def _unlink(name: str, dir_fd: int) -> None:
    """Remove a file, or an empty directory in its place; quietly, whatever is there."""
    try:
        os.unlink(name, dir_fd=dir_fd)
    except (IsADirectoryError, PermissionError):  # Linux and macOS say it differently
        with contextlib.suppress(OSError):
            os.rmdir(name, dir_fd=dir_fd)
    except OSError:
        pass


def _temp_name() -> str:
    return f".{os.getpid()}-{os.urandom(6).hex()}.tmp"


class DiskCache:
    """Blobs by name in a private directory, each authenticated with the directory's key.

    Args:
        directory: created (0700) when missing. One that exists is used only if it is a
            real directory owned by this user and not writable by group or others.
        max_files: entries kept after a write prunes the oldest.
        max_bytes: total size kept after a write prunes the oldest.
    """

    def __init__(
        self, directory: str, *, max_files: int = MAX_FILES, max_bytes: int = MAX_TOTAL_BYTES
    ) -> None:
        self.directory = directory
        self._max_files = max_files
        self._max_bytes = max_bytes

    def _open_directory(self, *, create: bool) -> int | None:
        """A descriptor of the checked cache directory, or None (with a debug line)."""
        if not SUPPORTED:
            return None
        if create:
            try:
                os.makedirs(self.directory, mode=0o700, exist_ok=True)
            except OSError as exc:
                _debug("hydria cache: cannot create %s: %s", self.directory, exc)
                return None
        try:
            fd = os.open(self.directory, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC)
        except OSError as exc:
            if create or not isinstance(exc, FileNotFoundError):
                _debug("hydria cache: %s not used: %s", self.directory, exc)
            return None
        try:
            st = os.fstat(fd)
            if st.st_uid != os.geteuid() or st.st_mode & 0o022:
                _debug(
                    "hydria cache: %s not used: it must be owned by this user and "
                    "writable by no one else (owner %d, mode %o)",
                    self.directory,
                    st.st_uid,
                    stat.S_IMODE(st.st_mode),
                )
                os.close(fd)
                return None
            if st.st_mode & 0o077:
                os.fchmod(fd, 0o700)  # ours and not shared: make it private
        except OSError as exc:
            _debug("hydria cache: %s not used: %s", self.directory, exc)
            os.close(fd)
            return None
        return fd

    def _key(self, dir_fd: int, *, create: bool) -> bytes | None:
        """The directory's MAC key; made (0600, atomically) when missing and `create`."""
        key = _read_regular(KEY_FILE, dir_fd, KEY_SIZE)
        if key is not None and len(key) == KEY_SIZE:
            return key
        if not create:
            return None
        # missing, damaged or odd (a FIFO, a link, someone else's): entries made with
        # whatever was there cannot be trusted anyway
        _debug("hydria cache: no usable key in %s; making a new one", self.directory)
        _unlink(KEY_FILE, dir_fd)
        fresh = os.urandom(KEY_SIZE)
        tmp = _temp_name()
        if not _write_new(tmp, dir_fd, fresh):
            return None
        try:
            # link() never replaces: when two processes race, both use the winner's key
            os.link(tmp, KEY_FILE, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except FileExistsError:
            _unlink(tmp, dir_fd)
            return self._key(dir_fd, create=False)
        except OSError as exc:
            _debug("hydria cache: cannot store the key: %s", exc)
            _unlink(tmp, dir_fd)
            return None
        _unlink(tmp, dir_fd)
        return fresh

    def read(self, name: str, header: bytes) -> bytes | None:
        """The blob stored under `name` with this exact `header`, if it authenticates.

        Returns None on any problem (missing, odd, foreign, corrupt, another header).
        """
        dir_fd = self._open_directory(create=False)
        if dir_fd is None:
            return None
        try:
            key = self._key(dir_fd, create=False)
            if key is None:
                return None
            data = _read_regular(name + SUFFIX, dir_fd, MAX_ENTRY_BYTES)
        finally:
            os.close(dir_fd)
        if data is None:
            return None
        body = data[len(MAGIC) + MAC_SIZE :]
        mac = data[len(MAGIC) : len(MAGIC) + MAC_SIZE]
        if not data.startswith(MAGIC) or _mac_function()(key, body) != mac:
            _debug("hydria cache: %s%s does not authenticate; ignored", name, SUFFIX)
            return None
        stored_header, sep, blob = body.partition(b"\0")
        if not sep or stored_header != header:
            return None  # another key whose name collides: a miss
        return blob

    def write(self, name: str, header: bytes, blob: bytes) -> None:
        """Store `blob` under `name` (atomically replacing it), then prune. Never raises."""
        body = header + b"\0" + blob
        if len(body) + len(MAGIC) + MAC_SIZE > MAX_ENTRY_BYTES:
            return
        dir_fd = self._open_directory(create=True)
        if dir_fd is None:
            return
        try:
            key = self._key(dir_fd, create=True)
            if key is None:
                return
            tmp = _temp_name()
            if not _write_new(tmp, dir_fd, MAGIC + _mac_function()(key, body) + body):
                return
            try:
                self._replace(tmp, name + SUFFIX, dir_fd)
            except OSError as exc:
                _debug("hydria cache: cannot store %s: %s", name, exc)
                _unlink(tmp, dir_fd)
                return
            self._prune(dir_fd)
        finally:
            os.close(dir_fd)

    @staticmethod
    def _replace(tmp: str, name: str, dir_fd: int) -> None:
        try:
            os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except IsADirectoryError:
            _unlink(name, dir_fd)  # an empty directory in the way; a full one stays
            os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)

    def _prune(self, dir_fd: int) -> None:
        """Delete the oldest entries until at most max_files and max_bytes remain.

        Anything but the key counts, so old formats and leftover temporary files age out too.
        """
        entries: list[tuple[int, int, str]] = []
        try:
            with os.scandir(dir_fd) as it:
                for e in it:
                    if e.name == KEY_FILE:
                        continue
                    try:
                        st = e.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    entries.append((st.st_mtime_ns, st.st_size, e.name))
        except OSError:
            return
        count, total = len(entries), sum(size for _, size, _ in entries)
        entries.sort()
        for _, size, entry_name in entries:
            if count <= self._max_files and total <= self._max_bytes:
                break
            try:
                os.unlink(entry_name, dir_fd=dir_fd)
            except OSError:
                continue  # a directory, or gone already: it only takes up a name
            count, total = count - 1, total - size
