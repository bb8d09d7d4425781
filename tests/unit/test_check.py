"""`build.py check` on small hand-made sites: each problem is caught with its exact message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from archive.check import check_site

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://example.github.io/initiative-archive/"


def page(
    body: str = "", head: str = "", title: str = "首页", html: str = '<html lang="zh-CN">'
) -> str:
    """A well-formed page with the given head and body markup."""
    return (
        f'<!DOCTYPE html>\n{html}\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
        f"{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


GOOD = {
    "index.html": page(
        '<a href="/initiative-archive/articles/a-1/">文章</a>\n'
        '<a href="#latest">最新</a> <a href="404.html#back">返回</a>\n'
        '<img src="static/logo.png" srcset="static/logo.png 1x, static/logo@2x.png 2x" alt="">\n'
        '<a href="https://www.gov.cn/">外部</a> <a href="mailto:a@b.cn">信</a>\n'
        '<h2 id="latest">最新</h2>',
        head='<link rel="stylesheet" href="/initiative-archive/static/site.css">\n'
        '<link rel="alternate" type="application/atom+xml" href="feed.xml">\n'
        '<meta property="og:url" content="https://example.github.io/initiative-archive/">',
    ),
    "articles/a-1/index.html": page(
        '<h2 id="figures">数字</h2>\n<a href="../../">首页</a>\n'
        '<svg viewBox="0 0 1 1"><path d="M0 0"/></svg>',
        title="文章",
    ),
    "old/index.html": page(
        head='<meta http-equiv="refresh" content="0; url=/initiative-archive/articles/a-1/">',
        title="已移动",
    ),
    "404.html": page('<a id="back" href="/initiative-archive/">回到首页</a>', title="页面不存在"),
    "static/site.css": "body { background: url(logo.png); }\n",
    "static/logo.png": "png",
    "static/logo@2x.png": "png",
    "feed.xml": (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        '<link href="https://example.github.io/initiative-archive/"/>\n'
        "<entry><link "
        'href="https://example.github.io/initiative-archive/articles/a-1/"/></entry>\n</feed>\n'
    ),
    "sitemap.xml": (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        "<url><loc>https://example.github.io/initiative-archive/articles/a-1/</loc></url>\n"
        "</urlset>\n"
    ),
    "robots.txt": "User-agent: *\nSitemap: https://example.github.io/initiative-archive/sitemap.xml\n",
}


def make_site(root: Path, files: dict[str, str]) -> Path:
    """Write the files of a site into root."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def problems(root: Path, changes: dict[str, str | None], base_url: str = BASE) -> list[str]:
    """The problems found in the good site with some files replaced (None: deleted)."""
    files = {**GOOD, **{k: v for k, v in changes.items() if v is not None}}
    files = {k: v for k, v in files.items() if changes.get(k, "") is not None}
    return [str(p) for p in check_site(make_site(root, files), base_url).problems]


def test_good_site_has_no_problems(tmp_path: Path) -> None:
    report = check_site(make_site(tmp_path, GOOD), BASE)
    assert report.problems == ()
    assert (report.pages, report.xml_files) == (4, 2)


# (what is broken, files changed (None: deleted), exact problem lines)
CASES = [
    (
        "link to a page that does not exist",
        {"articles/a-1/index.html": page('<a href="../a-2/">下一篇</a>', title="文章")},
        ["articles/a-1/index.html:9: 链接目标不存在：../a-2/"],
    ),
    (
        "root-relative link without the base path",
        {"articles/a-1/index.html": page('<a href="/articles/a-1/">本文</a>', title="文章")},
        ["articles/a-1/index.html:9: 站内地址缺少基础路径 /initiative-archive/：/articles/a-1/"],
    ),
    (
        "same-host absolute URL outside the base path",
        {
            "404.html": page(
                '<a id="back" href="https://example.github.io/articles/">文</a>', title="无"
            )
        },
        [
            "404.html:9: 站内地址缺少基础路径 /initiative-archive/：https://example.github.io/articles/"
        ],
    ),
    (
        "missing stylesheet",
        {"static/site.css": None, "static/logo.png": "png"},
        ["index.html:6: 资源不存在：/initiative-archive/static/site.css"],
    ),
    (
        "missing image in srcset",
        {"static/logo@2x.png": None},
        ["index.html:13: 资源不存在：static/logo@2x.png"],
    ),
    (
        "missing image in a stylesheet",
        {"static/site.css": "h1 {\n  background: url('../img/head.png');\n}\n"},
        ["static/site.css:2: 资源不存在：../img/head.png"],
    ),
    (
        "missing fragment",
        {"404.html": page('<a href="/initiative-archive/">回到首页</a>', title="页面不存在")},
        ["index.html:12: 锚点不存在：404.html#back"],
    ),
    (
        "redirect page to nowhere",
        {
            "old/index.html": page(
                head='<meta http-equiv="refresh" content="0; url=../gone/">', title="移"
            )
        },
        ["old/index.html:6: 链接目标不存在：../gone/"],
    ),
    (
        "relative URL in 404.html",
        {"404.html": page('<link id="back" rel="stylesheet" href="static/site.css">', title="无")},
        ["404.html:9: 404.html 会在任意深度提供，相对地址会失效：static/site.css"],
    ),
    (
        "javascript: URL",
        {"articles/a-1/index.html": page('<a href="javascript:alert(1)">点</a>', title="文章")},
        ["articles/a-1/index.html:9: 不允许 javascript: 地址：javascript:alert(1)"],
    ),
    (
        "unclosed element",
        {"articles/a-1/index.html": page("<div>\n<p>正文</p>", title="文章")},
        ["articles/a-1/index.html:11: 结束标签 </body> 与第 9 行的 <div> 不匹配"],
    ),
    (
        "element never closed at the end of the file",
        {
            "articles/a-1/index.html": "<!DOCTYPE html>\n"
            '<html lang="zh-CN"><title>文</title>\n<main>'
        },
        [
            "articles/a-1/index.html:3: <main> 未闭合",
            "articles/a-1/index.html:2: <html> 未闭合",
        ],
    ),
    (
        "mismatched end tag",
        {"articles/a-1/index.html": page("<p><em>重点</p></em>", title="文章")},
        [
            "articles/a-1/index.html:9: 结束标签 </p> 与第 9 行的 <em> 不匹配",
            "articles/a-1/index.html:9: 多余的结束标签 </em>",
        ],
    ),
    (
        "end tag of a void element",
        {"articles/a-1/index.html": page("<br></br>", title="文章")},
        ["articles/a-1/index.html:9: 空元素 <br> 不应有结束标签"],
    ),
    (
        "self-closed non-void element",
        {"articles/a-1/index.html": page('<div class="x"/>', title="文章")},
        [
            "articles/a-1/index.html:9: 非空元素 <div/> 不能自闭合",
        ],
    ),
    (
        "duplicate id",
        {"articles/a-1/index.html": page('<h2 id="figures">一</h2>\n<h2 id="figures">二</h2>')},
        ['articles/a-1/index.html:10: 重复的 id="figures"（首次出现在第 9 行）'],
    ),
    (
        "missing lang",
        {"articles/a-1/index.html": page('<h2 id="figures">一</h2>', html="<html>")},
        ["articles/a-1/index.html:1: <html> 缺少 lang 属性"],
    ),
    (
        "missing title",
        {"articles/a-1/index.html": page('<h2 id="figures">一</h2>', title=" ")},
        ["articles/a-1/index.html:1: 缺少 <title> 或标题为空"],
    ),
    (
        "missing doctype",
        {
            "articles/a-1/index.html": page('<h2 id="figures">一</h2>').replace(
                "<!DOCTYPE html>", ""
            )
        },
        ["articles/a-1/index.html:1: 缺少 <!DOCTYPE html>"],
    ),
    (
        "structured data naming a missing page",
        {
            "old/index.html": page(
                head='<script type="application/ld+json">\n{"@type": "NewsArticle", '
                '"url": "https://example.github.io/initiative-archive/articles/a-2/", '
                '"publisher": {"url": "https://www.gov.cn/"}}\n</script>',
                title="移",
            )
        },
        [
            "old/index.html:8: 链接目标不存在："
            "https://example.github.io/initiative-archive/articles/a-2/"
        ],
    ),
    (
        "structured data that is not JSON",
        {
            "old/index.html": page(
                head='<script type="application/ld+json">{"@type": "NewsArticle",}</script>',
                title="移",
            )
        },
        ["old/index.html:6: JSON-LD 无法解析：Expecting property name enclosed in double quotes"],
    ),
    (
        "feed that is not XML",
        {"feed.xml": '<?xml version="1.0"?>\n<feed>\n<entry>\n</feed>\n'},
        ["feed.xml: XML 格式错误：mismatched tag: line 4, column 2"],
    ),
    (
        "feed entry pointing nowhere",
        {"feed.xml": GOOD["feed.xml"].replace("articles/a-1/", "articles/a-9/")},
        ["feed.xml:4: 链接目标不存在：https://example.github.io/initiative-archive/articles/a-9/"],
    ),
    (
        "relative URL in the sitemap",
        {"sitemap.xml": GOOD["sitemap.xml"].replace(BASE, "")},
        ["sitemap.xml:3: 订阅源、站点地图和 robots.txt 中的地址必须是绝对地址：articles/a-1/"],
    ),
    (
        "robots.txt naming a missing sitemap",
        {"sitemap.xml": None},
        ["robots.txt:2: 链接目标不存在：https://example.github.io/initiative-archive/sitemap.xml"],
    ),
]


@pytest.mark.parametrize(("case", "changes", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_problem_is_caught_with_its_message(
    tmp_path: Path, case: str, changes: dict[str, str | None], expected: list[str]
) -> None:
    assert problems(tmp_path, changes) == expected


def test_site_at_the_root_accepts_root_relative_links(tmp_path: Path) -> None:
    files = {
        "index.html": page('<a href="/articles/a-1/">文章</a><a href="/articles/a-2/">无</a>'),
        "articles/a-1/index.html": page(title="文章"),
    }
    report = check_site(make_site(tmp_path, files), "http://127.0.0.1:8000/")
    assert [str(p) for p in report.problems] == ["index.html:9: 链接目标不存在：/articles/a-2/"]


def run_check(site: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(ROOT / "build.py"), "check", "--out", str(site), *extra]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)


def test_command_exits_1_with_one_line_per_problem(tmp_path: Path) -> None:
    files = {
        **GOOD,
        "404.html": page('<a id="back" href="/x/">无</a><a href="/initiative-archive/y/">无</a>'),
    }
    result = run_check(make_site(tmp_path, files), "--base-url", BASE)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "404.html:9: 站内地址缺少基础路径 /initiative-archive/：/x/",
        "404.html:9: 链接目标不存在：/initiative-archive/y/",
    ]
    assert "发现 2 个问题" in result.stderr


def test_command_exits_0_on_a_good_site(tmp_path: Path) -> None:
    result = run_check(make_site(tmp_path, GOOD), "--base-url", BASE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "没有发现问题" in result.stdout


def test_command_without_a_built_site_says_so(tmp_path: Path) -> None:
    result = run_check(tmp_path / "nothing")
    assert result.returncode == 2
    assert result.stderr.startswith("错误：")
    assert "请先运行 python3 build.py" in result.stderr
