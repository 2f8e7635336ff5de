"""Adopt a whole account: write a ready Pulumi project that declares the account's existing flows.

``pushsmm-pulumi import --website-id N | --all --out DIR`` (see :mod:`pulumi_pushsmm.cli`) lists the
flows and writes the layout README recommends: ``Pulumi.yaml`` (with the ``virtualenv`` option),
``requirements.txt`` (this release, from the wheel folder or package index the user names: see
:mod:`pulumi_pushsmm.package_source`), ``__main__.py`` (one ``Flow`` per flow, with its current values
and ``adopt_id``) and ``images/`` (each flow's image, downloaded). The first ``pulumi up`` of that
project creates nothing and changes nothing: every flow keeps its id.

The YAML is written by PyYAML, and the program is built as a Python syntax tree (:mod:`ast`) and
rendered from it, so every value is quoted as Python quotes it and the output is the same for the
same flows. Resource names come from the flow names (``"Welcome series #1"`` -> ``welcome-series-1``);
a name that several flows share gets the flow's id appended, so names do not depend on listing order.
"""

from __future__ import annotations

import ast
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import yaml

from . import schema
from ._version import __version__
from .errors import AdoptError, PushsmmError
from .lookups import GetFlowResult, GetWebsiteResult, flow_result, website_result
from .names import API_KEY_CONFIG, API_KEY_ENV, BASE_URL_CONFIG, DEFAULT_BASE_URL, DEFAULT_VIRTUALENV, slug
from .package_source import DISTRIBUTION, PackageSource
from .session import AccountSession, Settings, session_for


@dataclass(frozen=True)
class ProjectLayout:
    """How the written project is set up: its name, its virtualenv, and where pip finds pulumi-pushsmm."""

    project_name: str = "pushsmm-adopted"
    virtualenv: str = DEFAULT_VIRTUALENV
    """The ``virtualenv`` runtime option: relative to the project, or absolute (an existing one)."""
    source: PackageSource = field(default_factory=PackageSource)

    @property
    def requirement(self) -> str:
        """This very release: the program is written for its inputs."""
        return f"{DISTRIBUTION}=={__version__}"


@dataclass(frozen=True)
class ImportedFlow:
    """One flow to declare: its resource name, its flow, and where its image was saved (relative)."""

    resource_name: str
    flow: GetFlowResult
    image: str | None


def resource_names(flows: Iterable[GetFlowResult]) -> dict[int, str]:
    """Flow id -> a readable resource name that does not depend on the order flows are listed in."""
    flows = list(flows)
    bases = {f.id: slug(f.name) or "flow" for f in flows}
    counts: dict[str, int] = {}
    for base in bases.values():
        counts[base] = counts.get(base, 0) + 1
    return {fid: base if counts[base] == 1 and base != "flow" else f"{base}-{fid}" for fid, base in bases.items()}


def import_account(settings: Settings, out: Path, *, website_ids: list[int] | None,
                   layout: ProjectLayout | None = None) -> list[ImportedFlow]:
    """List the account's flows (all, or of ``website_ids``) and write the project into ``out``."""
    layout = layout or ProjectLayout()
    pulumi_yaml = _pulumi_yaml(layout)  # a bad project name stops before anything is asked or written
    if out.exists() and any(out.iterdir()):
        raise AdoptError(f"--out {out} is not empty; give a new or empty directory")
    session = session_for(settings)
    served = session.websites()  # None where /websites is not served: ids are then not checked, hosts not named
    websites = {w.id: w for w in (website_result(raw) for raw in (served or {}).values())}
    if website_ids is not None and served is not None:
        unknown = [w for w in website_ids if w not in websites]
        if unknown:
            known = ", ".join(f"{w.id} ({w.host})" for w in websites.values()) or "none"
            raise AdoptError(f"--website-id {unknown[0]} is not a website of this account; its websites are: "
                               f"{known}")
    flows = [flow_result(raw) for raw in session.all_flows()]
    flows = sorted((f for f in flows if website_ids is None or f.website_id in website_ids),
                   key=lambda f: (f.website_id, f.id))
    if not flows:
        raise AdoptError("there are no flows to import" + (f" on website(s) {website_ids}" if website_ids else ""))
    names = resource_names(flows)
    out.mkdir(parents=True, exist_ok=True)
    imported = [ImportedFlow(names[f.id], f, _download_image(session, f, names[f.id], out)) for f in flows]
    (out / "Pulumi.yaml").write_text(pulumi_yaml, encoding="utf-8")
    (out / "requirements.txt").write_text("\n".join([*layout.source.pip_options(), layout.requirement, ""]),
                                          encoding="utf-8")
    (out / "__main__.py").write_text(program_text(imported, websites), encoding="utf-8")
    return imported


def _download_image(session: AccountSession, flow: GetFlowResult, name: str, out: Path) -> str | None:
    """Save the flow's image as ``images/<resource name>.<ext>``; the relative path, or None without one."""
    if not flow.image_url:
        return None
    ext = PurePosixPath(urlsplit(flow.image_url).path).suffix.lower().lstrip(".")
    if ext not in schema.IMAGE_EXTENSIONS:
        raise AdoptError(f"flow {flow.id} ({flow.name!r}): its image {flow.image_url} is not one of "
                         + ", ".join(schema.IMAGE_EXTENSIONS))
    # The image is public: the client fetches it without the API key, which never goes to another URL.
    try:
        content = session.client.download(flow.image_url)
    except PushsmmError as exc:
        raise AdoptError(f"flow {flow.id} ({flow.name!r}): could not download its image: {exc}") from None
    relative = f"images/{name}.{ext}"
    (out / "images").mkdir(exist_ok=True)
    (out / relative).write_bytes(content)
    return relative


def program_text(imported: list[ImportedFlow], websites: dict[int, GetWebsiteResult]) -> str:
    """The ``__main__.py`` declaring every imported flow, rendered from its syntax tree."""
    hosts = sorted({(i.flow.website_id, websites[i.flow.website_id].host) for i in imported
                    if i.flow.website_id in websites and websites[i.flow.website_id].host})
    doc = ("pushsmm flows adopted by `pushsmm-pulumi import`.\n\n"
           "The first `pulumi up` takes over each flow by its adopt_id: it creates nothing,\n"
           "changes nothing, and every flow keeps its id. From then on, edit the values here\n"
           "and `pulumi up` as usual.\n"
           + "".join(f"\nWebsite {site}: {host}" for site, host in hosts) + ("\n" if hosts else ""))
    head: list[list[ast.stmt]] = [
        [ast.Expr(ast.Constant(doc))],
        [ast.ImportFrom("pathlib", [ast.alias("Path")], 0)],
        [ast.Import([ast.alias("pulumi")]), ast.ImportFrom("pulumi_pushsmm", [ast.alias("Flow")], 0)],
        [_statement("HERE = Path(__file__).resolve().parent"), _statement("flows: dict[str, Flow] = {}")],
    ]
    by_site: dict[int, list[ast.stmt]] = {}
    for item in imported:
        by_site.setdefault(item.flow.website_id, []).append(_flow_statement(item))
    tail = [[_statement('pulumi.export("flow_ids", {name: flow.id for name, flow in flows.items()})')]]
    return render([*head, *by_site.values(), *tail])


def _statement(source: str) -> ast.stmt:
    return ast.parse(source).body[0]


def _flow_statement(item: ImportedFlow) -> ast.stmt:
    """``flows[name] = Flow(name, adopt_id=..., <each input that is required or not at its default>)``."""
    keywords = [ast.keyword("adopt_id", ast.Constant(item.flow.id))]
    for f in schema.INPUT_FIELDS:
        if f.name == "image":
            if item.image:  # str(HERE / "images/<name>.<ext>"): the image beside the program, wherever it runs
                path = ast.BinOp(ast.Name("HERE", ast.Load()), ast.Div(), ast.Constant(item.image))
                keywords.append(ast.keyword("image", ast.Call(ast.Name("str", ast.Load()), [path], [])))
            continue
        value: Any = item.flow.inputs.get(f.name, f.default)
        if f.required or value != f.default:
            keywords.append(ast.keyword(f.name, ast.Constant(value)))
    call = ast.Call(ast.Name("Flow", ast.Load()), [ast.Constant(item.resource_name)], keywords)
    target = ast.Subscript(ast.Name("flows", ast.Load()), ast.Constant(item.resource_name), ast.Store())
    return ast.Assign([target], call)


def render(blocks: list[list[ast.stmt]]) -> str:
    """Python source of statement blocks (a blank line between blocks), checked to parse back to the same tree.

    Each statement is :func:`ast.unparse`'s; an assignment of a call with keywords puts each argument on a line of
    its own, with a trailing comma, as formatters lay out a long call.
    """
    module = ast.fix_missing_locations(ast.Module([s for block in blocks for s in block], []))
    text = "\n\n".join("\n".join(_unparse(s) for s in block) for block in blocks) + "\n"
    if ast.dump(ast.parse(text)) != ast.dump(module):  # pragma: no cover - a bug in the layout above
        raise AssertionError("the rendered program does not parse back to its syntax tree")
    return text


def _unparse(statement: ast.stmt) -> str:
    value = getattr(statement, "value", None)
    if isinstance(statement, ast.Expr) and isinstance(value, ast.Constant) and isinstance(value.value, str):
        return ast.unparse(ast.Module([statement], []))  # as a module's docstring: triple-quoted, lines kept
    if not isinstance(statement, ast.Assign) or not isinstance(value, ast.Call) or not value.keywords:
        return ast.unparse(statement)
    arguments = [*map(ast.unparse, value.args), *map(ast.unparse, value.keywords)]
    head = f"{ast.unparse(statement.targets[0])} = {ast.unparse(value.func)}("
    return "\n".join([head, *(f"    {argument}," for argument in arguments), ")"])


def _pulumi_yaml(layout: ProjectLayout) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,100}", layout.project_name):
        raise AdoptError(f"--project-name must be letters, digits, '-', '_' or '.', got {layout.project_name!r}")
    project = {
        "name": layout.project_name,
        "description": "pushsmm flows adopted by `pushsmm-pulumi import`.",
        "runtime": {"name": "python", "options": {"toolchain": "pip", "virtualenv": layout.virtualenv}},
    }
    return yaml.safe_dump(project, sort_keys=False, allow_unicode=True)


def next_steps(imported: list[ImportedFlow], out: Path, layout: ProjectLayout, settings: Settings,
               api_key_env: str = API_KEY_ENV) -> str:
    """What was written, where requirements.txt installs from, and the commands to run, one a line, as printed.

    The key goes into the stack's config as a secret, from the variable ``import`` read it from, so a later
    ``refresh`` or ``destroy`` from a new shell finds it.
    """
    images = sum(1 for item in imported if item.image)
    venv = Path(layout.virtualenv) if Path(layout.virtualenv).is_absolute() else out / layout.virtualenv
    commands = [f"cd {shlex.quote(str(out))}"]
    if not (venv / "bin" / "python").exists():
        commands += [f"python3 -m venv {shlex.quote(layout.virtualenv)}",
                     f"{shlex.quote(str(Path(layout.virtualenv) / 'bin' / 'pip'))} install -r requirements.txt"]
    commands.append("pulumi stack init dev")
    if settings.base_url != DEFAULT_BASE_URL:
        commands.append(f"pulumi config set {BASE_URL_CONFIG} {shlex.quote(settings.base_url)}")
    commands += [f'pulumi config set --secret {API_KEY_CONFIG} "${api_key_env}"', "pulumi up"]
    return "\n".join([f"wrote {out}: {len(imported)} flows ({images} with images) in __main__.py.",
                      layout.source.describe(layout.requirement),
                      "Next (the first `pulumi up` creates nothing and changes nothing):",
                      *(f"  {command}" for command in commands)])
