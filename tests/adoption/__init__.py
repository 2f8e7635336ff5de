"""Adopting existing flows: adopt_id, and `pushsmm-pulumi import` of a whole account."""
