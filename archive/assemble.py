"""Stage: articles + taxonomy -> Site: terms, counts, related, timelines, figures.

Everything derived is computed here, once: slugs of terms the taxonomy does
not name (reporters, places, new programmes; pinyin via archive.slugs, with
collisions settled by sorted name order), membership and counts, summaries,
reading time, related articles, neighbours within a programme, co-occurring
programmes, the programme × district matrix and the key figures. Templates
only format what is here.

With an AssembleMemo (serve keeps one between rebuilds), unchanged parts are
the identical objects of the previous call: every Article, Entry, Term,
ProgrammeFacts, DistrictFacts, the Matrix, the articles tuple and the
related tuples whose inputs did not change are the very objects the previous
Site held, so later stages can skip work by identity. Each piece is a
function of exactly the inputs it is handed, and the memo keeps a piece only
while those inputs are the same objects (or equal ones): nothing is declared
by hand. Each kind of term reads only its view of the articles' names (a
NamedTuple of the Naming fields it needs), entries and facts read each
article's Linked (its names resolved to term refs), so an edit of a title or
a text leaves all of them alone. A piece computed again hands back the
previous objects wherever they are equal. Without a memo, assemble computes
everything, through the same code.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import attrgetter, is_, is_not
from typing import Any, NamedTuple, TypeVar

from archive import slugs, text
from archive.keywords import RelatedMemo
from archive.model import (
    Analysis,
    Article,
    District,
    DistrictFacts,
    Entry,
    KeyFigure,
    Matrix,
    Neighbours,
    ProgrammeFacts,
    Site,
    Taxonomy,
    Term,
    TermRef,
)
from archive.taxonomy import make_lookup

Item = TypeVar("Item", Article, "Naming", "Linked")
View = TypeVar("View")
RELATED = 5  # related articles per article
PROGRAMME_FIGURES = 24  # key figures gathered on a programme page
FIGURES_PER_ARTICLE = 2
RELATED_PROGRAMMES = 8
ROLES = (("reporters", "记者"), ("correspondents", "通讯员"), ("photographers", "摄影"))
PLACE_LEVELS = (("街道", "街道"), ("镇", "乡镇"), ("乡", "乡镇"), ("社区", "社区"), ("村", "村"))


def assemble(
    articles: Sequence[Article],
    taxonomy: Taxonomy,
    analyses: Mapping[str, Analysis],
    memo: AssembleMemo | None = None,
) -> Site:
    """Build the site model from the articles, the taxonomy and each article's analysis.

    With the memo of the previous call, only the pieces whose inputs changed are
    computed again (see the module docstring); the Site is equal to a fresh one.
    """
    memo = memo if memo is not None else AssembleMemo()
    taxonomy = memo.same_taxonomy(taxonomy)
    ordered, rows = memo.order(articles)
    call, view = memo.call, memo.view
    districts, district_of = call("districts", district_terms, view(DistrictNames, rows), taxonomy)
    programmes, programme_of, warnings = call(
        "programmes", programme_terms, view(ProgrammeNames, rows), taxonomy
    )
    places, place_of = call("places", place_terms, view(PlaceNames, rows), taxonomy, district_of)
    reporters, person_of = call("reporters", reporter_terms, view(PeopleNames, rows))
    linked = memo.resolve(rows, _Names(district_of, programme_of, place_of, person_of))
    ids = call("ids", _ids, rows)
    found = memo.in_order(analyses, ids)
    by_id = call("by_id", _by_id, linked)
    facts = memo.per_term(
        programme_facts, programmes, by_id, lambda p: figures_read(p.article_ids, analyses)
    )
    return Site(
        articles=ordered,
        entries=_entries(memo, rows, linked, ids, found, programmes, programme_of),
        districts=districts,
        programmes=programmes,
        places=places,
        reporters=reporters,
        years=call("years", year_terms, view(YearNames, rows)),
        programme_facts=facts,
        district_facts=memo.per_term(district_facts, districts, by_id, lambda d: places),
        matrix=call("matrix", matrix, programmes, facts, districts),
        city=taxonomy.city,
        warnings=warnings,
    )


def _entries(
    memo: AssembleMemo,
    rows: tuple[Naming, ...],
    linked: tuple[Linked, ...],
    ids: tuple[str, ...],
    found: tuple[Analysis, ...],
    programmes: tuple[Term, ...],
    programme_of: Mapping[str, TermRef],
) -> tuple[Entry, ...]:
    """Every article's Entry, with its related articles and its programme neighbours."""
    call = memo.call
    keywords = tuple(map(attrgetter("keywords"), found))
    programme_slugs = call(
        "programme_slugs", _programme_slugs, memo.view(ProgrammeNames, rows), programme_of
    )
    related = call("related", memo.related_of, ids, keywords, programme_slugs)
    per_programme = tuple(
        memo.call_for(("neighbours", p.slug), programme_timeline, p) for p in programmes
    )
    neighbours = call("neighbours", merge_neighbours, per_programme)
    return memo.entries_of(
        linked,
        found,
        memo.call_for("related ids", _aligned, related, ids, None, share=False),
        memo.call_for("neighbour ids", _aligned, neighbours, ids, (), share=False),
    )


def _aligned(values: Mapping[str, Any], ids: Sequence[str], missing: Any) -> tuple[Any, ...]:
    """values of ids, in their order; `missing` where there is none."""
    return tuple(map(values.get, ids, repeat(missing)))


def figures_read(
    ids: Sequence[str], analyses: Mapping[str, Analysis]
) -> tuple[tuple[KeyFigure, ...], ...]:
    """The key figures of a programme's articles, newest first, as far as its page reads them.

    programme_facts gathers FIGURES_PER_ARTICLE from each article until it has
    PROGRAMME_FIGURES, so the articles after that point change nothing on it.
    """
    read: list[tuple[KeyFigure, ...]] = []
    gathered = 0
    for article_id in ids:
        if gathered >= PROGRAMME_FIGURES:
            break
        figures = analyses[article_id].figures
        read.append(figures)
        gathered += min(len(figures), FIGURES_PER_ARTICLE)
    return tuple(read)


class Naming(NamedTuple):
    """What the terms and cross views read of an article: its id, year, file and names."""

    id: str
    year: str
    path: str
    districts: tuple[str, ...]
    programmes: tuple[str, ...]
    places: tuple[str, ...]
    reporters: tuple[str, ...]
    correspondents: tuple[str, ...]
    photographers: tuple[str, ...]


# What each kind of term reads of an article's Naming (its terms are a function of these).
class DistrictNames(NamedTuple):
    id: str
    districts: tuple[str, ...]


class ProgrammeNames(NamedTuple):
    id: str
    path: str
    programmes: tuple[str, ...]


class PlaceNames(NamedTuple):
    id: str
    districts: tuple[str, ...]
    places: tuple[str, ...]


class PeopleNames(NamedTuple):
    id: str
    reporters: tuple[str, ...]
    correspondents: tuple[str, ...]
    photographers: tuple[str, ...]


class YearNames(NamedTuple):
    id: str
    year: str


class Linked(NamedTuple):
    """An article's names as the terms they link to: what its entry and the facts read."""

    id: str
    year: str
    districts: tuple[TermRef, ...]
    programmes: tuple[TermRef, ...]
    places: tuple[TermRef, ...]
    people: tuple[tuple[str, tuple[TermRef, ...]], ...]  # (role label, reporters)


def naming(article: Article) -> Naming:
    """An article's Naming."""
    return Naming(
        article.id,
        article.year,
        article.path,
        article.districts,
        article.programmes,
        article.places,
        article.reporters,
        article.correspondents,
        article.photographers,
    )


@dataclass(slots=True)
class AssembleMemo:
    """The previous call of assemble: its inputs and pieces, to keep what did not change.

    Every piece is remembered with the arguments it was computed from, and kept
    while the new arguments are the same objects or equal ones (tuples compare
    item by item, identity first, so an unchanged piece costs a pass of pointer
    comparisons).
    """

    articles: tuple[Article, ...] = ()  # the last call's articles as given
    ordered: tuple[Article, ...] = ()
    rows: tuple[Naming, ...] = ()  # aligned with ordered
    position: dict[str, int] = field(default_factory=dict)  # id -> index in ordered
    keys: list[Any] = field(default_factory=list)  # the sort key of each, aligned with ordered
    taxonomy: Taxonomy | None = None
    pieces: dict[Any, tuple[tuple[Any, ...], Any]] = field(default_factory=dict)
    # Per view class: the rows it was taken from and the view, aligned with them.
    views: dict[type, tuple[tuple[Naming, ...], tuple[Any, ...]]] = field(default_factory=dict)
    related: RelatedMemo = field(default_factory=RelatedMemo)
    # The entries and, aligned with them, what each was made from (see entries_of).
    entries: tuple[Entry, ...] = ()
    entry_inputs: tuple[Any, ...] = ()
    entry_of: dict[str, Entry] = field(default_factory=dict)
    # The ids, the analyses' keys and values, and the analyses in site order, of the last call.
    analysed: tuple[Any, ...] = ()
    # The rows and name -> ref maps the last Linked were made from, and those Linked.
    linked: tuple[Any, ...] = ()
    computed: int = 0  # pieces and entries computed by the last call (tests, measurements)

    def same_taxonomy(self, taxonomy: Taxonomy) -> Taxonomy:
        """The previous taxonomy object when the new one is equal (it is read on every build)."""
        if self.taxonomy is None or self.taxonomy != taxonomy:
            self.taxonomy = taxonomy
        self.computed = 0
        return self.taxonomy

    def order(self, articles: Sequence[Article]) -> tuple[tuple[Article, ...], tuple[Naming, ...]]:
        """newest_first(articles) and the Naming of each, sharing the previous objects."""
        given = tuple(articles)
        previous, self.articles = self.articles, given
        if len(given) == len(previous):
            at = list(compress(range(len(given)), map(is_not, given, previous)))
            if not at:
                return self.ordered, self.rows
            if all(given[i].id == previous[i].id for i in at):
                # Same ids and dates: the same order (it sorts by them); new dates: a move.
                if all(given[i].date == previous[i].date for i in at):
                    return self._replace([given[i] for i in at])
                return self._move([given[i] for i in at])
        kept_articles = {a.id: a for a in self.ordered}
        keyed = sorted((_newest_first(a), a) for a in given)  # keys are unique (ids)
        ordered = tuple(_kept(a, kept_articles) for _key, a in keyed)
        kept = {row.id: row for row in self.rows}
        rows = tuple(_kept(naming(a), kept) for a in ordered)
        self.keys = [key for key, _a in keyed]
        return self._took(ordered, rows)

    def _took(
        self, ordered: tuple[Article, ...], rows: tuple[Naming, ...]
    ) -> tuple[tuple[Article, ...], tuple[Naming, ...]]:
        """Keep a new order (the previous tuples where equal) and the position of each id."""
        self.ordered = self.ordered if ordered == self.ordered else ordered
        self.rows = self.rows if rows == self.rows else rows
        self.position = {a.id: i for i, a in enumerate(ordered)}
        return self.ordered, self.rows

    def _move(self, changed: list[Article]) -> tuple[tuple[Article, ...], tuple[Naming, ...]]:
        """The order after new dates of some articles: each taken out and put in its place."""
        ordered, rows, keys = list(self.ordered), list(self.rows), self.keys
        before = {a.id: (ordered[self.position[a.id]], rows[self.position[a.id]]) for a in changed}
        for at in sorted((self.position[a.id] for a in changed), reverse=True):
            del ordered[at], rows[at], keys[at]
        for article in changed:
            key = _newest_first(article)
            at = bisect_left(keys, key)
            old_article, old_row = before[article.id]
            row = naming(article)
            keys.insert(at, key)
            ordered.insert(at, old_article if old_article == article else article)
            rows.insert(at, old_row if old_row == row else row)
        return self._took(tuple(ordered), tuple(rows))

    def _replace(self, changed: list[Article]) -> tuple[tuple[Article, ...], tuple[Naming, ...]]:
        ordered, rows = list(self.ordered), list(self.rows)
        for article in changed:
            at = self.position[article.id]
            ordered[at] = _kept(article, {article.id: ordered[at]})
            row = naming(article)
            if row != rows[at]:
                rows[at] = row
        new_ordered, new_rows = tuple(ordered), tuple(rows)
        self.ordered = self.ordered if new_ordered == self.ordered else new_ordered
        self.rows = self.rows if new_rows == self.rows else new_rows
        return self.ordered, self.rows

    def view(self, kind: type[View], rows: tuple[Naming, ...]) -> tuple[View, ...]:
        """Each row's fields that `kind` names: taken again only where a row is a new object."""
        held = self.views.get(kind)
        if held is not None and held[0] is rows:
            return held[1]
        take = attrgetter(*kind._fields)  # type: ignore[attr-defined]
        if held is None or len(held[0]) != len(rows):
            made = tuple(kind(*take(row)) for row in rows)
        else:
            before, made_list = held[0], list(held[1])
            for i in compress(range(len(rows)), map(is_not, rows, before)):
                part = kind(*take(rows[i]))
                if part != made_list[i]:
                    made_list[i] = part
            made = tuple(made_list)
        if held is not None and made == held[1]:
            made = held[1]
        self.views[kind] = (rows, made)
        return made

    def call(self, name: str, function: Callable[..., Any], *args: Any) -> Any:
        """function(*args), or the remembered value when args are the remembered ones."""
        return self.call_for(name, function, *args)

    def call_for(
        self, key: Any, function: Callable[..., Any], *args: Any, share: bool = True
    ) -> Any:
        """call, remembered under any key (one piece per programme, per district).

        A value computed again keeps the previous value's objects where equal,
        unless share is False (a value whose items are kept objects already: sharing
        by position would put equal copies in their place).
        """
        held = self.pieces.get(key)
        if held is not None and held[0] == args:
            return held[1]
        value = function(*args)
        if held is not None and share:
            value = _share(value, held[1])
        self.pieces[key] = (args, value)
        self.computed += 1
        return value

    def per_term(
        self,
        function: Callable[[Term, tuple[Linked, ...], Any], Any],
        terms: Sequence[Term],
        by_id: Mapping[str, Linked],
        last: Callable[[Term], Any],
    ) -> tuple[Any, ...]:
        """function(term, its articles' Linked, last(term)) for each term, remembered."""
        return tuple(
            self.call_for(
                (function.__name__, term.slug),
                function,
                term,
                self.call_for((term.kind, term.slug), _rows_of, term.article_ids, by_id),
                last(term),
            )
            for term in terms
        )

    def related_of(
        self,
        ids: tuple[str, ...],
        keywords: tuple[tuple[str, ...], ...],
        programmes: Mapping[str, tuple[str, ...]],
    ) -> dict[str, tuple[str, ...]]:
        """Related ids per article (keywords aligned with ids, in site order: ties by time)."""
        return self.related.related(dict(zip(ids, keywords, strict=True)), programmes, RELATED)

    def in_order(
        self, analyses: Mapping[str, Analysis], ids: tuple[str, ...]
    ) -> tuple[Analysis, ...]:
        """analyses[i] for i in ids (site order): looked up again where the mapping changed.

        A lookup of 10,000 ids costs more than comparing the mapping's keys and
        values with the last call's, which are mostly the same objects.
        """
        keys, values = tuple(analyses), tuple(analyses.values())
        held = self.analysed
        if not held or held[0] is not ids or held[1] != keys:
            found = tuple(map(analyses.__getitem__, ids))
        elif values == held[2]:
            found = held[3]
        else:
            made = list(held[3])
            for i in compress(range(len(keys)), map(is_not, values, held[2])):
                at = self.position.get(keys[i])  # None: an analysis of no article here
                if at is not None:
                    made[at] = values[i]
            found = tuple(made)
        self.analysed = (ids, keys, values, found)
        return found

    def resolve(self, rows: tuple[Naming, ...], names: _Names) -> tuple[Linked, ...]:
        """linked() of every row: again where the row is a new object or a ref it reads changed."""
        maps = (names.districts, names.programmes, names.places, names.people)
        held = self.linked
        if held and held[0] is rows and all(map(is_, maps, held[1])):
            return held[2]
        if held and len(held[0]) == len(rows):
            made = list(held[2])
            dirty = set(compress(range(len(rows)), map(is_not, rows, held[0])))
            changed = [_changed_keys(new, old) for new, old in zip(maps, held[1], strict=True)]
            if any(changed):
                dirty.update(i for i, row in enumerate(rows) if _reads(row, *changed))
            for i in dirty:
                found = linked(rows[i], names)
                if found != made[i]:
                    made[i] = found
            result = tuple(made)
            result = held[2] if result == held[2] else result
        else:
            kept = {item.id: item for item in held[2]} if held else {}
            result = tuple(_kept(linked(row, names), kept) for row in rows)
        self.linked = (rows, maps, result)
        self.computed += 1
        return result

    def entries_of(
        self,
        linked: tuple[Linked, ...],
        found: tuple[Analysis, ...],
        related: tuple[tuple[str, ...], ...],
        neighbours: tuple[tuple[Neighbours, ...], ...],
    ) -> tuple[Entry, ...]:
        """entry() of every article: computed again where any of its inputs is a new object."""
        rows = linked
        inputs = (linked, found, related, neighbours)
        held = self.entry_inputs
        if held and len(held[0]) == len(rows):
            entries = list(self.entries)
            dirty: set[int] = set()
            for new, old in zip(inputs, held, strict=False):
                if new != old:  # item by item, identity first: cheap when nothing changed
                    dirty.update(compress(range(len(rows)), map(is_not, new, old)))
        else:
            entries = [None] * len(rows)  # type: ignore[list-item]
            dirty = set(range(len(rows)))
            self.entry_of = {e.id: e for e in self.entries}
        for i in dirty:
            made = entry(rows[i], found[i], related[i], neighbours[i])
            before = self.entry_of.get(made.id)
            entries[i] = before if before == made else made
            self.entry_of[made.id] = entries[i]
        if len(self.entry_of) > len(rows):  # deleted articles
            self.entry_of = {e.id: e for e in entries}
        self.computed += len(dirty)
        made_all = tuple(entries)
        self.entries = self.entries if made_all == self.entries else made_all
        self.entry_inputs = inputs
        return self.entries


def _changed_keys(new: Mapping[Any, Any], old: Mapping[Any, Any]) -> set[Any]:
    """Keys whose value differs between two maps (or that only one has)."""
    if new is old:
        return set()
    missing = object()
    return {k for k in new.keys() | old.keys() if new.get(k, missing) != old.get(k, missing)}


def _reads(
    row: Naming, districts: set[str], programmes: set[str], places: set[Any], people: set[str]
) -> bool:
    """Whether linked(row) reads a ref of one of these keys."""
    return (
        any(name in districts for name in row.districts)
        or any(name in programmes for name in row.programmes)
        or any((row.id, name) in places for name in row.places)
        or any(name in people for role, _ in ROLES for name in getattr(row, role))
    )


def _kept(new: Item, kept: Mapping[str, Item]) -> Item:
    """The object kept under new's id when it is equal to new, else new."""
    before = kept.get(new.id)
    return before if before is not None and before == new else new


def _share(new: Any, old: Any, depth: int = 2) -> Any:
    """new, with old's objects wherever they are equal: whole, or part by part.

    Tuples part by part where they have the same length (a piece's several
    results, terms that kept their places), then hashable items left over
    (terms that moved) by equality wherever they sit; dicts value by value.
    """
    if new is old or type(new) is not type(old):
        return new
    if new == old and (type(new) is not dict or list(new) == list(old)):  # a dict's order too
        return old
    if depth == 0:
        return new
    if isinstance(new, dict):
        return {k: _share(v, old[k], depth - 1) if k in old else v for k, v in new.items()}
    if type(new) is not tuple:
        return new
    same_length = len(new) == len(old)  # then most items stay where they were
    parts = (
        [_share(n, o, depth - 1) for n, o in zip(new, old, strict=False)]
        if same_length
        else list(new)
    )
    if not same_length or any(
        p is n and n is not o for p, n, o in zip(parts, new, old, strict=False)
    ):
        try:  # items that moved (terms that changed places): found by equality
            pool = {item: item for item in old}
            parts = [pool.get(p, p) if p is n else p for p, n in zip(parts, new, strict=True)]
        except TypeError:
            pass  # unhashable: positions only
    return new if all(map(is_, parts, new)) else tuple(parts)


def _ids(rows: Sequence[Naming]) -> tuple[str, ...]:
    return tuple(row.id for row in rows)


def _by_id(rows: Sequence[Linked]) -> dict[str, Linked]:
    return {row.id: row for row in rows}


def _rows_of(ids: Sequence[str], by_id: Mapping[str, Linked]) -> tuple[Linked, ...]:
    return tuple(map(by_id.__getitem__, ids))


def _programme_slugs(
    rows: Sequence[ProgrammeNames], programme_of: Mapping[str, TermRef]
) -> dict[str, tuple[str, ...]]:
    """Each article's programme slugs, in site order (what related ranks by)."""
    return {r.id: tuple(programme_of[n].slug for n in r.programmes) for r in rows}


def newest_first(articles: Sequence[Article]) -> tuple[Article, ...]:
    """The articles in the site's order (Site.articles): newest first, then by id."""
    return tuple(sorted(articles, key=_newest_first))


def _newest_first(article: Article) -> tuple[tuple[int, ...], str]:
    """Sort key: date descending (more precise dates first within a period), then id."""
    parts = tuple(-int(part) for part in article.date.split("-"))
    return parts + (0,) * (3 - len(parts)), article.id


class _Names:
    """Article names -> term refs, resolved once per article."""

    def __init__(
        self,
        districts: Mapping[str, TermRef],
        programmes: Mapping[str, TermRef],
        places: Mapping[tuple[str, str], TermRef],
        people: Mapping[str, TermRef],
    ) -> None:
        self.districts = districts
        self.programmes = programmes
        self.places = places
        self.people = people

    def of(self, article: Naming, kind: str) -> tuple[TermRef, ...]:
        """The distinct terms of one kind an article names, in the article's order."""
        if kind == "district":
            refs = [self.districts[name] for name in article.districts]
        elif kind == "programme":
            refs = [self.programmes[name] for name in article.programmes]
        else:
            refs = [self.places[(article.id, name)] for name in article.places]
        return tuple(dict.fromkeys(refs))


# --- terms -------------------------------------------------------------------------------


def _members(pairs: Iterable[tuple[str, Naming]]) -> dict[str, list[str]]:
    """Group article ids by a key, keeping the order of the pairs (newest first)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for name, article in pairs:
        if article.id not in groups[name][-1:]:
            groups[name].append(article.id)
    return groups


def district_terms(
    ordered: Sequence[Naming], taxonomy: Taxonomy
) -> tuple[tuple[Term, ...], dict[str, TermRef]]:
    """One term per taxonomy district (articles may name a district by an alias)."""
    own = {d.name: TermRef("district", d.slug, d.name) for d in taxonomy.districts}
    ref_of = {name: own[canonical] for name, canonical in make_lookup(taxonomy).districts.items()}
    members = _members((ref_of[n].name, a) for a in ordered for n in a.districts if n in ref_of)
    terms = tuple(_district_term(d, members.get(d.name, [])) for d in taxonomy.districts)
    return terms, ref_of


def _district_term(district: District, ids: list[str]) -> Term:
    return Term(
        kind="district",
        name=district.name,
        slug=district.slug,
        article_ids=tuple(ids),
        old_slugs=district.old_slugs,
        level=district.kind,
    )


def programme_terms(
    ordered: Sequence[Naming], taxonomy: Taxonomy
) -> tuple[tuple[Term, ...], dict[str, TermRef], tuple[str, ...]]:
    """Known programmes with articles, then new ones (with a warning and a pinyin slug)."""
    known = {p.name: p for p in taxonomy.programmes}
    lookup = make_lookup(taxonomy)
    canonical = {n: lookup.programme(n) or n for a in ordered for n in a.programmes}
    members = _members((canonical[n], a) for a in ordered for n in a.programmes)
    unknown = sorted(name for name in members if name not in known)
    taken = {p.slug for p in taxonomy.programmes} | {
        s for p in taxonomy.programmes for s in p.old_slugs
    }
    new_slugs = unique_slugs(unknown, taken)
    terms = [_known_programme(p, members[p.name]) for p in taxonomy.programmes if p.name in members]
    terms += [Term("programme", n, new_slugs[n], tuple(members[n]), known=False) for n in unknown]
    terms.sort(key=lambda t: (-len(t.article_ids), t.name))
    by_name = {t.name: TermRef("programme", t.slug, t.name) for t in terms}
    ref_of = {written: by_name[name] for written, name in canonical.items()}
    warnings = tuple(_unknown_warning(name, ordered, members[name]) for name in unknown)
    return tuple(terms), ref_of, warnings


def _known_programme(programme, ids: list[str]) -> Term:
    return Term(
        kind="programme",
        name=programme.name,
        slug=programme.slug,
        article_ids=tuple(ids),
        description=programme.description,
        old_slugs=programme.old_slugs,
    )


def _unknown_warning(name: str, ordered: Sequence[Naming], ids: list[str]) -> str:
    first = next(a for a in reversed(ordered) if a.id == ids[-1])
    return (
        f"{first.path}: 举措“{name}”不在 programmes.yaml 里（{len(ids)} 篇文章）；"
        f"它的页面用自动生成的网址，请把它加进 programmes.yaml"
    )


def unique_slugs(names: Sequence[str], taken: Iterable[str] = ()) -> dict[str, str]:
    """Pinyin slug per name; names that sound alike get -2, -3 in sorted name order."""
    used = set(taken)
    result: dict[str, str] = {}
    for name in sorted(names):
        base = slugs.slugify(name) or "x"
        slug, number = base, 2
        while slug in used:
            slug, number = f"{base}-{number}", number + 1
        used.add(slug)
        result[name] = slug
    return result


def place_terms(
    ordered: Sequence[Naming], taxonomy: Taxonomy, district_of: Mapping[str, TermRef]
) -> tuple[tuple[Term, ...], dict[tuple[str, str], TermRef]]:
    """Places (街道/乡镇, 社区/村) under their district; parents exist even without articles."""
    index = _place_index(taxonomy)
    located: dict[tuple[str, str], str] = {}  # (district slug, name) -> parent name
    mentions: list[tuple[tuple[str, str], Naming]] = []
    for article in ordered:
        own = [district_of[n].slug for n in article.districts if n in district_of]
        for name in article.places:
            key, parent = _locate(name, own, index)
            located[key] = parent
            if parent:
                located.setdefault((key[0], parent), "")
            mentions.append((key, article))
    return _place_term_list(located, mentions, taxonomy, index)


def _place_index(taxonomy: Taxonomy) -> dict[str, list[tuple[str, str]]]:
    """Place name -> [(district slug, parent name)] for every 街道/乡镇 and 社区/村."""
    index: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for district in taxonomy.districts:
        for name in district.subdivisions:
            index[name].append((district.slug, ""))
        for name, parent in district.communities:
            index[name].append((district.slug, parent))
    return index


def _locate(
    name: str, own: list[str], index: Mapping[str, list[tuple[str, str]]]
) -> tuple[tuple[str, str], str]:
    """((district slug, name), parent name): prefer a match in the article's own districts."""
    options = index.get(name, [])
    for district, parent in options:
        if district in own:
            return (district, name), parent
    if options and not own:
        district, parent = options[0]
        return (district, name), parent
    return (own[0] if own else "", name), ""


def _place_term_list(
    located: Mapping[tuple[str, str], str],
    mentions: list[tuple[tuple[str, str], Naming]],
    taxonomy: Taxonomy,
    index: Mapping[str, list[tuple[str, str]]],
) -> tuple[tuple[Term, ...], dict[tuple[str, str], TermRef]]:
    # A name the taxonomy holds in several districts (祥和社区) always carries its district
    # in the slug, so a later article about the other one never moves an existing URL.
    homes: dict[str, set[str]] = defaultdict(set)
    for district, name in located:
        homes[name].add(district)
        homes[name].update(home for home, _ in index.get(name, ()))
    slug_of = _place_slugs(located, homes)
    members = _members((slug_of[key], article) for key, article in mentions)
    order = {d.slug: i for i, d in enumerate(taxonomy.districts)}
    terms = [
        Term(
            kind="place",
            name=name,
            slug=slug_of[(district, name)],
            article_ids=tuple(members.get(slug_of[(district, name)], ())),
            level=place_level(name),
            district=district,
            parent=slug_of[(district, parent)] if parent else "",
        )
        for (district, name), parent in located.items()
    ]
    terms.sort(key=lambda t: (order.get(t.district, len(order)), t.district, t.name))
    refs = {
        (article.id, key[1]): TermRef("place", slug_of[key], key[1]) for key, article in mentions
    }
    return tuple(terms), refs


def _place_slugs(
    located: Mapping[tuple[str, str], str], homes: Mapping[str, set[str]]
) -> dict[tuple[str, str], str]:
    """A place's slug is its pinyin; a name found in several districts adds the district slug."""
    labels = {key: key[1] if len(homes[key[1]]) == 1 else f"{key[1]} {key[0]}" for key in located}
    unique = unique_slugs(sorted(set(labels.values())))
    return {key: unique[label] for key, label in labels.items()}


def place_level(name: str) -> str:
    """街道, 乡镇, 社区 or 村 from the name's ending; 地点 when it says nothing."""
    for suffix, level in PLACE_LEVELS:
        if name.endswith(suffix):
            return level
    return "地点"


def reporter_terms(ordered: Sequence[Naming]) -> tuple[tuple[Term, ...], dict[str, TermRef]]:
    """One term per person named in a byline (reporters, correspondents, photographers)."""
    members = _members((name, a) for a in ordered for role, _ in ROLES for name in getattr(a, role))
    slug_of = unique_slugs(list(members))
    terms = tuple(
        Term("reporter", name, slug_of[name], tuple(members[name])) for name in sorted(members)
    )
    return terms, {t.name: TermRef("reporter", t.slug, t.name) for t in terms}


def year_terms(ordered: Sequence[Naming]) -> tuple[Term, ...]:
    """One term per year, newest year first."""
    members = _members((a.year, a) for a in ordered)
    return tuple(
        Term("year", year, year, tuple(members[year])) for year in sorted(members, reverse=True)
    )


# --- per article -------------------------------------------------------------------------


def linked(row: Naming, names: _Names) -> Linked:
    """The terms an article links to, by kind, in the article's order."""
    people = tuple(
        (label, tuple(names.people[n] for n in getattr(row, role)))
        for role, label in ROLES
        if getattr(row, role)
    )
    return Linked(
        row.id,
        row.year,
        names.of(row, "district"),
        names.of(row, "programme"),
        names.of(row, "place"),
        people,
    )


def entry(
    article: Linked,
    analysis: Analysis,
    related: tuple[str, ...],
    neighbours: tuple[Neighbours, ...],
) -> Entry:
    """Everything a page needs about one article besides its body."""
    return Entry(
        id=article.id,
        summary=analysis.summary,
        chars=analysis.chars,
        reading_minutes=text.reading_minutes(analysis.chars),
        districts=article.districts,
        programmes=article.programmes,
        places=article.places,
        people=article.people,
        related=related,
        neighbours=neighbours,
        figures=analysis.figures,
    )


def programme_neighbours(programmes: Sequence[Term]) -> dict[str, tuple[Neighbours, ...]]:
    """For each article, the older and newer article in each of its programmes."""
    return merge_neighbours(tuple(programme_timeline(p) for p in programmes))


def programme_timeline(programme: Term) -> tuple[tuple[str, Neighbours], ...]:
    """(article id, its older and newer article) along one programme's articles."""
    ids = programme.article_ids  # newest first
    last = len(ids) - 1
    return tuple(
        (
            article_id,
            Neighbours(
                programme.slug,
                ids[index + 1] if index < last else "",
                ids[index - 1] if index > 0 else "",
            ),
        )
        for index, article_id in enumerate(ids)
    )


def merge_neighbours(
    timelines: Sequence[tuple[tuple[str, Neighbours], ...]],
) -> dict[str, tuple[Neighbours, ...]]:
    """Each article's Neighbours, in the order of the programmes' timelines."""
    result: dict[str, list[Neighbours]] = defaultdict(list)
    for timeline in timelines:
        for article_id, found in timeline:
            result[article_id].append(found)
    return {article_id: tuple(found) for article_id, found in result.items()}


# --- cross views -------------------------------------------------------------------------


def programme_facts(
    programme: Term,
    chosen: Sequence[Linked],
    figures: Sequence[tuple[KeyFigure, ...]],
) -> ProgrammeFacts:
    """Who runs a programme, its timeline (oldest first), figures and co-occurring programmes.

    `chosen` are its articles (newest first, as its article_ids), `figures` the key
    figures of the first of them, as far as figures_read reads.
    """
    district_counts = Counter(r.slug for a in chosen for r in a.districts)
    co = Counter(r.slug for a in chosen for r in a.programmes if r.slug != programme.slug)
    years: dict[str, list[str]] = defaultdict(list)
    for article in reversed(chosen):
        years[article.year].append(article.id)
    # A few figures from each article, newest first, so one long report does not fill the list.
    gathered = [f for found in figures for f in found[:FIGURES_PER_ARTICLE]]
    gathered = gathered[:PROGRAMME_FIGURES]
    return ProgrammeFacts(
        slug=programme.slug,
        districts=_by_count(district_counts),
        timeline=tuple((year, tuple(ids)) for year, ids in sorted(years.items())),
        figures=tuple(gathered),
        related=_by_count(co)[:RELATED_PROGRAMMES],
    )


def _by_count(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def district_facts(
    district: Term, chosen: Sequence[Linked], places: Sequence[Term]
) -> DistrictFacts:
    """A district's programmes by count, its places as a tree, its articles by year.

    `chosen` are its articles, newest first (as its article_ids).
    """
    programme_counts = Counter(r.slug for a in chosen for r in a.programmes)
    years: dict[str, list[str]] = defaultdict(list)
    for article in chosen:
        years[article.year].append(article.id)
    return DistrictFacts(
        slug=district.slug,
        programmes=_by_count(programme_counts),
        places=_place_tree([p for p in places if p.district == district.slug]),
        years=tuple(sorted(((y, tuple(ids)) for y, ids in years.items()), reverse=True)),
    )


def _place_tree(places: Sequence[Term]) -> tuple[str, ...]:
    """Slugs in reading order: each top-level place followed by the places under it."""
    children: dict[str, list[str]] = defaultdict(list)
    for place in places:
        children[place.parent].append(place.slug)
    ordered: list[str] = []
    for top in children.get("", []):
        ordered.append(top)
        ordered.extend(children.get(top, []))
    return tuple(ordered)


def matrix(
    programmes: Sequence[Term], facts: Sequence[ProgrammeFacts], districts: Sequence[Term]
) -> Matrix:
    """Article counts per (programme, district), for districts that have articles.

    A programme's facts count its articles per district already: its row is those counts.
    """
    columns = tuple(d.slug for d in districts if d.article_ids)
    rows = tuple(p.slug for p in programmes)
    counts = tuple(
        tuple(dict(found.districts).get(column, 0) for column in columns) for found in facts
    )
    return Matrix(programmes=rows, districts=columns, counts=counts)
