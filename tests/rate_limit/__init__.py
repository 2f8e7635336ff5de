"""Rate limiting: the limiter's rules, the budget shared by a machine's processes, pacing, the twin's own limit."""
