"""The Flow resource: check, diff, create/read/update/delete, the schema table, FlowArgs, hostile input."""
