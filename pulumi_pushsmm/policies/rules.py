"""The table of pushsmm flow rules: every :class:`Rule` of the pack, in the order the pack lists them.

Each rule is a record (its policy name, what it asks for, its default
enforcement level, the JSON schema of its settings with their defaults) plus a
pure function over a Flow's properties, testable without the Pulumi engine.
They live by kind: ``resource_rules`` (one Flow at a time) and ``stack_rules``
(the stack's Flows per website), on the record and settings of ``rule`` and the
property helpers of ``props`` (a rule never flags a value it does not know).

:mod:`pulumi_pushsmm.policies.pack` wraps these in pulumi_policy objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from .resource_rules import (
    BUTTONS_COMPLETE,
    DEFAULT_UTM_TAGS,
    ENABLED_HAS_LANDING_URL,
    HTTPS_URLS,
    TTL_WINDOW,
    UTM_TAGS,
    WAIT_TIME_WINDOW,
)
from .rule import Rule
from .stack_rules import MAX_FLOWS_PER_WEBSITE, SEND_SPACING, UNIQUE_NAMES

RULES: Final[tuple[Rule, ...]] = (
    HTTPS_URLS,
    BUTTONS_COMPLETE,
    TTL_WINDOW,
    WAIT_TIME_WINDOW,
    UTM_TAGS,
    ENABLED_HAS_LANDING_URL,
    DEFAULT_UTM_TAGS,
    UNIQUE_NAMES,
    SEND_SPACING,
    MAX_FLOWS_PER_WEBSITE,
)
"""Every rule, in the order the pack lists them."""

RULES_BY_NAME: Final[Mapping[str, Rule]] = {rule.name: rule for rule in RULES}
