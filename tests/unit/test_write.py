"""write: the new site replaces site/ all at once; a failed or killed build leaves it as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.errors import ArchiveError
from archive.model import OutputFile
from archive.write import STAGING_PREFIX, write_site

ROOT = Path(__file__).resolve().parents[2]
GEN_CORPUS = ROOT.parent / "shared" / "bench" / "gen_corpus.py"
FIXTURE_CONTENT = ROOT / "tests" / "fixtures" / "site-min" / "content"


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def previous_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    write_site([OutputFile("index.html", b"old home"), OutputFile("old/index.html", b"gone")], site)
    return site


def test_new_site_replaces_the_old_one_entirely(previous_site: Path) -> None:
    write_site([OutputFile("index.html", b"new"), OutputFile("a/b/c.txt", b"x")], previous_site)
    assert _tree(previous_site) == {"index.html": b"new", "a/b/c.txt": b"x"}
    assert not list(previous_site.parent.glob(STAGING_PREFIX + "*"))
    assert previous_site.stat().st_mode & 0o777 == 0o755


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([OutputFile("a.html", b"1"), OutputFile("a.html", b"2")], "两个输出文件落在同一路径上"),
        ([OutputFile("../escape.html", b"1")], "拒绝写到站点目录之外"),
        ([OutputFile("/etc/x", b"1")], "拒绝写到站点目录之外"),
    ],
)
def test_bad_outputs_leave_the_previous_site(
    previous_site: Path, files: list[OutputFile], message: str
) -> None:
    before = _tree(previous_site)
    with pytest.raises(ArchiveError, match=message):
        write_site(files, previous_site)
    assert _tree(previous_site) == before
    assert not (previous_site.parent / "escape.html").exists()


def test_a_build_killed_half_way_leaves_the_previous_site(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(GEN_CORPUS), "-n", "1500", "--out", str(tmp_path / "corpus")],
        check=True, capture_output=True,
    )  # fmt: skip
    content = tmp_path / "corpus" / "content"
    site = tmp_path / "site"
    write_site([OutputFile("index.html", b"previous site")], site)
    command = [sys.executable, str(ROOT / "build.py"), "build", "--content-dir", str(content),
               "--out", str(site), "--quiet", "--no-cache"]  # fmt: skip
    # A process group, so the build's worker processes are killed with it.
    build = subprocess.Popen(command, start_new_session=True)
    time.sleep(2.5)
    assert build.poll() is None, "the build finished before it could be killed: use more articles"
    os.killpg(build.pid, signal.SIGKILL)
    build.wait()
    assert _tree(site) == {"index.html": b"previous site"}
    small = [*command[:4], str(FIXTURE_CONTENT), *command[5:]]
    finished = subprocess.run(small, capture_output=True, text=True, check=False)
    assert finished.returncode == 0, finished.stderr
    assert (site / "articles" / "2024-erqi-001" / "index.html").is_file()
    assert not list(tmp_path.glob(STAGING_PREFIX + "*"))  # the killed build's leftovers are gone
