"""What each operation costs: requests per Pulumi operation, the refresh snapshot, imports per process."""
