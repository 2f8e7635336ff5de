"""Fixtures of the deploy tests: the module's emulator seen through its admin surface, and stacks dev and prod."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_pushsmm.emulator import EmulatorServer
from tests.cli_stack import Admin
from tests.deploy.helpers import Stacks


@pytest.fixture(scope="module")
def module_admin(cli_emulator: EmulatorServer) -> Iterator[Admin]:
    """The admin surface of the module's emulator, with no faults switched on before or after the module."""
    surface = Admin(cli_emulator.admin_url, cli_emulator.base_url)
    surface.clear_faults()
    yield surface
    surface.clear_faults()


@pytest.fixture(scope="module")
def dev_and_prod(module_admin: Admin, tmp_path_factory: pytest.TempPathFactory) -> Stacks:
    """One project with stacks dev and prod, nothing deployed; the module's steps share it, in order."""
    return Stacks(tmp_path_factory.mktemp("stacks"), module_admin, ["dev", "prod"])


@pytest.fixture(scope="module")
def deployed(dev_and_prod: Stacks) -> Stacks:
    """dev and prod, each deployed with the policy pack."""
    dev_and_prod.up_all()
    return dev_and_prod
