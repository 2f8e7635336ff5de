"""Rate limiting: the limiter's rules, pacing against the twin, the twin's own limit, the notice in Pulumi's output."""
