#!/usr/bin/env python3
"""Initiative Archive command line: argparse and dispatch only.

python build.py                      build content/ into site/
python build.py import PAGE...       raw newspaper pages -> content/articles/
python build.py serve                build, serve on 127.0.0.1, rebuild on change
python build.py check                crawl site/ for broken links and bad HTML
python build.py evaluate GOLD DIR    importer accuracy against a hand-read gold file
python build.py new TITLE            a blank article to edit
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

# verb -> module whose run(args) -> int carries it out
COMMANDS = {
    "build": "archive.build_command",
    "import": "archive.importer.run",
    "serve": "archive.serve",
    "check": "archive.check",
    "evaluate": "archive.evaluate",
    "new": "archive.new",
}


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help in Chinese: the usage line's label."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        # argparse asks with prefix "" for a subcommand's own name (its `prog`): no label there.
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


# argparse's own error texts (English) and what the user reads instead.
_ARGPARSE_ERRORS = (
    ("unrecognized arguments:", "无法识别的参数："),
    ("the following arguments are required:", "缺少必需的参数："),
    ("invalid choice:", "无效的选项："),
    ("expected one argument", "需要一个值"),
    ("invalid int value:", "不是整数："),
    ("argument ", "参数 "),
)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose help headings and errors are Chinese."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, add_help=False, formatter_class=_HelpFormatter, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示帮助并退出")

    def error(self, message: str) -> None:  # type: ignore[override]
        """One usage line and one Chinese error line, exit 2 (as argparse does)."""
        for english, chinese in _ARGPARSE_ERRORS:
            message = message.replace(english, chinese)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 错误：{message}\n")


def _site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", type=Path, default=HERE / "site.toml", help="站点配置文件（默认：site.toml）"
    )
    parser.add_argument("--content-dir", type=Path, help="内容目录（默认：content/）")
    parser.add_argument("--base-url", help="站点根目录的完整网址，例如 https://u.github.io/repo/")
    parser.add_argument("--quiet", action="store_true", help="不显示进度条")


def make_parser() -> argparse.ArgumentParser:
    """The whole command-line grammar."""
    parser = _Parser(
        prog="build.py", description="举措档案：把报纸版面导入为文章，生成可浏览、可搜索的静态网站"
    )
    verbs = parser.add_subparsers(dest="command", title="命令", parser_class=_Parser)

    build = verbs.add_parser("build", help="把 content/ 生成为 site/（默认命令）")
    _site_options(build)
    build.add_argument("--out", type=Path, help="输出目录（默认：site/）")
    build.add_argument("--no-cache", action="store_true", help="不用缓存，全部重新生成")
    build.add_argument("--jobs", type=int, default=0, help="工作进程数（0：每个 CPU 核一个）")

    imp = verbs.add_parser("import", help="把报纸版面原文导入 content/")
    imp.add_argument("pages", nargs="+", type=Path, help="版面原文 .txt 文件")
    imp.add_argument(
        "--content-dir", type=Path, default=HERE / "content", help="内容目录（默认：content/）"
    )
    imp.add_argument("--date", help="版面日期：YYYY、YYYY-MM 或 YYYY-MM-DD（默认从正文推断）")
    imp.add_argument("--quiet", action="store_true", help="只输出汇总")

    serve = verbs.add_parser("serve", help="生成并在本机预览，文件改动后自动重新生成")
    _site_options(serve)
    serve.add_argument("--host", default="127.0.0.1", help="监听地址（默认：127.0.0.1）")
    serve.add_argument("--port", type=int, default=8000, help="端口（默认：8000）")
    serve.add_argument("--out", type=Path, help="输出目录（默认：site/）")
    serve.add_argument("--open", action="store_true", help="打开浏览器")
    serve.add_argument("--no-cache", action="store_true", help="不用缓存，全部重新生成")

    check = verbs.add_parser("check", help="检查生成的网站：坏链接和不合格的 HTML")
    _site_options(check)
    check.add_argument("--out", type=Path, help="生成的网站目录（默认：site/）")

    evaluate = verbs.add_parser("evaluate", help="用标准答案文件衡量导入的准确度")
    evaluate.add_argument("gold", type=Path, help="标准答案 YAML（格式同 shared/gold/seeds.yaml）")
    evaluate.add_argument("pages_dir", type=Path, help="标准答案所列版面原文所在的目录")
    evaluate.add_argument("--content-dir", type=Path, help="用哪个内容目录的分类（默认：content/）")

    new = verbs.add_parser("new", help="新建一篇空白文章，供手工编辑")
    new.add_argument("title", help="文章标题")
    new.add_argument(
        "--content-dir", type=Path, default=HERE / "content", help="内容目录（默认：content/）"
    )
    new.add_argument("--date", help="日期：YYYY、YYYY-MM 或 YYYY-MM-DD（默认：今天）")
    new.add_argument("--district", action="append", default=[], help="区县，可重复")
    new.add_argument("--programme", action="append", default=[], help="举措，可重复")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the verb; with no verb, build."""
    parser = make_parser()
    argv = sys.argv[1:] if argv is None else argv
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["build", *argv]
    args = parser.parse_args(argv)
    from archive.errors import ArchiveError

    module = importlib.import_module(COMMANDS[args.command])
    try:
        return module.run(args)
    except ArchiveError as error:
        for line in str(error).splitlines():
            print(f"错误：{line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130


def exit_now(code: int) -> None:
    """Exit without freeing the site model object by object (as mypy's hard_exit does).

    A 10,000-article build holds millions of objects; tearing them down takes
    a noticeable part of a second and changes nothing on disk. Output is
    flushed first; every file was written and every worker process joined by now.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_now(main())
