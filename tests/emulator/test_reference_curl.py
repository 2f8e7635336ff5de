"""The reference's own curl commands, pasted into a shell with only host and key changed, work on the twin."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pulumi_pushsmm.emulator import EmulatorServer
from tests.emulator.helpers import KEY_A

REFERENCE = Path(__file__).parent / "data" / "flows-api-reference.txt"
SHARED_REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "pushsmm-api" / "flows-api-reference.txt"
REAL_BASE = "https://pushsmm.com/api"
# docs/pushsmm-api.md: the code sends meta.total_results where the reference shows meta.total.
DOCUMENTED_RENAMES = {"meta.total": "meta.total_results"}

pytestmark = [pytest.mark.integration, pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")]


def reference_examples() -> list[tuple[str, str, Any]]:
    """(endpoint line, curl command, example JSON or None) for each curl in the reference, in order."""
    lines = REFERENCE.read_text(encoding="utf-8").splitlines()
    examples: list[tuple[str, str, Any]] = []
    endpoint = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        if re.match(r"^(GET|POST|DELETE) https://", line):
            endpoint = line
        if not line.startswith("curl "):
            index += 1
            continue
        command = [line]
        # A continued line goes on with the next option; the reference's last line ends in a stray "\\".
        while command[-1].rstrip().endswith("\\") and index + 1 < len(lines) and lines[index + 1].startswith("--"):
            index += 1
            command.append(lines[index])
        index += 1
        # The list's example answer comes after its table of query parameters.
        while index < len(lines) and not re.match(r"^(\{|curl |(GET|POST|DELETE) https://)", lines[index]):
            index += 1
        body: list[str] = []
        if index < len(lines) and lines[index].startswith("{"):
            depth = 0
            while index < len(lines):
                body.append(lines[index])
                depth += lines[index].count("{") + lines[index].count("[")
                depth -= lines[index].count("}") + lines[index].count("]")
                index += 1
                if depth == 0:
                    break
        example = json.loads(re.sub(r",(\s*[}\]])", r"\1", "\n".join(body))) if body else None
        examples.append((endpoint, "\n".join(command), example))
    return examples


def run_pasted(command: str) -> str:
    """Run a command the way a terminal would after pasting it and pressing Enter."""
    result = subprocess.run(["bash"], input=command + "\n\n", capture_output=True, text=True, timeout=20)
    assert result.returncode == 0, result.stderr
    return result.stdout


def missing_keys(reference: Any, actual: Any, where: str = "") -> list[str]:
    """Keys the reference example shows that the actual JSON lacks (recursively)."""
    missing: list[str] = []
    if isinstance(reference, dict):
        if not isinstance(actual, dict):
            return [where or "<root>"]
        for key, value in reference.items():
            path = f"{where}.{key}" if where else key
            name = DOCUMENTED_RENAMES.get(path, path).rsplit(".", 1)[-1]
            if name not in actual:
                missing.append(path)
            else:
                missing += missing_keys(value, actual[name], path)
    elif isinstance(reference, list) and reference:
        if not isinstance(actual, list) or not actual:
            return [where]
        missing += missing_keys(reference[0], actual[0], where)
    return missing


def test_the_vendored_reference_is_the_shared_one() -> None:
    if not SHARED_REFERENCE.is_file():
        pytest.skip("the shared specification folder is not beside this checkout")
    assert REFERENCE.read_bytes() == SHARED_REFERENCE.read_bytes()


def test_reference_curl_commands_succeed_and_answer_every_documented_key(server: EmulatorServer) -> None:
    examples = reference_examples()
    assert [endpoint.split(" ")[0] for endpoint, _, _ in examples] == ["GET", "GET", "POST", "POST", "DELETE"]
    by_kind = {
        "list": examples[0],
        "get": examples[1],
        "create": examples[2],
        "update": examples[3],
        "delete": examples[4],
    }

    def paste(kind: str, flow_id: int | None = None) -> str:
        command = by_kind[kind][1].replace(REAL_BASE, server.base_url).replace("{api_key}", KEY_A)
        if flow_id is not None:
            command = command.replace("{flow_id}", str(flow_id))
        return run_pasted(command)

    created = json.loads(paste("create"))
    assert not missing_keys(by_kind["create"][2], created)
    flow_id = created["data"]["id"]
    assert not missing_keys(by_kind["get"][2], created), "create answers the full object"

    listed = json.loads(paste("list"))
    assert not missing_keys(by_kind["list"][2], listed)
    assert listed["data"][0]["id"] == flow_id

    one = json.loads(paste("get", flow_id))
    assert not missing_keys(by_kind["get"][2], one)
    assert one["data"]["name"] == "Example name" and one["data"]["title"] == "Example title"
    assert one["data"]["description"] == "Example description" and one["data"]["segment"] == "all"

    updated = json.loads(paste("update", flow_id))
    assert not missing_keys(by_kind["update"][2], updated)
    assert not missing_keys(by_kind["get"][2], updated), "update answers the full object"

    assert paste("delete", flow_id) == ""  # 200 with an empty body
    statuses = [(entry["method"], entry["status"]) for entry in server.request_log()]
    assert statuses == [("POST", 201), ("GET", 200), ("GET", 200), ("POST", 200), ("DELETE", 200)]


def test_curl_multipart_with_an_explicit_content_type_header_is_parsed(server: EmulatorServer) -> None:
    command = (
        f"curl --silent --request POST --url '{server.base_url}/flows' "
        f"--header 'Authorization: Bearer {KEY_A}' --header 'Content-Type: multipart/form-data' "
        "--form 'name=N' --form 'website_id=2' --form 'title=T' --form 'description=D' --form 'is_silent=0'"
    )
    flow = json.loads(run_pasted(command))["data"]
    assert (flow["website_id"], flow["settings"]["is_silent"]) == (2, 1)


def test_documented_only_answers_the_references_own_shapes(documented_server: EmulatorServer) -> None:
    server = documented_server
    examples = {kind: example for kind, example in zip(
        ("list", "get", "create", "update", "delete"), reference_examples(), strict=True)}

    def paste(kind: str, flow_id: int | None = None) -> str:
        command = examples[kind][1].replace(REAL_BASE, server.base_url).replace("{api_key}", KEY_A)
        return run_pasted(command.replace("{flow_id}", str(flow_id)) if flow_id is not None else command)

    created = json.loads(paste("create"))
    assert created == examples["create"][2] == {"data": {"id": 1}}  # the reference's example is flow 1 too

    listed = json.loads(paste("list"))
    assert listed["meta"] == examples["list"][2]["meta"]  # {page: 1, results_per_page: 25, total: 1, total_pages: 1}
    reference_links = {name: link and link.replace(REAL_BASE, server.base_url)
                       for name, link in examples["list"][2]["links"].items()}
    assert listed["links"] == reference_links
    assert set(examples["list"][2]) == set(listed)

    one = json.loads(paste("get", 1))
    assert not missing_keys(examples["get"][2], one)

    updated = json.loads(paste("update", 1))
    assert updated == examples["update"][2] == {"data": {"id": 1}}

    assert paste("delete", 1) == ""
    statuses = [(entry["method"], entry["status"]) for entry in server.request_log()]
    assert statuses == [("POST", 201), ("GET", 200), ("GET", 200), ("POST", 200), ("DELETE", 200)]
