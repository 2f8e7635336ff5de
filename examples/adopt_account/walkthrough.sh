#!/usr/bin/env bash
# Adopt an account: bring every flow made by hand in the pushsmm dashboard under Pulumi, changing nothing.
#
#   export PUSHSMM_API_KEY=<the account's key>     # read from the environment, never from the command line
#   export PUSHSMM_BASE_URL=http://127.0.0.1:8080/api   # only for the local emulator; leave unset for pushsmm.com
#   examples/adopt_account/walkthrough.sh my-flows
#
# Needs `pulumi` and an activated virtualenv with pulumi-pushsmm installed (`make venv`), and a Pulumi
# backend (`pulumi login --local`, or PULUMI_BACKEND_URL).
set -euo pipefail
out="${1:-my-flows}"

# 1. List the account's flows and write a project declaring each one with its current values and adopt_id.
#    (--website-id N instead of --all takes one website's flows.) Images are downloaded into $out/images.
pushsmm-pulumi import --all --out "$out"
cd "$out"

# 2. A stack for it. The key comes from PUSHSMM_API_KEY; to keep it in the stack instead, run
#    `pulumi config set --secret pushsmm:apiKey` (it prompts for the value).
pulumi stack init adopted
if [[ -n "${PUSHSMM_BASE_URL:-}" ]]; then pulumi config set pushsmm:baseUrl "$PUSHSMM_BASE_URL"; fi

# 3. The first up takes over every flow by its id: nothing is created and nothing changes in pushsmm.
pulumi up --yes --skip-preview

# 4. From now on the code is the source of truth; right after adopting, there is nothing to do.
pulumi preview --expect-no-changes
pulumi stack output --json flow_ids
