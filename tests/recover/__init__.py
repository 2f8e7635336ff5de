"""`pushsmm-pulumi recover`: settling a killed deploy's pending operations."""
