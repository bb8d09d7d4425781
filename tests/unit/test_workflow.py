"""The Pages workflow builds with the README's command and deploys with the official actions."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BASE_URL_OPTION = '--base-url "${{ steps.pages.outputs.base_url }}/"'


@pytest.fixture(scope="module")
def workflow() -> dict:
    """.github/workflows/pages.yml as data."""
    return yaml.safe_load((ROOT / ".github/workflows/pages.yml").read_text(encoding="utf-8"))


def steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def uses(workflow: dict, job: str) -> list[str]:
    """The actions a job uses, without their versions."""
    return [step["uses"].split("@")[0] for step in steps(workflow, job) if "uses" in step]


def readme_first_command() -> str:
    """The first line of the README's first shell block: what a user runs to build."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```(?:sh|bash|shell)\n(.*?)```", readme, re.S)
    assert block, "README.md has no shell command block"
    return block.group(1).strip().splitlines()[0]


def build_step(workflow: dict) -> dict:
    """The step that installs and builds: the first one that runs build.py."""
    return next(s for s in steps(workflow, "build") if "build.py" in s.get("run", ""))


def test_runs_on_push_to_main_and_by_hand(workflow: dict) -> None:
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as True
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers


def test_permissions_and_concurrency_are_what_pages_needs(workflow: dict) -> None:
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] == "pages"


def test_uses_the_official_pages_actions_in_order(workflow: dict) -> None:
    assert uses(workflow, "build") == [
        "actions/checkout",
        "actions/setup-python",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
    ]
    assert uses(workflow, "deploy") == ["actions/deploy-pages"]
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"


def test_actions_are_pinned_to_a_major_version(workflow: dict) -> None:
    for job in ("build", "deploy"):
        for step in steps(workflow, job):
            if "uses" in step:
                assert re.fullmatch(r"actions/[a-z-]+@v\d+", step["uses"]), step["uses"]


def test_python_is_the_version_the_project_requires(workflow: dict) -> None:
    (setup,) = [
        s for s in steps(workflow, "build") if s.get("uses", "").startswith("actions/setup-python")
    ]
    assert setup["with"]["python-version"] == "3.11"


def test_build_step_is_the_readme_command_with_the_pages_base_url(workflow: dict) -> None:
    run = build_step(workflow)["run"].strip()
    assert BASE_URL_OPTION in run
    assert run.replace(" " + BASE_URL_OPTION, "") == readme_first_command()


def test_base_url_comes_from_configure_pages_outputs(workflow: dict) -> None:
    build = steps(workflow, "build")
    (configure,) = [s for s in build if s.get("uses", "").startswith("actions/configure-pages")]
    assert configure["id"] == "pages"
    assert build.index(configure) < build.index(build_step(workflow))
    words = shlex.split(build_step(workflow)["run"].split("&&")[-1])
    assert words[words.index("--base-url") + 1] == "${{ steps.pages.outputs.base_url }}/"


def test_site_is_checked_before_upload_with_the_same_base_url(workflow: dict) -> None:
    build = steps(workflow, "build")
    (check,) = [s for s in build if "build.py check" in s.get("run", "")]
    (upload,) = [s for s in build if "upload-pages-artifact" in s.get("uses", "")]
    assert build.index(build_step(workflow)) < build.index(check) < build.index(upload)
    assert BASE_URL_OPTION in check["run"]


def test_uploads_the_folder_the_build_writes(workflow: dict) -> None:
    (upload,) = [
        s for s in steps(workflow, "build") if "upload-pages-artifact" in s.get("uses", "")
    ]
    site_toml = (ROOT / "site.toml").read_text(encoding="utf-8")
    output_dir = re.search(r'^output_dir\s*=\s*"([^"]+)"', site_toml, re.M)
    assert output_dir and upload["with"]["path"] == output_dir.group(1)
