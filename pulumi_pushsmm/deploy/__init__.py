"""Stack deployments without a service: previews, ordered rollouts and drift reports across a project's stacks.

Built on the Automation API (a ``LocalWorkspace`` on the project folder) and the Pulumi CLI:

- :mod:`.preview`: ``pushsmm-pulumi preview``, a policy-checked preview of every stack as one report;
- :mod:`.rollout`: ``pushsmm-pulumi up``, stacks deployed in order, a killed run's stack recovered on request;
- :mod:`.drift`: ``pushsmm-pulumi drift``, flows changed or deleted out of band, writing no state;
- :mod:`.events` reads the engine's events, :mod:`.report` holds the results and the exit code,
  :mod:`.summary` renders them as Markdown, :mod:`.commands` is the command line;
- :mod:`.workspace`: the project through a ``LocalWorkspace``, and :func:`workspace_options` /
  :func:`provider_env`, which let an Automation API program's Flow provider process import this package
  without anyone editing ``PATH``.
"""

from __future__ import annotations

from .workspace import provider_env, workspace_options

__all__ = ["provider_env", "workspace_options"]
