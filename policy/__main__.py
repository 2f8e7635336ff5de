"""The pushsmm flows policy pack: `pulumi preview --policy-pack policy`.

Every rule comes from pulumi_pushsmm.policies; thresholds and enforcement levels
are set with `--policy-pack-config` (see policy/config.example.json).
"""

from pulumi_policy import PolicyPack

from pulumi_pushsmm.policies import flow_policies

PolicyPack(name="pushsmm-flows", policies=flow_policies())
