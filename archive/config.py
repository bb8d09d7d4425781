"""Config: site.toml -> SiteConfig, read once. Unknown keys are errors."""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from archive.errors import ArchiveError


class ConfigError(ValueError):
    """A problem in site.toml, with the file named in the message."""


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Typed site settings; paths are resolved against the folder of site.toml."""

    title: str
    description: str
    base_url: str
    root: Path
    language: str = "zh-CN"
    content_dir: Path = Path("content")
    output_dir: Path = Path("site")
    templates_dir: Path = Path("templates")
    page_size: int = 50
    home_latest: int = 20

    @property
    def base_path(self) -> str:
        """The path part of base_url, always starting and ending with '/'."""
        return urlsplit(self.base_url).path

    @property
    def taxonomy_dir(self) -> Path:
        """content/taxonomy: districts.yaml and programmes.yaml."""
        return self.content_dir / "taxonomy"

    @property
    def articles_dir(self) -> Path:
        """content/articles: one <id>.md per article."""
        return self.content_dir / "articles"


_PATH_KEYS = ("content_dir", "output_dir", "templates_dir")
_FIELDS = {f.name: f for f in dataclasses.fields(SiteConfig) if f.name != "root"}


def load_config(path: Path, **overrides: object) -> SiteConfig:
    """Read site.toml; keyword overrides (None means unset) win over the file."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: {error}") from None
    unknown = sorted(set(raw) - set(_FIELDS))
    if unknown:
        raise ConfigError(f"{path}: 未知的配置项 {'、'.join(unknown)}")
    raw.update({k: v for k, v in overrides.items() if v is not None})
    root = path.resolve().parent
    for key in _PATH_KEYS:
        if key in raw:
            raw[key] = (root / Path(str(raw[key]))).resolve()
    _check_types(path, raw)
    raw["base_url"] = normalise_base_url(path, str(raw.get("base_url", "")))
    try:
        config = SiteConfig(root=root, **raw)
    except TypeError as error:
        raise ConfigError(f"{path}: {error}") from None
    return _with_default_paths(config, root)


def _check_types(path: Path, raw: dict[str, object]) -> None:
    for key, value in raw.items():
        expected = _FIELDS[key].type
        if expected == "int" and not isinstance(value, int):
            raise ConfigError(f"{path}: {key} 应为整数，而不是 {value!r}")
        if expected == "str" and not isinstance(value, str):
            raise ConfigError(f"{path}: {key} 应为字符串，而不是 {value!r}")


def _with_default_paths(config: SiteConfig, root: Path) -> SiteConfig:
    changes = {
        key: root / getattr(config, key)
        for key in _PATH_KEYS
        if not getattr(config, key).is_absolute()
    }
    return dataclasses.replace(config, **changes)


def normalise_base_url(path: Path, url: str) -> str:
    """An absolute http(s) URL ending in '/': feeds and sitemaps need the host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"{path}: base_url 应为完整的 http(s) 网址，例如 "
            f"https://user.github.io/repo/，而不是 {url!r}"
        )
    return url if url.endswith("/") else url + "/"


def config_from_args(args: object) -> SiteConfig:
    """site.toml (args.config) with the command line's overrides, paths relative to where we run.

    A problem is raised as ArchiveError, the one error the commands print.
    """

    def absolute(path: Path | None) -> Path | None:
        return path.resolve() if path is not None else None

    try:
        return load_config(
            args.config,  # type: ignore[attr-defined]
            content_dir=absolute(getattr(args, "content_dir", None)),
            output_dir=absolute(getattr(args, "out", None)),
            base_url=getattr(args, "base_url", None),
        )
    except ConfigError as error:
        raise ArchiveError(str(error)) from None


def taxonomy_dir(config: SiteConfig) -> Path:
    """content/taxonomy, or the project's own when a content folder has none (benchmarks)."""
    own = config.taxonomy_dir
    return own if own.is_dir() else config.root / "content" / "taxonomy"
