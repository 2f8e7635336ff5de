"""The pushsmm-flows policy pack: every rule of pulumi_pushsmm.policies at its default enforcement level.

Run it with `pulumi preview --policy-pack <this folder> [--policy-pack-config config.json]`;
`pulumi_pushsmm.policies` documents each policy and its settings, and `flow_policies()` takes
`enforcement=`, `defaults=`, `include=` and `exclude=` to change the defaults here.
"""

from pulumi_policy import EnforcementLevel, PolicyPack

from pulumi_pushsmm.policies import PACK_NAME, flow_policies

PolicyPack(
    name=PACK_NAME,
    policies=flow_policies(),
    enforcement_level=EnforcementLevel.ADVISORY,
    description="Rules for pushsmm web push flows managed with pulumi_pushsmm.",
)
