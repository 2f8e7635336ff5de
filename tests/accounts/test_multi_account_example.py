"""examples/multi_account end to end under the real engine: two accounts, each flow in its own, and destroy."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from pulumi import automation as auto

from pulumi_pushsmm.emulator import EmulatorServer
from tests.support import ROOT, engine_env

pytestmark = pytest.mark.engine

SHOP_KEY = "shop-key-0c1d-DO-NOT-LEAK"
BLOG_KEY = "blog-key-6b2e-DO-NOT-LEAK"


def test_the_multi_account_example_keeps_each_flow_in_its_account(pulumi_bin_dir: Path, tmp_path: Path) -> None:
    with EmulatorServer(api_keys=[SHOP_KEY, BLOG_KEY], rate_limit=0, seed=23) as server:
        shop_site, blog_site = (int(a["website_ids"][1]) for a in server.accounts)
        state = tmp_path / "state"
        state.mkdir()
        opts = auto.LocalWorkspaceOptions(env_vars=engine_env(state), secrets_provider="passphrase")
        stack = auto.create_stack(f"test-{uuid.uuid4().hex[:8]}", work_dir=str(ROOT / "examples" / "multi_account"),
                                  opts=opts)
        printed: list[str] = []
        try:
            stack.set_all_config({
                "shopApiKey": auto.ConfigValue(SHOP_KEY, secret=True),
                "blogApiKey": auto.ConfigValue(BLOG_KEY, secret=True),
                "shopHost": auto.ConfigValue(f"site{shop_site}.example.test"),
                "blogHost": auto.ConfigValue(f"site{blog_site}.example.test"),
                "baseUrl": auto.ConfigValue(server.base_url),
            })
            result = stack.up(on_output=printed.append)
            shop = {f["name"]: f for f in server.flows_for(SHOP_KEY)}
            blog = {f["name"]: f for f in server.flows_for(BLOG_KEY)}
            assert sorted(shop) == ["Sale", "Tips", "Welcome"] and sorted(blog) == ["Tips", "Welcome"]
            assert {f["website_id"] for f in shop.values()} == {shop_site}
            assert {f["website_id"] for f in blog.values()} == {blog_site}
            assert shop["Welcome"]["title"] == "Welcome to the shop!"
            assert result.outputs["flow_ids"].value["blog"]["welcome"] == str(blog["Welcome"]["id"])
            stack.preview(expect_no_changes=True, on_output=printed.append)
            stack.destroy(on_output=printed.append)
            (sale,) = server.flows_for(SHOP_KEY)  # on_delete="disable": kept, switched off
            assert sale["name"] == "Sale" and sale["is_enabled"] in (False, 0)
            assert server.flows_for(BLOG_KEY) == []
            assert not any(key in line for line in printed for key in (SHOP_KEY, BLOG_KEY))
        finally:
            stack.workspace.remove_stack(stack.name, force=True)
