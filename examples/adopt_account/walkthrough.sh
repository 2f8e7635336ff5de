#!/usr/bin/env bash
# Adopt an account: bring every flow made by hand in the pushsmm dashboard under Pulumi, changing nothing.
#
#   export PUSHSMM_API_KEY=<the account's key>     # read from the environment, never from the command line
#   export PUSHSMM_BASE_URL=http://127.0.0.1:8080/api   # only for the local emulator; leave unset for pushsmm.com
#   source .venv/bin/activate                       # a virtualenv with pulumi-pushsmm installed (`make venv`)
#   examples/adopt_account/walkthrough.sh my-flows
#
# Needs `pulumi`, that activated virtualenv, and a Pulumi backend (`pulumi login --local`, or PULUMI_BACKEND_URL).
set -euo pipefail
out="${1:-my-flows}"

# 1. List the account's flows and write a project declaring each one with its current values and adopt_id.
#    (--website-id N instead of --all takes one website's flows.) Images are downloaded into $out/images.
#    The project runs in the activated virtualenv (--virtualenv). Without that option it gets a `venv` of its
#    own, and import prints the commands that make it from the wheel folder or package index you name
#    (--find-links DIR or --index-url URL).
pushsmm-pulumi import --all --out "$out" --virtualenv "${VIRTUAL_ENV:?activate the virtualenv with pulumi-pushsmm}"
cd "$out"

# 2. A stack for it, with the key kept in its config as a secret: a later `pulumi refresh` or `destroy`, from
#    any shell, finds it there without PUSHSMM_API_KEY.
pulumi stack init adopted
pulumi config set --secret pushsmm:apiKey "$PUSHSMM_API_KEY"
if [[ -n "${PUSHSMM_BASE_URL:-}" ]]; then pulumi config set pushsmm:baseUrl "$PUSHSMM_BASE_URL"; fi

# 3. The first up takes over every flow by its id: nothing is created and nothing changes in pushsmm.
pulumi up --yes --skip-preview

# 4. From now on the code is the source of truth; right after adopting, there is nothing to do.
pulumi preview --expect-no-changes
pulumi stack output --json flow_ids
