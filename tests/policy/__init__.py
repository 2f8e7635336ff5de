"""The pushsmm policy rules, the pulumi_policy pack, and `pushsmm-policy-pack new`."""
