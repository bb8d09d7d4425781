"""Search test corpus: the seed pages, crudely split into articles, and the query set.

The search tests need real article text, not the importer's opinion of it: a
page is cut after every byline line (记者 …), the first short line of a piece
is its title, and the tags are the names from small lists that occur in the
text. Truth for a query is substring containment after normalisation.
"""

from __future__ import annotations

import re
from pathlib import Path

from archive.model import SearchDoc
from archive.search_index import doc_fields, normalise

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
QUERIES = ROOT / "tests" / "fixtures" / "search-queries.txt"
DISTRICTS = ("二七区", "金水区", "中原区", "管城回族区", "惠济区", "郑东新区", "新郑市", "登封市")
PROGRAMMES = (
    "一把手走流程",
    "二七帮·易企办",
    "郑好融",
    "两企三新",
    "红色办事格",
    "万人助万企",
    "美好政务爱企日",
    "政企码",
    "双招双引",
    "三化改造",
)
_BYLINE = re.compile(r"^(?:本报)?记者\s+(.+)$")
_NAME = re.compile(r"[\u4e00-\u9fff]{2,3}")


def load_queries() -> list[tuple[str, str]]:
    """(query, category) for every line of the query set."""
    rows = []
    for line in QUERIES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            query, category = line.split("\t")
            rows.append((query, category))
    return rows


def seed_docs(base_path: str = "/") -> list[SearchDoc]:
    """Every seed page cut into articles, as SearchDocs."""
    docs = []
    for page in sorted(SEEDS.glob("*.txt")):
        for n, (lines, people) in enumerate(_pieces(page.read_text(encoding="utf-8"))):
            docs.append(_doc(f"{page.stem[:3]}-{n:02d}", lines, people, base_path))
    return docs


def _pieces(text: str) -> list[tuple[list[str], tuple[str, ...]]]:
    pieces, lines = [], []
    for raw in text.splitlines():
        line = raw.strip()
        byline = _BYLINE.match(line)
        if byline and lines:
            pieces.append((lines, tuple(_NAME.findall(byline.group(1)))))
            lines = []
        elif line:
            lines.append(line)
    if lines:
        pieces.append((lines, ()))
    return pieces


def _doc(doc_id: str, lines: list[str], people: tuple[str, ...], base_path: str) -> SearchDoc:
    title = next((x for x in lines if len(x) < 40 and "。" not in x), lines[0][:20])
    body = "\n".join(x for x in lines if x is not title)
    flat = normalise(body)
    year = "2023" if int(doc_id[:3]) % 2 else "2024"
    return SearchDoc(
        id=doc_id,
        url=f"{base_path}articles/{doc_id}/",
        title=title,
        date=f"{year}-0{1 + int(doc_id[-2:]) % 9}-1{int(doc_id[:3])}",
        year=year,
        kind="photo" if len(body) < 200 else "article",
        districts=tuple(d for d in DISTRICTS if d in flat),
        # tagged where named at least twice: the rest mention it in passing
        programmes=tuple(p for p in PROGRAMMES if flat.count(normalise(p)) >= 2),
        people=people,
        text=body,
    )


def content_docs(articles: Path = ROOT / "content" / "articles") -> list[SearchDoc]:
    """SearchDocs of content/articles/*.md (front matter as the importer writes it)."""
    from archive.frontmatter import parse
    from archive.text import plain_text

    docs = []
    for path in sorted(articles.glob("*.md")):
        meta = parse(path.read_text(encoding="utf-8")).meta
        body = parse(path.read_text(encoding="utf-8")).body

        def items(key: str, meta: dict = meta) -> tuple[str, ...]:
            value = meta.get(key, [])
            return tuple(value) if isinstance(value, list) else ()

        people = items("reporters") + items("correspondents") + items("photographers")
        docs.append(
            SearchDoc(
                id=str(meta["id"]),
                url=f"/articles/{meta['id']}/",
                title=str(meta["title"]),
                date=str(meta["date"]),
                year=str(meta["date"])[:4],
                kind=str(meta.get("kind", "article")),
                districts=items("districts"),
                programmes=items("programmes"),
                places=items("places"),
                people=tuple(dict.fromkeys(people)),
                text=plain_text(body),
            )
        )
    return docs


def truth(docs: list[SearchDoc], query: str) -> set[str]:
    """Ids of the documents containing every whitespace-separated term of the query."""
    terms = [normalise(t) for t in query.split()]
    found = set()
    for doc in docs:
        title, tags, body = doc_fields(doc)
        if all(t in title or t in body or any(t in tag for tag in tags) for t in terms):
            found.add(doc.id)
    return found


def write_content(docs: list[SearchDoc], folder: Path) -> Path:
    """The documents as content/articles/<id>.md files a real build reads."""
    from archive.frontmatter import dump

    articles = folder / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    for doc in docs:
        meta = {
            "id": doc.id,
            "title": doc.title,
            "date": doc.date,
            "kind": doc.kind,
            "districts": list(doc.districts),
            "programmes": list(doc.programmes),
            "reporters": list(doc.people),
        }
        (articles / f"{doc.id}.md").write_text(dump(meta, doc.text + "\n"), encoding="utf-8")
    return folder
