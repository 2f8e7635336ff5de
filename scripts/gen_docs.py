"""Generate what the schema table declares: ``pulumi_pushsmm/flow.py`` and README's Flow field reference.

``make generate`` (or ``make docs``) runs this; ``--check`` only reports stale
files. A unit test fails when either file differs from what the table gives,
so adding a Flow field is one record in :mod:`pulumi_pushsmm.schema` plus this
command.
"""

from __future__ import annotations

import html
import re
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path

from pulumi_pushsmm.schema import FLOW_FIELDS, IMAGE_HASH_KEY, INPUT_FIELDS, REQUIRED_FIELDS, STATE_FIELDS, Field, Kind

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
FLOW_MODULE = ROOT / "pulumi_pushsmm" / "flow.py"
START, END = "<!-- flow-reference:start -->", "<!-- flow-reference:end -->"
WIDTH = 120

_PY_TYPES = {
    Kind.TEXT: "str",
    Kind.UTM_TAG: "str",
    Kind.URL: "str",
    Kind.IMAGE: "str",
    Kind.INT: "int",
    Kind.BOOL: "bool",
    Kind.SEGMENT: 'Literal["all"] | int',
}

# --- README reference ----------------------------------------------------------------------------


def markdown_reference() -> str:
    """The Flow field reference as a Markdown table."""
    lines = [
        "| field | type | required | allowed / limit | notes |",
        "| --- | --- | --- | --- | --- |",
    ]
    for f in FLOW_FIELDS:
        if f.computed:
            kind, required = "output", "computed"
        else:
            kind, required = f.kind.label, "yes" if f.required else f"no (default {f.default!r})"
        lines.append(f"| `{f.name}` | {kind} | {required} | {html.escape(f.limits)} | {f.doc} |")
    return "\n".join(lines)


def render(readme: str) -> str:
    """README with the reference block replaced by the table's current rendering."""
    block = f"{START}\n{markdown_reference()}\n{END}"
    return re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, readme, flags=re.S)


# --- flow.py -------------------------------------------------------------------------------------


def py_type(f: Field) -> str:
    """The Python type of a field's value."""
    choices = ", ".join(f'"{a}"' for a in f.allowed)
    base = f"Literal[{choices}]" if f.kind is Kind.ENUM else _PY_TYPES[f.kind]
    return f"{base} | None" if f.nullable else base


def _doc(text: str, indent: int, *, hang: bool = False) -> list[str]:
    """``text`` as docstring lines indented by ``indent`` spaces, wrapped to the line length.

    ``hang`` indents the continuation lines a further four spaces, as a ``:param`` entry's are.
    """
    pad = " " * indent
    return textwrap.wrap(text, WIDTH - indent, initial_indent=pad, subsequent_indent=pad + "    " * hang)


def _quoted(text: str, indent: int) -> list[str]:
    if '"""' in text or "\\" in text or text.endswith('"'):
        raise ValueError(f"a doc text cannot go into a docstring as it is: {text!r}")
    return _doc(f'"""{text}"""', indent)


def describe(f: Field) -> str:
    """A field's doc with whether it is required, its default, and what is allowed: one sentence each."""
    note = " Required." if f.required else f" Default: {f.default!r}." if f.optional else ""
    limits = f" Allowed: {f.limits}." if f.limits else ""
    return f"{f.doc}{note}{limits}"


def _param(f: Field, indent: int) -> list[str]:
    return _doc(f":param pulumi.Input[{py_type(f)}] {f.name}: {describe(f)}", indent, hang=True)


def _lines(*parts: str | Iterable[str]) -> list[str]:
    out: list[str] = []
    for part in parts:
        out.extend([part] if isinstance(part, str) else part)
    return out


def flow_module() -> str:
    """The source of ``pulumi_pushsmm/flow.py``."""
    adopt, on_delete = STATE_FIELDS[1], STATE_FIELDS[2]
    account_doc = ("The pushsmm account (API key and base URL) the flow lives in; default: the stack's "
                   "pushsmm:apiKey and pushsmm:baseUrl. The key is recorded with the flow as a secret, so refresh "
                   "and destroy reach the flow in its own account; a new key is an in-place change.")
    args_keys = []
    for f in INPUT_FIELDS:
        wrapper = "Required" if f.required else "NotRequired"
        args_keys += [f"    {f.name}: {wrapper}[pulumi.Input[{py_type(f)}]]", *_quoted(describe(f), 4)]
    properties = []
    for f in (*FLOW_FIELDS, *STATE_FIELDS):
        # The state leaves out an input at its default (schema.compact): the output puts the default back.
        default = "" if f.name == IMAGE_HASH_KEY else (f.default if f.optional and f in FLOW_FIELDS else None)
        value = f'pulumi.get(self, "{f.name}")'
        properties += [
            "",
            "    @property",
            "    @pulumi.getter",
            f"    def {f.name}(self) -> pulumi.Output[{py_type(f)}]:",
            *_quoted(f.doc, 8),
            f"        return {value if default is None else f'or_default({value}, {default!r})'}",
        ]
    required = ", ".join(f.name for f in REQUIRED_FIELDS)
    source = _lines(
        "# Generated by `make generate` (scripts/gen_docs.py) from the field table in pulumi_pushsmm/schema.py.",
        "# Do not edit by hand: change the table and run `make generate`; a unit test fails when this is stale.",
        '# mypy: disable-error-code="no-any-return"',
        '"""The public ``Flow`` resource and its ``FlowArgs``, shaped like a generated Pulumi SDK.',
        "",
        "Every input and output, with its type and description, comes from the schema",
        "table (:mod:`pulumi_pushsmm.schema`); what a ``Flow(...)`` call does with its",
        "arguments is in :mod:`pulumi_pushsmm._resource`.",
        '"""',
        "",
        "# No `from __future__ import annotations` here: TypedDict must see Required[...] at runtime.",
        "from typing import Any, Literal, NotRequired, Required, TypedDict, overload",
        "",
        "import pulumi",
        "from pulumi.dynamic import Resource",
        "from typing_extensions import Unpack",
        "",
        "from ._resource import PROVIDER as _PROVIDER",
        "from ._resource import or_default, resource_props, sdk_pickler_unnested",
        "from .account import Account",
        "from .names import TYPE_TOKEN",
        "",
        '__all__ = ["TYPE_TOKEN", "Flow", "FlowArgs"]',
        "",
        "",
        "class FlowArgs(TypedDict, total=False):",
        '    """The inputs of a :class:`Flow`, named as the pushsmm API names them.',
        "",
        *_doc(f"Required: {required}. A key that is not listed here is refused.", 4),
        "",
        *[line for f in INPUT_FIELDS for line in _param(f, 4)],
        '    """',
        "",
        *args_keys,
        "",
        "",
        'class Flow(Resource, module="pushsmm", name="Flow"):',
        '    """One pushsmm flow: a push message sent to each new subscriber of a website a set time after they',
        "    subscribe.",
        "",
        "    Call it as ``Flow(name, FlowArgs(...), opts)``, ``Flow(name, args=FlowArgs(...))`` or",
        "    ``Flow(name, opts=opts, **inputs)``. Every input is also an output of the same name,",
        "    as pushsmm stored it; the outputs pushsmm computes are listed as properties below.",
        '    """',
        "",
        "    @overload",
        "    def __init__(",
        "        self,",
        "        resource_name: str,",
        "        args: FlowArgs,",
        "        opts: pulumi.ResourceOptions | None = None,",
        "        *,",
        f"        {adopt.name}: pulumi.Input[int] | None = None,",
        f"        {on_delete.name}: pulumi.Input[{py_type(on_delete)}] = None,",
        "        account: Account | None = None,",
        "    ) -> None: ...",
        "",
        "    @overload",
        "    def __init__(",
        "        self,",
        "        resource_name: str,",
        "        opts: pulumi.ResourceOptions | None = None,",
        "        *,",
        f"        {adopt.name}: pulumi.Input[int] | None = None,",
        f"        {on_delete.name}: pulumi.Input[{py_type(on_delete)}] = None,",
        "        account: Account | None = None,",
        "        **kwargs: Unpack[FlowArgs],",
        "    ) -> None: ...",
        "",
        "    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:",
        '        """Declare a flow. Inputs come as one FlowArgs or as keyword arguments, not both.',
        "",
        "        :param str resource_name: The name of the resource in the Pulumi program.",
        "        :param FlowArgs args: Every input at once (instead of keyword arguments).",
        "        :param pulumi.ResourceOptions opts: Options for the resource.",
        *_doc(f":param pulumi.Input[int] {adopt.name}: {adopt.doc}", 8, hang=True),
        *_doc(f":param pulumi.Input[str] {on_delete.name}: {on_delete.doc}", 8, hang=True),
        *_doc(f":param Account account: {account_doc}", 8, hang=True),
        *[line for f in INPUT_FIELDS for line in _param(f, 8)],
        '        """',
        "        props, opts = resource_props(args, kwargs)",
        "        with sdk_pickler_unnested():  # the SDK's nesting pickler wrapper: see _resource",
        "            super().__init__(_PROVIDER, resource_name, props, opts)",
        "",
        "    @staticmethod",
        '    def get(resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None) -> "Flow":',
        '        """Read an existing flow by its pushsmm id, without managing it."""',
        "        merged = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))",
        "        return Flow(resource_name, FlowArgs(), merged)  # type: ignore[typeddict-item]",
        *properties,
    )
    return "\n".join(source) + "\n"


# --- command -------------------------------------------------------------------------------------


def generated() -> dict[Path, str]:
    """Each generated file with the content the table gives it."""
    readme = README.read_text()
    if START not in readme:
        sys.exit(f"README.md has no {START} marker")
    return {README: render(readme), FLOW_MODULE: flow_module()}


def stale() -> list[Path]:
    """The generated files whose content on disk differs from what the table gives."""
    return [path for path, text in generated().items() if not path.is_file() or path.read_text() != text]


def main(argv: list[str]) -> int:
    """Write the generated files, or with ``--check`` only list the stale ones (exit 1 if any)."""
    if "--check" in argv:
        outdated = stale()
        for path in outdated:
            print(f"stale: {path.relative_to(ROOT)} (run `make generate`)", file=sys.stderr)
        return 1 if outdated else 0
    for path, text in generated().items():
        if not path.is_file() or path.read_text() != text:
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
