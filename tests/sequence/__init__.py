"""FlowSequence: the plan of its steps, and the series under the real engine."""
