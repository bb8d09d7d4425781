"""Stage: articles + taxonomy -> Site: terms, counts, related, timelines, figures.

Everything derived is computed here, once: slugs of terms the taxonomy does
not name (reporters, places, new programmes; pinyin via archive.slugs, with
collisions settled by sorted name order), membership and counts, summaries,
reading time, related articles, neighbours within a programme, co-occurring
programmes, the programme × district matrix and the key figures. Templates
only format what is here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from archive import slugs, text
from archive.keywords import related
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
) -> Site:
    """Build the site model from the articles, the taxonomy and each article's analysis."""
    ordered = newest_first(articles)
    districts, district_of = district_terms(ordered, taxonomy)
    programmes, programme_of, warnings = programme_terms(ordered, taxonomy)
    places, place_of = place_terms(ordered, taxonomy, district_of)
    reporters, person_of = reporter_terms(ordered)
    years = year_terms(ordered)
    figures = {a.id: analyses[a.id].figures for a in ordered}
    related = related_articles(ordered, programme_of, analyses)
    neighbours = programme_neighbours(ordered, programmes)
    names = _Names(district_of, programme_of, place_of, person_of)
    by_id = {a.id: a for a in ordered}
    entries = tuple(
        entry(a, names, analyses[a.id], related[a.id], neighbours.get(a.id, ())) for a in ordered
    )
    return Site(
        articles=ordered,
        entries=entries,
        districts=districts,
        programmes=programmes,
        places=places,
        reporters=reporters,
        years=years,
        programme_facts=tuple(programme_facts(p, by_id, names, figures) for p in programmes),
        district_facts=tuple(district_facts(d, by_id, names, places) for d in districts),
        matrix=matrix(programmes, districts, ordered, names),
        city=taxonomy.city,
        warnings=warnings,
    )


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

    def of(self, article: Article, kind: str) -> tuple[TermRef, ...]:
        """The distinct terms of one kind an article names, in the article's order."""
        if kind == "district":
            refs = [self.districts[name] for name in article.districts]
        elif kind == "programme":
            refs = [self.programmes[name] for name in article.programmes]
        else:
            refs = [self.places[(article.id, name)] for name in article.places]
        return tuple(dict.fromkeys(refs))


# --- terms -------------------------------------------------------------------------------


def _members(pairs: Iterable[tuple[str, Article]]) -> dict[str, list[str]]:
    """Group article ids by a key, keeping the order of the pairs (newest first)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for name, article in pairs:
        if article.id not in groups[name][-1:]:
            groups[name].append(article.id)
    return groups


def district_terms(
    ordered: Sequence[Article], taxonomy: Taxonomy
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
    ordered: Sequence[Article], taxonomy: Taxonomy
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


def _unknown_warning(name: str, ordered: Sequence[Article], ids: list[str]) -> str:
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
    ordered: Sequence[Article], taxonomy: Taxonomy, district_of: Mapping[str, TermRef]
) -> tuple[tuple[Term, ...], dict[tuple[str, str], TermRef]]:
    """Places (街道/乡镇, 社区/村) under their district; parents exist even without articles."""
    index = _place_index(taxonomy)
    located: dict[tuple[str, str], str] = {}  # (district slug, name) -> parent name
    mentions: list[tuple[tuple[str, str], Article]] = []
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
    mentions: list[tuple[tuple[str, str], Article]],
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


def reporter_terms(ordered: Sequence[Article]) -> tuple[tuple[Term, ...], dict[str, TermRef]]:
    """One term per person named in a byline (reporters, correspondents, photographers)."""
    members = _members((name, a) for a in ordered for role, _ in ROLES for name in getattr(a, role))
    slug_of = unique_slugs(list(members))
    terms = tuple(
        Term("reporter", name, slug_of[name], tuple(members[name])) for name in sorted(members)
    )
    return terms, {t.name: TermRef("reporter", t.slug, t.name) for t in terms}


def year_terms(ordered: Sequence[Article]) -> tuple[Term, ...]:
    """One term per year, newest year first."""
    members = _members((a.year, a) for a in ordered)
    return tuple(
        Term("year", year, year, tuple(members[year])) for year in sorted(members, reverse=True)
    )


# --- per article -------------------------------------------------------------------------


def entry(
    article: Article,
    names: _Names,
    analysis: Analysis,
    related: tuple[str, ...],
    neighbours: tuple[Neighbours, ...],
) -> Entry:
    """Everything a page needs about one article besides its body."""
    people = tuple(
        (label, tuple(names.people[n] for n in getattr(article, role)))
        for role, label in ROLES
        if getattr(article, role)
    )
    return Entry(
        id=article.id,
        summary=analysis.summary,
        chars=analysis.chars,
        reading_minutes=text.reading_minutes(analysis.chars),
        districts=names.of(article, "district"),
        programmes=names.of(article, "programme"),
        places=names.of(article, "place"),
        people=people,
        related=related,
        neighbours=neighbours,
        figures=analysis.figures,
    )


def related_articles(
    ordered: Sequence[Article],
    programme_of: Mapping[str, TermRef],
    analyses: Mapping[str, Analysis],
) -> dict[str, tuple[str, ...]]:
    """Up to RELATED ids per article: shared programmes first, then shared keywords."""
    keywords = {a.id: analyses[a.id].keywords for a in ordered}  # newest first: ties by time
    programmes = {a.id: tuple(programme_of[n].slug for n in a.programmes) for a in ordered}
    return related(keywords, programmes, k=RELATED)


def programme_neighbours(
    ordered: Sequence[Article], programmes: Sequence[Term]
) -> dict[str, tuple[Neighbours, ...]]:
    """For each article, the older and newer article in each of its programmes."""
    result: dict[str, list[Neighbours]] = defaultdict(list)
    for programme in programmes:
        ids = programme.article_ids  # newest first
        for index, article_id in enumerate(ids):
            older = ids[index + 1] if index + 1 < len(ids) else ""
            newer = ids[index - 1] if index > 0 else ""
            result[article_id].append(Neighbours(programme.slug, older, newer))
    return {article_id: tuple(found) for article_id, found in result.items()}


# --- cross views -------------------------------------------------------------------------


def programme_facts(
    programme: Term,
    by_id: Mapping[str, Article],
    names: _Names,
    figures: Mapping[str, tuple[KeyFigure, ...]],
) -> ProgrammeFacts:
    """Who runs a programme, its timeline (oldest first), figures and co-occurring programmes."""
    chosen = [by_id[i] for i in programme.article_ids]  # newest first, as the site's order
    district_counts = Counter(r.slug for a in chosen for r in names.of(a, "district"))
    co = Counter(
        r.slug for a in chosen for r in names.of(a, "programme") if r.slug != programme.slug
    )
    years: dict[str, list[str]] = defaultdict(list)
    for article in reversed(chosen):
        years[article.year].append(article.id)
    # A few figures from each article, newest first, so one long report does not fill the list.
    gathered = [f for a in chosen for f in figures[a.id][:FIGURES_PER_ARTICLE]]
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
    district: Term, by_id: Mapping[str, Article], names: _Names, places: Sequence[Term]
) -> DistrictFacts:
    """A district's programmes by count, its places as a tree, its articles by year."""
    chosen = [by_id[i] for i in district.article_ids]  # newest first, as the site's order
    programme_counts = Counter(r.slug for a in chosen for r in names.of(a, "programme"))
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
    programmes: Sequence[Term], districts: Sequence[Term], ordered: Sequence[Article], names: _Names
) -> Matrix:
    """Article counts per (programme, district), for districts that have articles."""
    cells = Counter(
        (p.slug, d.slug)
        for a in ordered
        for p in names.of(a, "programme")
        for d in names.of(a, "district")
    )
    columns = tuple(d.slug for d in districts if d.article_ids)
    rows = tuple(p.slug for p in programmes)
    counts = tuple(tuple(cells[(row, column)] for column in columns) for row in rows)
    return Matrix(programmes=rows, districts=columns, counts=counts)
