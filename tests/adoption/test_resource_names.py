"""The resource names `pushsmm-pulumi import` gives adopted flows: readable, unique, independent of order."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.unit


def test_imported_resource_names_are_readable_and_do_not_depend_on_order() -> None:
    from pulumi_pushsmm.adopt import resource_names
    from pulumi_pushsmm.lookups import GetFlowResult

    def flow(fid: int, name: str) -> GetFlowResult:
        return GetFlowResult(id=fid, website_id=1, name=name, title="t", wait_time=1, wait_time_type="days",
                             is_enabled=True, user_id=1, image_url=None)

    flows = [flow(3, "Spring sale!"), flow(5, "Promo"), flow(9, "Promo"), flow(11, "¡¡"), flow(12, "flow")]
    expected = {3: "spring-sale", 5: "promo-5", 9: "promo-9", 11: "flow-11", 12: "flow-12"}
    assert resource_names(flows) == expected
    assert resource_names(reversed(flows)) == expected
