"""Manage pushsmm web push automation flows as infrastructure as code with Pulumi.

``from pulumi_pushsmm import Flow`` in a Pulumi program manages one pushsmm flow.
"""

from .flow import TYPE_TOKEN, Flow, FlowArgs

__all__ = ["TYPE_TOKEN", "Flow", "FlowArgs"]
