"""The API key stays secret: not in the pickled provider, the state, the logs or any output."""
