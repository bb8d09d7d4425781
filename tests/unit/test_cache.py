"""The on-disk build cache: hits, misses, corrupt and stale entries, concurrent writers."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archive import cache as cache_module
from archive.cache import Cache, code_version, default_cache, entry_key, read_entry

TEXT = "## 二七区\n\n郑好融为企业发放贷款3.3亿元，群众满意率99.38%。"


class Counter:
    """A compute function that records how often it ran."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, text: str) -> dict[str, object]:
        self.calls += 1
        return {"chars": len(text), "words": ["郑好融", "贷款"], "pair": ("亿元", 3.3)}


def only_entry(directory: Path) -> Path:
    files = [p for p in directory.rglob("*") if p.is_file()]
    assert len(files) == 1, files
    return files[0]


def test_second_lookup_is_a_hit_with_the_same_value(tmp_path: Path) -> None:
    store, compute = Cache(tmp_path), Counter()
    first = store.get_or_compute("figures", "v1", TEXT, compute)
    second = store.get_or_compute("figures", "v1", TEXT, compute)
    assert compute.calls == 1
    assert (
        first == second == {"chars": len(TEXT), "words": ["郑好融", "贷款"], "pair": ["亿元", 3.3]}
    )


@pytest.mark.parametrize(
    ("kind", "version", "text"),
    [
        ("keywords", "v1", TEXT),  # another kind of work
        ("figures", "v2", TEXT),  # new code or dictionary
        ("figures", "v1", TEXT + "。"),  # edited article
    ],
)
def test_a_different_kind_version_or_text_is_a_miss(
    tmp_path: Path, kind: str, version: str, text: str
) -> None:
    store, compute = Cache(tmp_path), Counter()
    store.get_or_compute("figures", "v1", TEXT, compute)
    store.get_or_compute(kind, version, text, compute)
    assert compute.calls == 2


def test_key_parts_cannot_run_into_each_other() -> None:
    assert entry_key("ab", "c", TEXT) != entry_key("a", "bc", TEXT)


def corrupt_flip_a_byte(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    raw[-3] ^= 0x01
    path.write_bytes(bytes(raw))


def corrupt_truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-5])


def corrupt_empty(path: Path) -> None:
    path.write_bytes(b"")


def corrupt_no_header(path: Path) -> None:
    path.write_bytes(b'{"chars": 1}')


def corrupt_foreign_entry(path: Path) -> None:
    """A well-formed entry of another key copied over this one (a stale file)."""
    other = Cache(path.parent / "other")
    other.get_or_compute("figures", "v0", "旧文本", Counter())
    path.write_bytes(only_entry(path.parent / "other").read_bytes())


def corrupt_same_length_payload(path: Path) -> None:
    """Payload replaced by other valid JSON of the same length: only the checksum tells."""
    header, _, payload = path.read_bytes().partition(b"\n")
    fake = json.dumps({"x": "y" * (len(payload) - 10)}).encode()[: len(payload)]
    fake = fake[:-2] + b'"}'
    path.write_bytes(header + b"\n" + fake)


@pytest.mark.parametrize(
    "damage",
    [
        corrupt_flip_a_byte,
        corrupt_truncate,
        corrupt_empty,
        corrupt_no_header,
        corrupt_foreign_entry,
        corrupt_same_length_payload,
    ],
)
def test_a_damaged_entry_is_recomputed_and_repaired(tmp_path: Path, damage) -> None:
    store, compute = Cache(tmp_path / "c"), Counter()
    expected = store.get_or_compute("figures", "v1", TEXT, compute)
    entry = only_entry(tmp_path / "c")
    damage(entry)
    assert store.get_or_compute("figures", "v1", TEXT, compute) == expected
    assert compute.calls == 2
    # The bad entry was replaced by a good one: the next lookup is a hit.
    assert store.get_or_compute("figures", "v1", TEXT, compute) == expected
    assert compute.calls == 2


def test_disabled_cache_computes_every_time_and_writes_nothing(tmp_path: Path) -> None:
    store, compute = Cache(tmp_path / "c", enabled=False), Counter()
    Cache(tmp_path / "c").get_or_compute("figures", "v1", TEXT, Counter())
    before = sorted(p.read_bytes() for p in (tmp_path / "c").rglob("*") if p.is_file())
    store.get_or_compute("figures", "v1", TEXT, compute)
    store.get_or_compute("figures", "v1", TEXT, compute)
    assert compute.calls == 2
    after = sorted(p.read_bytes() for p in (tmp_path / "c").rglob("*") if p.is_file())
    assert before == after


def test_cached_and_fresh_results_are_identical(tmp_path: Path) -> None:
    fresh = Cache(tmp_path, enabled=False).get_or_compute("figures", "v1", TEXT, Counter())
    Cache(tmp_path).get_or_compute("figures", "v1", TEXT, Counter())
    cached = Cache(tmp_path).get_or_compute("figures", "v1", TEXT, Counter())
    assert json.dumps(fresh) == json.dumps(cached)


def test_unwritable_cache_still_computes(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    store, compute = Cache(blocker), Counter()
    assert store.get_or_compute("figures", "v1", TEXT, compute)["chars"] == len(TEXT)


def test_default_cache_is_git_ignored_dot_cache(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[2]
    store = default_cache(repo)
    assert store.directory == repo / ".cache" / "build"
    assert "/.cache/" in (repo / ".gitignore").read_text().split()


def test_code_version_follows_the_source(tmp_path: Path) -> None:
    module = tmp_path / "worker_code.py"
    module.write_text("def work(text):\n    return text\n")
    import importlib.util

    spec = importlib.util.spec_from_file_location("worker_code", module)
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    before = code_version("markdown 3.11.3", loaded)
    module.write_text("def work(text):\n    return text.strip()\n")
    assert code_version("markdown 3.11.3", loaded) != before
    assert code_version("markdown 3.11.3", cache_module) == code_version(
        "markdown 3.11.3", cache_module
    )


def _fill(directory: str, worker: int, texts: list[str]) -> None:
    store = Cache(Path(directory))
    for _ in range(3):
        for text in texts:
            store.get_or_compute("seg", "v1", text, lambda t: {"w": worker, "t": t})


def test_two_processes_writing_the_same_entries_leave_only_good_ones(tmp_path: Path) -> None:
    texts = [f"第{n}篇 " + "郑州" * n for n in range(150)]
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_fill, args=(str(tmp_path), n, texts)) for n in range(2)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(60)
        assert process.exitcode == 0
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert not [p for p in files if p.name.startswith(".tmp-")]
    assert len(files) == len(texts)
    for text in texts:
        key = entry_key("seg", "v1", text)
        payload = read_entry(Cache(tmp_path).path_for("seg", key), key)
        assert payload is not None and json.loads(payload)["t"] == text
    assert os.listdir(tmp_path) == ["seg"]


# --- whole builds through the command line ----------------------------------------------

REPO = Path(__file__).resolve().parents[2]


def build(content: Path, out: Path, cache_dir: Path, *extra: str) -> None:
    environment = {**os.environ, "ARCHIVE_CACHE_DIR": str(cache_dir)}
    command = [sys.executable, str(REPO / "build.py"), "build", "--content-dir", str(content)]
    subprocess.run(
        [*command, "--out", str(out), "--quiet", *extra],
        check=True,
        capture_output=True,
        env=environment,
    )


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def entries(cache_dir: Path) -> dict[Path, int]:
    """The per-article entries (whole-build snapshots are tested in test_snapshot.py)."""
    folder = cache_dir / "analysis"
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_cached_builds_equal_a_clean_build_even_from_a_damaged_cache(tmp_path: Path) -> None:
    gen = REPO.parent / "shared" / "bench" / "gen_corpus.py"
    if not gen.is_file():
        gen = Path("/work/shared/bench/gen_corpus.py")
    subprocess.run(
        [sys.executable, str(gen), "-n", "6", "--out", str(tmp_path), "--format", "ours"],
        check=True,
        capture_output=True,
    )
    content, cache_dir = tmp_path / "content", tmp_path / "cache"
    build(content, tmp_path / "clean", cache_dir, "--no-cache")
    assert not cache_dir.exists()  # --no-cache neither reads nor writes it
    build(content, tmp_path / "cold", cache_dir)
    filled = entries(cache_dir)
    assert len(filled) == 6  # one analysis per article
    # Without the stored build of these inputs, a warm build runs and finds every entry.
    shutil.rmtree(cache_dir / "snapshots")
    build(content, tmp_path / "warm", cache_dir)
    assert entries(cache_dir) == filled  # all hits: nothing rewritten
    shutil.rmtree(cache_dir / "snapshots")
    damaged = sorted(filled)
    corrupt_truncate(damaged[0])
    corrupt_flip_a_byte(damaged[1])
    corrupt_empty(damaged[2])
    damaged[3].write_bytes(damaged[4].read_bytes())  # another article's entry under this key
    build(content, tmp_path / "repaired", cache_dir)
    clean = tree(tmp_path / "clean")
    assert len(clean) > 50
    for name in ("cold", "warm", "repaired"):
        assert tree(tmp_path / name) == clean, name
    after = entries(cache_dir)
    assert sorted(p for p in after if after[p] != filled[p]) == damaged[:4]


def test_memory_keeps_the_last_calls_analyses_by_article(tmp_path: Path) -> None:
    from archive.cache import cached_analyses
    from archive.model import Analysis, Article
    from archive.taxonomy import load_taxonomy

    taxonomy = load_taxonomy(REPO / "content" / "taxonomy")
    held: dict[str, dict[str, object]] = {}
    store = Cache(tmp_path, memory=held)
    analysed: list[str] = []

    def analyse(todo: list[Article]) -> list[Analysis]:
        analysed.extend(a.id for a in todo)
        return [Analysis(a.id, a.body[:4], len(a.body)) for a in todo]

    articles = [Article(f"a-{n}", f"标题{n}", "2024", f"正文{n}" * 3) for n in range(3)]
    first = cached_analyses(store, articles, taxonomy, analyse)
    assert analysed == ["a-0", "a-1", "a-2"]
    for entry in [p for p in tmp_path.rglob("*") if p.is_file()]:
        corrupt_flip_a_byte(entry)  # the same Articles are found in memory, not on disk
    assert cached_analyses(store, articles, taxonomy, analyse) == first
    assert analysed == ["a-0", "a-1", "a-2"]
    # An equal Article that is another object is looked up on disk (corrupt: recomputed).
    copy = Article("a-1", "标题1", "2024", "正文1" * 3)
    again = cached_analyses(store, [articles[0], copy], taxonomy, analyse)
    assert again == {"a-0": first["a-0"], "a-1": first["a-1"]}
    assert analysed == ["a-0", "a-1", "a-2", "a-1"]
    # Only the last call's articles are held.
    cached_analyses(store, [articles[2]], taxonomy, analyse)
    assert analysed[-1] == "a-2"
