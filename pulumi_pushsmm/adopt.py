"""Adopt a whole account: write a ready Pulumi project that declares the account's existing flows.

``pushsmm-pulumi import --website-id N | --all --out DIR`` (see :mod:`pulumi_pushsmm.cli`) lists the
flows and writes ``Pulumi.yaml``, ``__main__.py`` (one ``Flow`` per flow, with its current values and
``adopt_id``), ``requirements.txt`` and ``images/`` (each flow's image, downloaded). The first
``pulumi up`` of that project creates nothing and changes nothing: every flow keeps its id.

Resource names come from the flow names (``"Welcome series #1"`` -> ``welcome-series-1``); a name
that several flows share gets the flow's id appended, so names do not depend on listing order.
"""

from __future__ import annotations

import importlib.metadata
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from . import schema
from .errors import AdoptError, PushsmmError
from .lookups import GetFlowResult, GetWebsiteResult, flow_result, website_result
from .names import slug
from .session import AccountSession, Settings, session_for


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
                   project_name: str = "pushsmm-adopted") -> list[ImportedFlow]:
    """List the account's flows (all, or of ``website_ids``) and write the project into ``out``."""
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
    (out / "Pulumi.yaml").write_text(_pulumi_yaml(project_name), encoding="utf-8")
    (out / "requirements.txt").write_text(_requirements(), encoding="utf-8")
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
    """The ``__main__.py`` declaring every imported flow."""
    lines = [
        '"""pushsmm flows adopted by `pushsmm-pulumi import`.',
        "",
        "The first `pulumi up` takes over each flow by its adopt_id: it creates nothing, changes nothing,",
        "and every flow keeps its id. From then on, edit the values here and `pulumi up` as usual.",
        '"""',
        "",
        "from pathlib import Path",
        "",
        "import pulumi",
        "",
        "from pulumi_pushsmm import Flow",
        "",
        "HERE = Path(__file__).resolve().parent",
        "",
        "flows: dict[str, Flow] = {}",
    ]
    current_site: int | None = None
    for item in imported:
        if item.flow.website_id != current_site:
            current_site = item.flow.website_id
            site = websites.get(current_site)
            lines += ["", f"# website {current_site}" + (f": {site.host}" if site and site.host else "")]
        lines += _flow_lines(item)
    lines += ["", 'pulumi.export("flow_ids", {name: flow.id for name, flow in flows.items()})', ""]
    return "\n".join(lines)


def _flow_lines(item: ImportedFlow) -> list[str]:
    inputs = item.flow.inputs
    args = [f"adopt_id={item.flow.id}"]
    for f in schema.INPUT_FIELDS:
        if f.name == "image":
            if item.image:
                args.append(f"image=str(HERE / {item.image!r})")
            continue
        value = inputs.get(f.name, f.default)
        if f.required or value != f.default:
            args.append(f"{f.name}={value!r}")
    body = "".join(f"    {arg},\n" for arg in args)
    return [f"flows[{item.resource_name!r}] = Flow(", f"    {item.resource_name!r},", *body.rstrip("\n").split("\n"),
            ")"]


def _pulumi_yaml(project_name: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,100}", project_name):
        raise AdoptError(f"--project-name must be letters, digits, '-', '_' or '.', got {project_name!r}")
    return (f"name: {project_name}\n"
            "description: pushsmm flows adopted by `pushsmm-pulumi import`.\n"
            "runtime:\n"
            "  name: python\n"
            "  options:\n"
            "    toolchain: pip\n")


def _requirements() -> str:
    try:
        version = importlib.metadata.version("pulumi-pushsmm")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        version = None
    pin = f"pulumi-pushsmm>={version}" if version else "pulumi-pushsmm"
    return f"{pin}\npulumi>=3.150,<4\n"


def describe(imported: list[ImportedFlow], out: Path) -> str:
    """What was written, for the command's output."""
    images = sum(1 for item in imported if item.image)
    return (f"wrote {out}: {len(imported)} flows ({images} with images) in __main__.py.\n"
            f"Next: cd {out}; pip install -r requirements.txt; pulumi stack init; "
            "pulumi config set --secret pushsmm:apiKey <key>; pulumi up  (creates nothing, changes nothing)")
