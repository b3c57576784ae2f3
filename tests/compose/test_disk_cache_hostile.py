"""The on-disk config cache is a hint: whatever is found in it, a run neither fails, hangs,
nor runs code from it, and it gets rebuilt. Each test plants real files in a cache directory
and reads it with a fresh memo, as the next process would."""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from omegaconf import DictConfig, OmegaConf

from hydria.compose import disk_cache
from hydria.compose.config_memo import ConfigMemo
from hydria.compose.disk_cache import DiskCache

KEY = ("hydra-node", (("hydra/config", "hydra", ("f", 1)),))
POSIX_ONLY = pytest.mark.skipif(not disk_cache.SUPPORTED, reason="needs O_NOFOLLOW and uids")
pytestmark = POSIX_ONLY


class _Builds:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> DictConfig:
        self.count += 1
        return OmegaConf.create({"job": {"name": "built"}, "n": [1, 2]})


def _load(cache: Path) -> tuple[DictConfig, int]:
    """What a new process gets for KEY, and how many times it had to build it."""
    builds = _Builds()
    cfg = ConfigMemo(disk_dir=str(cache)).get_or_build(KEY, builds, keep_first=True)
    return cfg, builds.count


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    directory = tmp_path / "cache" / "configs"
    assert _load(directory)[1] == 1  # first run: built and stored
    assert _load(directory)[1] == 0  # next run: read back
    return directory


def _entry(cache: Path) -> Path:
    (entry,) = cache.glob("*" + disk_cache.SUFFIX)
    return entry


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    def fail(*_: object) -> None:
        raise AssertionError(f"still blocked after {seconds} s")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _truncate(p: Path) -> None:
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


def _flip(p: Path) -> None:
    data = bytearray(p.read_bytes())
    data[-20] ^= 0x01
    p.write_bytes(bytes(data))


def _garbage(p: Path) -> None:
    p.write_bytes(os.urandom(3000))


def _empty(p: Path) -> None:
    p.write_bytes(b"")


def _fifo(p: Path) -> None:
    p.unlink()
    os.mkfifo(p)


def _dev_zero(p: Path) -> None:
    p.unlink()
    p.symlink_to("/dev/zero")


def _directory(p: Path) -> None:
    p.unlink()
    p.mkdir()


def _link_out(p: Path) -> None:
    outside = p.parent.parent / "elsewhere.bin"
    outside.write_bytes(p.read_bytes())  # even a genuine entry: links are not followed
    p.unlink()
    p.symlink_to(outside)


def _dangling(p: Path) -> None:
    p.unlink()
    p.symlink_to(p.parent / "nowhere")


TAMPERS: list[Callable[[Path], None]] = [
    _truncate,
    _flip,
    _garbage,
    _empty,
    _fifo,
    _dev_zero,
    _directory,
    _link_out,
    _dangling,
]


@pytest.mark.parametrize("tamper", TAMPERS, ids=[t.__name__.strip("_") for t in TAMPERS])
def test_a_damaged_or_odd_entry_is_ignored_and_rebuilt(
    cache: Path, tamper: Callable[[Path], None]
) -> None:
    tamper(_entry(cache))
    with _deadline(10):
        cfg, builds = _load(cache)
    assert builds == 1
    assert OmegaConf.to_container(cfg) == {"job": {"name": "built"}, "n": [1, 2]}
    # rebuilt in place (an odd file is replaced, an empty directory too)
    with _deadline(10):
        assert _load(cache)[1] == 0


def _evil_pickle(canary: Path) -> bytes:
    class Evil:
        def __reduce__(self) -> tuple[object, ...]:
            return (os.mkdir, (str(canary),))

    return pickle.dumps(Evil())


def test_a_planted_pickle_never_runs(cache: Path, tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    evil = _evil_pickle(canary)
    entry = _entry(cache)
    header = entry.read_bytes()[len(disk_cache.MAGIC) + disk_cache.MAC_SIZE :].partition(b"\0")[0]
    # the right header with a made-up MAC, and the format of earlier versions
    entry.write_bytes(disk_cache.MAGIC + b"\0" * disk_cache.MAC_SIZE + header + b"\0" + evil)
    (cache / (entry.stem + ".pickle")).write_bytes(header + b"\0" + evil)
    cfg, builds = _load(cache)
    assert builds == 1
    assert cfg.job.name == "built"
    assert not canary.exists()


def test_a_planted_key_does_not_help_a_foreign_writer(cache: Path, tmp_path: Path) -> None:
    # someone who can write the entry but not read the key cannot make a valid MAC
    canary = tmp_path / "canary"
    entry = _entry(cache)
    header = entry.read_bytes()[len(disk_cache.MAGIC) + disk_cache.MAC_SIZE :].partition(b"\0")[0]
    body = header + b"\0" + _evil_pickle(canary)
    mac = disk_cache._mac_function()(os.urandom(disk_cache.KEY_SIZE), body)
    entry.write_bytes(disk_cache.MAGIC + mac + body)
    assert _load(cache)[1] == 1
    assert not canary.exists()


def test_an_entry_moved_to_another_name_is_a_miss(cache: Path) -> None:
    entry = _entry(cache)
    other = DiskCache(str(cache))
    assert other.read(entry.stem, b"another header") is None
    assert other.read(entry.stem, b"") is None


def test_an_authenticated_blob_that_does_not_unpickle_is_rebuilt(cache: Path) -> None:
    entry = _entry(cache)
    header = entry.read_bytes()[len(disk_cache.MAGIC) + disk_cache.MAC_SIZE :].partition(b"\0")[0]
    # what a cache written before a class moved looks like: it names a module that is gone
    moved = pickle.dumps(OmegaConf.create({})).replace(b"omegaconf", b"omegacon_")
    DiskCache(str(cache)).write(entry.stem, header, moved)
    assert _load(cache)[1] == 1
    DiskCache(str(cache)).write(entry.stem, header, pickle.dumps([1, 2]))  # not a config
    assert _load(cache)[1] == 1


def test_a_damaged_key_is_replaced(cache: Path) -> None:
    (cache / disk_cache.KEY_FILE).write_bytes(b"short")
    assert _load(cache)[1] == 1  # entries made with the old key no longer authenticate
    assert len((cache / disk_cache.KEY_FILE).read_bytes()) == disk_cache.KEY_SIZE
    assert _load(cache)[1] == 0


@pytest.mark.parametrize("odd", ["fifo", "link", "directory"])
def test_an_odd_key_is_replaced(cache: Path, tmp_path: Path, odd: str) -> None:
    key = cache / disk_cache.KEY_FILE
    key.unlink()
    if odd == "fifo":
        os.mkfifo(key)
    elif odd == "link":
        (tmp_path / "planted-key").write_bytes(b"k" * disk_cache.KEY_SIZE)
        key.symlink_to(tmp_path / "planted-key")
    else:
        key.mkdir()
    with _deadline(10):
        assert _load(cache)[1] == 1
        assert _load(cache)[1] == 0


def test_the_directory_and_key_are_private(cache: Path) -> None:
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert stat.S_IMODE((cache / disk_cache.KEY_FILE).stat().st_mode) == 0o600
    assert stat.S_IMODE(_entry(cache).stat().st_mode) == 0o600


def test_an_own_readable_directory_is_made_private(tmp_path: Path) -> None:
    directory = tmp_path / "configs"
    directory.mkdir(mode=0o755)
    directory.chmod(0o755)
    assert _load(directory)[1] == 1
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert _load(directory)[1] == 0


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o1777])
def test_a_directory_others_can_write_is_not_used(tmp_path: Path, mode: int) -> None:
    directory = tmp_path / "configs"
    directory.mkdir()
    directory.chmod(mode)
    assert _load(directory)[1] == 1
    assert _load(directory)[1] == 1
    assert list(directory.iterdir()) == []


def test_a_symlinked_directory_is_not_used(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    link = tmp_path / "configs"
    link.symlink_to(real)
    assert _load(link)[1] == 1
    assert _load(link)[1] == 1
    assert list(real.iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a directory away needs root")
def test_a_directory_owned_by_someone_else_is_not_used(cache: Path) -> None:
    os.chown(cache, 4242, -1)
    assert _load(cache)[1] == 1
    os.chown(cache, 0, -1)
    os.chown(_entry(cache), 4242, -1)  # an entry someone else wrote
    assert _load(cache)[1] == 1


def test_a_cache_path_that_is_a_file_is_not_used(tmp_path: Path) -> None:
    (tmp_path / "configs").write_text("not a directory")
    assert _load(tmp_path / "configs")[1] == 1


def test_writing_prunes_the_oldest_entries(tmp_path: Path) -> None:
    directory = tmp_path / "configs"
    cache = DiskCache(str(directory), max_files=3, max_bytes=10**9)
    for i in range(5):
        cache.write(f"entry{i}", b"h", b"x" * 100)
        stamp = (1_000_000 + i) * 10**9  # distinct, increasing ages
        os.utime(directory / f"entry{i}{disk_cache.SUFFIX}", ns=(stamp, stamp))
    (directory / "old.pickle").write_bytes(b"earlier format")
    os.utime(directory / "old.pickle", ns=(10**9, 10**9))
    cache.write("entry5", b"h", b"x" * 100)
    names = sorted(p.name for p in directory.iterdir())
    assert names == ["entry3.bin", "entry4.bin", "entry5.bin", disk_cache.KEY_FILE]
    by_size = DiskCache(str(directory), max_files=100, max_bytes=400)
    by_size.write("entry6", b"h", b"x" * 100)
    assert len(list(directory.glob("*.bin"))) == 2  # each entry is ~150 bytes with its MAC
    assert cache.read("entry6", b"h") == b"x" * 100


APP = """
import hydria

@hydria.main(version_base=None, config_path="conf", config_name="config")
def app(cfg):
    print("job name:", cfg.job_name)

if __name__ == "__main__":
    app()
"""


def _run(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HYDRIA_", "HYDRA_"))}
    env["XDG_CACHE_HOME"] = str(cwd / ".cache")
    return subprocess.run(
        [sys.executable, "app.py", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_real_run_survives_planted_pickles_and_sees_same_stamp_rewrites(tmp_path: Path) -> None:
    """Item 6 and 12 end to end: two processes share the cache as apps do."""
    (tmp_path / "app.py").write_text(APP)
    conf = tmp_path / "conf"
    conf.mkdir()
    primary = conf / "config.yaml"
    primary.write_text("job_name: ${hydra:job.name}\nhydra:\n  job:\n    name: first\n")
    first = _run(tmp_path, "hydra.run.dir=out")
    assert first.returncode == 0, first.stderr
    assert "job name: first" in first.stdout
    cache = tmp_path / ".cache" / "hydria" / "configs"
    entries = list(cache.glob("*.bin"))
    assert entries
    # rewrite in place with the same size, then put inode, size and mtime back
    st = primary.stat()
    with primary.open("r+") as f:
        f.write("job_name: ${hydra:job.name}\nhydra:\n  job:\n    name: other\n")
    os.utime(primary, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = primary.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        st.st_ino,
        st.st_size,
        st.st_mtime_ns,
    )
    canary = tmp_path / "canary"
    for entry in cache.glob("*.bin"):
        entry.write_bytes(_evil_pickle(canary))
    second = _run(tmp_path, "hydra.run.dir=out")
    assert second.returncode == 0, second.stderr
    assert "job name: other" in second.stdout
    assert not canary.exists()
