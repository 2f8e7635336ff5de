"""Teams on many runners: the state in a real PostgreSQL, one stack deployed from two runners, README "Team setup"."""
