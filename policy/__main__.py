"""The pushsmm-flows policy pack: every rule of pulumi_pushsmm.policies at its default enforcement level.

Run it with `pulumi preview --policy-pack policy [--policy-pack-config config.json]`;
`pulumi_pushsmm.policies` documents each policy and its settings.
"""

from pulumi_policy import EnforcementLevel, PolicyPack

from pulumi_pushsmm.policies import PACK_NAME, flow_policies

PolicyPack(
    name=PACK_NAME,
    policies=flow_policies(),
    enforcement_level=EnforcementLevel.ADVISORY,
    description="Rules for pushsmm web push flows managed with pulumi_pushsmm.",
)
